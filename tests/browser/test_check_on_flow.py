"""The designer checks as of a day and asks who the product is for (issue 15)."""

from __future__ import annotations

import re

from tests.browser.conftest import login

COMING = "From 7 Jun 2027 this design breaks REACH Annex XVII entry 70"


def _lotion(page) -> None:
    """A leave-on body lotion with D5 at 5 %: REACH Annex XVII entry 70 (as amended by
    Regulation (EU) 2024/1328) restricts it in leave-on cosmetics from 7 June 2027."""
    page.click("text=New design")
    page.fill("input[name=name]", "Silky body lotion")
    page.select_option("select[name=product_type]", "body-lotion")
    page.select_option("select[name=base]", "")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    assert page.input_value("input[name='rows-0-inci']") == "Aqua"
    for i, (inci, pct) in enumerate((("Cyclopentasiloxane", "5"), ("Glycerin", "3"),
                                     ("Phenoxyethanol", "0.8")), 1):
        page.fill(f"input[name='rows-{i}-inci']", inci)
        page.fill(f"input[name='rows-{i}-amount']", pct)


def test_a_future_day_shows_the_coming_rule_with_its_date(server, page, axe):
    login(page, server)
    _lotion(page)
    # today: D5 is fine in a leave-on product, and the panel says which day it checked
    page.locator("#panel .verdict.ok").wait_for()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.input_value("#check-on"))
    # as of 1 Jan 2027: still valid, with a warning naming the day the rule applies from
    page.fill("#check-on", "2027-01-01")
    # (today's panel warns of the same coming rule: wait for the answer as of that day, which
    # may come a preview later when the rows' check and the day's are two requests)
    page.wait_for_function(
        "() => (document.querySelector('#checked-on') || {}).innerText === '1 Jan 2027'")
    warning = page.locator("#panel .finding.warning", has_text=COMING)
    warning.wait_for()
    assert page.inner_text("#checked-on") == "1 Jan 2027"
    assert warning.locator(".when").inner_text() == "Applies from 7 Jun 2027"
    assert "coming-rule" in warning.inner_text() and "Cyclopentasiloxane" in warning.inner_text()
    assert "1 coming rule the design breaks from 7 Jun 2027" in page.inner_text("#panel")
    assert page.locator("#panel .verdict.ok").count() == 1
    axe.check(page, "designer-coming-rule")
    # on the day itself: an error, no longer a warning
    page.fill("#check-on", "2027-06-07")
    page.locator("#panel .finding.error", has_text="D5 in a leave-on cosmetic product").wait_for()
    assert page.inner_text("#checked-on") == "7 Jun 2027"
    assert page.locator("#panel .verdict.bad").count() == 1
    assert page.locator("#panel .finding", has_text=COMING).count() == 0
    # the one-click fix works as of that day too: below 0.1 % the lotion passes again
    page.locator("#panel .finding.error", has_text="D5 in a leave-on").locator(
        "button.apply-fix").click()
    page.locator("#panel .verdict.ok").wait_for()


def test_age_select_follows_the_product_type_and_is_saved(server, page, axe):
    login(page, server)
    _lotion(page)
    age = page.locator("#age-field select")
    assert page.locator("#age-field").is_visible() and age.input_value() == "adults"
    # a lip balm is not asked (nor sends) an age; a baby lotion brings its own
    page.select_option("select[name=product_type]", "lip-balm")
    page.wait_for_function("() => document.getElementById('age-field').hidden")
    assert age.is_disabled()
    page.select_option("select[name=product_type]", "baby-lotion")
    page.wait_for_function("() => !document.getElementById('age-field').hidden")
    assert age.input_value() == "under-3" and not age.is_disabled()
    page.select_option("select[name=product_type]", "body-lotion")
    assert age.input_value() == "adults"
    # salicylic acid in a body lotion for children under 3: not allowed (Regulation (EC)
    # No 1223/2009, Annex III entry 98, Annex V entry 3), an error once the age says so
    page.fill("input[name='rows-2-inci']", "Salicylic Acid")
    page.fill("input[name='rows-2-amount']", "0.5")
    page.locator("#panel .verdict.ok").wait_for()
    age.select_option("under-3")
    page.locator("#panel .finding.error", has_text="Salicylic Acid").first.wait_for()
    axe.check(page, "designer-age")
    page.click("#save-button")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    assert page.locator("#age-field select").input_value() == "under-3"


def test_a_category_question_is_marked_in_the_panel(server, page):
    login(page, server)
    _lotion(page)
    # a body sunscreen: is it one of the regulation's "body lotions" (Annex III entry 376)?
    page.select_option("select[name=product_type]", "sunscreen-body")
    page.fill("input[name='rows-2-inci']", "Retinol")
    page.fill("input[name='rows-2-amount']", "0.1")
    question = page.locator("#panel .finding.warning", has_text="Is this one of the body lotions")
    question.wait_for()
    assert question.locator(".when").inner_text() == "A question for you"
    assert "category-question" in question.inner_text()
