"""\"Make it valid\" in the designer: the diff, one-click pins, accepting it (issue 16)."""

from __future__ import annotations

import re

from tests.browser.conftest import login


def _serum(page) -> None:
    page.click("text=New design")
    page.fill("input[name=name]", "Bright serum")
    page.select_option("select[name=product_type]", "serum")
    page.select_option("select[name=base]", "light-gel")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    for i, (inci, pct) in enumerate((("Azelaic Acid", "5"), ("Niacinamide", "4"),
                                     ("Ascorbic Acid", "5"))):
        page.fill(f"input[name='rows-{i}-inci']", inci)
        page.fill(f"input[name='rows-{i}-amount']", pct)
    page.fill("input[name=target_ph]", "4.5")
    page.locator("#panel .finding.warning", has_text="Ascorbic Acid (2.5–3.5)").wait_for()


def test_make_it_valid_keeps_all_three_needs(server, page, axe):
    login(page, server)
    _serum(page)
    page.click("#make-valid")
    diff = page.locator("#repair table.diff")
    diff.wait_for()
    text = diff.inner_text()
    assert "Target pH 4.5 → 5" in text
    swap = page.locator("#repair tr.change.swap")
    assert swap.count() == 1 and "Ascorbic Acid 5 % →" in swap.inner_text()
    assert "outside the pH window of Ascorbic Acid" in swap.inner_text()  # and why
    axe.check(page, "repair-diff")
    # one click keeps a row: with L-ascorbic acid kept, the others make way for its pH…
    swap.locator("button.repair-pin").click()
    kept = page.locator("#repair tr.change", has_text="Remove Niacinamide")
    kept.wait_for()
    assert "Target pH 4.5 → 3.5" in page.locator("#repair table.diff").inner_text()
    # …and keeping niacinamide too, the two wishes clash: the repair says why, and the way out
    kept.locator("button.repair-pin").click()
    conflict = page.locator("#repair .conflict", has_text="Ascorbic Acid works at pH 2.5–3.5")
    conflict.wait_for()
    assert "Niacinamide works at pH 5–7" in conflict.inner_text()
    assert "Drop Ascorbic Acid 5 %" in conflict.inner_text()
    axe.check(page, "repair-conflict")
    for left in (2, 1):
        assert page.locator("#repair .repair-unpin").count() == left
        page.locator("#repair .repair-unpin").first.click()
        page.wait_for_function(f"() => document.querySelectorAll('#repair .repair-unpin').length"
                               f" === {left - 1}")
    page.locator("#repair tr.change.swap").wait_for()
    # one click accepts it: the form changes, the panel re-checks, no error nor pH warning
    page.click("#repair-accept-all")
    page.wait_for_function("() => document.querySelector(\"input[name=target_ph]\").value === '5.0'"
                           " || document.querySelector(\"input[name=target_ph]\").value === '5'")
    new = page.input_value("input[name='rows-2-inci']")
    assert new != "Ascorbic Acid" and "Ascorbi" in new or "Ascorbyl" in new
    page.locator("#panel .verdict.ok").wait_for()
    page.wait_for_function("() => !document.querySelector('#panel .finding.warning')")
    assert page.input_value("input[name='rows-0-inci']") == "Azelaic Acid"
    assert page.input_value("input[name='rows-1-inci']") == "Niacinamide"
    assert page.locator("#repair table.diff").count() == 0


def test_accept_some_of_the_changes(server, page):
    login(page, server)
    _serum(page)
    page.click("#make-valid")
    page.locator("#repair tr.change.swap").wait_for()
    page.locator("#repair tr.change.swap input.accept").uncheck()
    page.click("#repair-accept")
    page.wait_for_function("() => ['5', '5.0'].includes(document.querySelector(\"input[name=target_ph]\").value)")
    assert page.input_value("input[name='rows-2-inci']") == "Ascorbic Acid"  # not accepted
    page.locator("#panel .finding.warning", has_text="Ascorbic Acid (2.5–3.5)").wait_for()


def test_make_it_valid_without_javascript(server, page_nojs):
    page = page_nojs
    login(page, server)
    page.click("text=New design")
    page.fill("input[name=name]", "Full gel")
    page.select_option("select[name=product_type]", "serum")
    page.select_option("select[name=base]", "light-gel")
    page.click("button:has-text('Create')")
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "10")
    page.fill("input[name='rows-1-inci']", "Glycerin")
    page.fill("input[name='rows-1-amount']", "8")
    page.click("#check-button")
    capacity = page.locator("#panel .finding.error", has_text="carries at most")
    assert capacity.count() == 1
    capacity.locator("button.make-valid").click()  # a finding with no fix of its own links here
    assert "1 change" in page.locator("#repair table.diff caption").inner_text()
