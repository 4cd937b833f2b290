"""The client's designer as a product (issue 17), at 1280 and at 390 px wide, in Debian's
chromium: the summary in view after a change, nothing lost (draft, guard, submit acts on
the screen), rows added and removed in place, the catalog searched by synonym, trade
name, function and tag, numbers rounded, the lab's comment in the editor, and the live
panel's latency measured in the browser.

Screenshots of the designer and the quiz result at both widths are saved to
``$SCREENSHOTS_DIR`` (default: ``test-artifacts/``, git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import statistics
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_quiz_flow import OILY_PORES, answer

WIDTHS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ARTIFACTS)


@pytest.fixture(params=sorted(WIDTHS))
def sized(browser, request):
    """A page at one of the two widths: (page, "wide" or "phone")."""
    ctx = browser.new_context(viewport=WIDTHS[request.param])
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    yield page, request.param
    ctx.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def no_sideways_scroll(page, what: str) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    view = page.viewport_size["width"]
    assert width <= view, f"{what}: the document is {width} px wide at {view} px"


def in_view(page, selector: str) -> None:
    box = page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                h: innerHeight, w: innerWidth}; }""", selector)
    assert box["top"] >= 0 and box["bottom"] <= box["h"] + 1, (selector, box)
    assert box["left"] >= 0 and box["right"] <= box["w"] + 1, (selector, box)


def new_design(page, name="Bright serum", product="serum", base="light-gel") -> None:
    page.click("text=New design")
    page.fill("input[name=name]", name)
    page.select_option("select[name=product_type]", product)
    page.select_option("select[name=base]", base)
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))


def settled(page) -> None:
    """The live check has answered the last change."""
    page.wait_for_function("() => !document.getElementById('design-form').hasAttribute('aria-busy')")


def mark_page(page) -> None:
    """A marker a page load would lose: its survival proves no reload happened."""
    page.evaluate("() => { window.__noReload = 'kept'; }")


def not_reloaded(page) -> None:
    assert page.evaluate("() => window.__noReload") == "kept", "the page was reloaded"


def test_summary_in_view_after_a_change_no_sideways_scroll(server, sized, axe):
    page, width = sized
    login(page, server)
    new_design(page)
    no_sideways_scroll(page, "designer")
    page.locator("#sum-verdict").wait_for()
    # scrolled down to the batch section, the client changes a strength far above
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "4")
    page.locator("#sum-verdict.ok").wait_for()
    page.locator("#sec-batch").scroll_into_view_if_needed()
    page.fill("input[name='rows-0-amount']", "16")
    page.locator("#sum-verdict.bad").wait_for()
    in_view(page, "#sum-verdict")
    assert re.search(r"\d+ errors?", page.inner_text("#sum-verdict"))
    assert "EUR/kg" in page.inner_text("#sum-cost")
    assert re.fullmatch(r"16 % of 15 % used", page.inner_text("#sum-capacity"))
    assert page.locator(".sum-top li.error").count() >= 1
    no_sideways_scroll(page, "designer with findings")
    axe.check(page, f"designer-summary-{width}")
    shot(page, f"designer-scrolled-{width}")
    page.evaluate("() => window.scrollTo(0, 0)")
    in_view(page, "#sum-verdict")
    shot(page, f"designer-{width}")


def test_a_name_before_its_strength_is_a_row_hint_not_an_unreadable_panel(server, page):
    login(page, server)
    new_design(page)
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "4")
    page.locator("#sum-verdict.ok").wait_for()
    page.fill("input[name='rows-1-inci']", "Caffeine")
    hint = page.locator("tbody tr").nth(1).locator(".row-hint")
    hint.wait_for()
    assert "strength" in hint.inner_text()
    assert page.locator("#panel", has_text="cannot be read").count() == 0
    assert page.locator("#panel .verdict").count() == 1  # the findings stay
    assert "waiting for a strength" in page.inner_text("#summary")
    page.fill("input[name='rows-1-amount']", "1")
    page.wait_for_function("() => document.querySelector('tbody tr:nth-child(2) .row-hint').hidden")


def test_rows_are_added_and_removed_without_a_reload(server, sized):
    page, width = sized
    login(page, server)
    new_design(page)
    mark_page(page)
    rows = page.locator("table.rows tbody tr")
    start = rows.count()
    for _ in range(3):
        page.click("#add-row")
    assert rows.count() == start + 3
    names = [("Niacinamide", "3"), ("Glycerin", "1"), ("Panthenol", "1"), ("Allantoin", "0.2")]
    for i, (inci, pct) in enumerate(names):
        page.fill(f"input[name='rows-{i}-inci']", inci)
        page.fill(f"input[name='rows-{i}-amount']", pct)
    settled(page)
    page.click("button[aria-label='Remove Glycerin']")
    settled(page)
    # the rows after it moved up, and the server reads them under their new numbers
    assert page.input_value("input[name='rows-1-inci']") == "Panthenol"
    assert page.input_value("input[name='rows-2-inci']") == "Allantoin"
    assert "Glycerin" not in [page.input_value(f"input[name='rows-{i}-inci']")
                              for i in range(rows.count())]
    page.locator("#panel table.composition", has_text="Allantoin").wait_for()
    # every row is full: adding from the catalog appends a row, no reload, no jump
    extra = iter(["Betaine", "Urea", "Sodium PCA", "Xylitol", "Inositol", "Trehalose"])
    for i in range(rows.count()):
        if not page.input_value(f"input[name='rows-{i}-inci']"):
            page.fill(f"input[name='rows-{i}-inci']", next(extra))
            page.fill(f"input[name='rows-{i}-amount']", "0.1")
    full = rows.count()
    page.fill("#catalog-q", "bisabolol")
    add = page.locator("#catalog-list li.ok button.add", has_text="Bisabolol").first
    add.wait_for()
    settled(page)
    page.wait_for_timeout(400)  # the list is redrawn after the last check
    add.scroll_into_view_if_needed()
    y = page.evaluate("() => scrollY")
    add.click()
    page.wait_for_function(f"() => document.querySelectorAll('table.rows tbody tr').length === {full + 1}")
    assert page.input_value(f"input[name='rows-{full}-inci']") == "Bisabolol"
    assert page.locator(f"table.rows tbody tr >> nth={full}").locator(".remove-row").count() == 1
    assert abs(page.evaluate("() => scrollY") - y) < 200  # did not jump back to the top
    not_reloaded(page)
    page.click("button[aria-label='Remove Bisabolol']")
    page.wait_for_function(f"() => document.querySelectorAll('table.rows tbody tr').length === {full}")
    not_reloaded(page)
    no_sideways_scroll(page, f"designer with {full} rows")
    # saved, the rows are what the screen showed
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    assert page.input_value("input[name='rows-1-inci']") == "Panthenol"


def test_reload_after_an_edit_brings_it_back_and_leaving_warns(server, sized):
    page, width = sized
    login(page, server)
    new_design(page)
    page.locator("#save-state", has_text="All changes saved").wait_for()
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "4")
    page.fill("input[name=target_ph]", "5.5")
    page.locator("#save-state", has_text="Unsaved changes").wait_for()
    assert page.locator("#dirty-mark").is_visible() or width == "phone"
    # leaving warns (a beforeunload guard) …
    assert page.evaluate("""() => { const e = new Event('beforeunload', {cancelable: true});
        window.dispatchEvent(e); return e.defaultPrevented; }""")
    # … and if the visitor reloads anyway, the edit comes back from this browser's draft
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.wait_for_timeout(300)  # the draft is written 150 ms after the last change
    page.reload()
    page.locator("#draft-note", has_text="unsaved edits").wait_for()
    assert page.input_value("input[name='rows-0-inci']") == "Niacinamide"
    assert page.input_value("input[name='rows-0-amount']") == "4"
    assert page.input_value("input[name=target_ph]") == "5.5"
    page.locator("#save-state", has_text="Unsaved changes").wait_for()
    page.locator("#panel table.composition", has_text="Niacinamide").wait_for()
    # saved: nothing is kept any more, a reload shows the saved revision quietly
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    page.reload()
    page.locator("#save-state", has_text="All changes saved").wait_for()
    assert page.locator("#draft-note").is_hidden()
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('configurator-draft'))"
                         ".length") == 0


def test_submit_acts_on_the_screen(server, sized, axe):
    page, width = sized
    login(page, server)
    new_design(page)
    # an error on screen, not saved: submit refuses, says why, keeps the edit
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "16")
    page.locator("#sum-verdict.bad").wait_for()
    assert "Save as revision 2 and submit" in page.inner_text("#submit-button")
    page.click("#submit-button")
    note = page.locator("#submit-note")
    note.wait_for()
    assert "Not submitted" in note.inner_text() and "error" in note.inner_text()
    assert page.input_value("input[name='rows-0-amount']") == "16"
    assert page.locator(".status.draft").count() == 1
    axe.check(page, f"designer-submit-refused-{width}")
    # a valid edit on screen, not saved: submit saves it as revision 2, then submits it
    page.fill("input[name='rows-0-amount']", "4")
    page.locator("#sum-verdict.ok").wait_for()
    page.click("#submit-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    page.locator(".flash", has_text="Revision 2 submitted for lab review").wait_for()
    assert page.input_value("input[name='rows-0-amount']") == "4"
    assert page.locator(".status.submitted").count() >= 1


SEARCHES = [("nicotinamide", "Niacinamide", "synonym: Nicotinamide"),  # a synonym
            ("Stay-C", "Sodium Ascorbyl Phosphate", "trade name: Stay-C 50"),  # a trade name
            ("chelating", "Disodium EDTA", "function: chelating"),  # a function
            ("humectant", "Glycerin", "tag: humectant")]  # a tag


def test_catalog_search_by_synonym_trade_name_and_function(server, sized):
    page, width = sized
    login(page, server)
    new_design(page, "Plain cream", "night-cream", "rich-night-cream")
    for query, expect, why in SEARCHES:
        page.fill("#catalog-q", query)
        hit = page.locator("#catalog-list li", has_text=expect).first
        hit.wait_for()
        assert why in page.inner_text("#catalog-list"), (query, page.inner_text("#catalog-list"))
    no_sideways_scroll(page, "designer with catalog results")


def test_catalog_search_by_tag_and_what_is_in_the_formula(server, sized, axe):
    page, width = sized
    login(page, server)
    new_design(page)
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "4")
    page.fill("#catalog-q", "vitamin c")
    page.locator("#catalog-list li", has_text="Tetrahexyldecyl Ascorbate").wait_for()
    forms = ["Ascorbic Acid", "Sodium Ascorbyl Phosphate", "Magnesium Ascorbyl Phosphate",
             "Ascorbyl Glucoside", "3-O-Ethyl Ascorbic Acid", "Tetrahexyldecyl Ascorbate",
             "Ascorbyl Palmitate"]
    text = page.inner_text("#catalog-list")
    assert all(f in text for f in forms), text
    page.fill("#catalog-q", "AHA")
    page.locator("#catalog-list li", has_text="Glycolic Acid").wait_for()
    # "niacin" with Niacinamide already in the formula: shown as such, not "no match"
    page.fill("#catalog-q", "niacin")
    present = page.locator("#catalog-list li.present", has_text="Niacinamide")
    present.wait_for()
    assert "in the formula, 4 %" in present.inner_text()
    assert "No ingredient matches" not in page.inner_text("#catalog-list")
    # numbers for people, and never more than the base still carries (15 % - 4 %)
    page.fill("#catalog-q", "glyc")
    page.locator("#catalog-list li.ok").first.wait_for()
    text = page.inner_text("#catalog-list")
    assert not re.search(r"\d\.\d{5,}", text), text
    most = [float(x) for x in re.findall(r"at most ([\d.]+) %", text)]
    assert most and max(most) <= 11, most
    axe.check(page, f"designer-catalog-tag-{width}")


def test_the_labs_comment_is_in_the_editor(server, sized):
    page, _width = sized
    login(page, server)
    new_design(page, "Calming cream", "face-cream", "ow-day-cream")
    design_url = page.url
    page.click("#submit-button")
    # nothing edited: the saved revision itself is submitted, no new one is made
    page.locator(".flash", has_text="Revision 1 submitted for lab review").wait_for()
    assert page.locator(".flash", has_text="Saved as revision").count() == 0
    page.click("button:has-text('Log out')")
    login(page, server, "lab")
    page.goto(f"{server}/lab/")
    page.click("text=Calming cream")
    page.click("#start-review")
    page.select_option("select[name=decision]", "changes_requested")
    page.fill("textarea[name=comment]", "Please add 2 % niacinamide.")
    page.click("#decide")
    page.locator(".flash", has_text="changes requested").wait_for()
    page.click("button:has-text('Log out')")
    login(page, server)
    page.goto(design_url)
    comment = page.locator("#lab-comment")
    assert "Please add 2 % niacinamide." in comment.inner_text()
    in_view(page, "#lab-comment")
    no_sideways_scroll(page, "designer with the lab's comment")


def test_quiz_result_screenshots(server, sized):
    page, width = sized
    login(page, server)
    page.click("#take-quiz")
    answer(page, **OILY_PORES)
    page.click("#quiz-submit")
    page.wait_for_url(f"{server}/quiz/result")
    no_sideways_scroll(page, "quiz result")
    shot(page, f"quiz-result-{width}")


def test_panel_updates_within_300_ms_median(server, page):
    """From a change in a strength field to the new panel in the page, measured in the
    browser (performance.now() at the input event, a MutationObserver on the panel)."""
    login(page, server)
    new_design(page)
    for i, (inci, pct) in enumerate((("Niacinamide", "4"), ("Glycerin", "2"), ("Panthenol", "1"))):
        page.fill(f"input[name='rows-{i}-inci']", inci)
        page.fill(f"input[name='rows-{i}-amount']", pct)
    settled(page)
    times = []
    for n in range(15):
        ms = page.evaluate("""async (value) => {
            const panel = document.getElementById('panel');
            const input = document.querySelector("input[name='rows-0-amount']");
            const done = new Promise(ok => { const mo = new MutationObserver(() => {
                mo.disconnect(); ok(performance.now()); });
                mo.observe(panel, {childList: true}); });
            const t0 = performance.now();
            input.value = value;
            input.dispatchEvent(new Event('input', {bubbles: true}));
            return (await done) - t0; }""", f"{3 + (n % 5) * 0.5:g}")
        times.append(ms)
        page.wait_for_timeout(50)
    median = statistics.median(times)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "designer-latency.json").write_text(json.dumps(
        {"median_ms": round(median, 1), "min_ms": round(min(times), 1),
         "max_ms": round(max(times), 1), "samples": [round(t, 1) for t in times]}))
    assert median < 300, f"median {median:.0f} ms: {times}"
