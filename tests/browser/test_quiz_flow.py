"""The skin quiz in a real browser: answer, read the reasons, open the design, change it, save."""

from __future__ import annotations

import re

from tests.browser.conftest import login


def answer(page, **choices) -> None:
    for qid, value in choices.items():
        for v in value if isinstance(value, list) else [value]:
            page.check(f"input[name='{qid}'][value='{v}']")


OILY_PORES = {"skin-type": "oily", "concerns": ["large-pores", "dark-spots"],
              "pregnancy": "no", "age": "25-39", "climate": "temperate", "texture": "light",
              "fragrance": "fragrance-free", "budget": "standard"}


def test_quiz_flow_with_javascript(server, page, axe):
    login(page, server)
    page.click("#take-quiz")
    page.wait_for_url(f"{server}/quiz")
    axe.check(page, "quiz")
    # one question left out: the page says which, and keeps the other answers
    answer(page, **{k: v for k, v in OILY_PORES.items() if k != "budget"})
    page.click("#quiz-submit")
    problems = page.locator("#quiz-problems")
    assert "please answer “Budget for the raw materials”" in problems.inner_text()
    assert page.is_checked("input[name='skin-type'][value='oily']")
    axe.check(page, "quiz-with-problems")
    answer(page, budget="standard")
    page.click("#quiz-submit")
    page.wait_for_url(f"{server}/quiz/result")
    reasons = page.locator("#reasons").inner_text()
    assert "Niacinamide 5 % — you said: large pores, oily skin" in reasons
    assert "Tranexamic Acid 3 % — you said: dark spots" in reasons
    assert "Fragrance-free — you said: fragrance-free" in reasons
    assert page.locator("#panel .verdict.ok").count() == 1
    axe.check(page, "quiz-result")
    page.click("#open-design")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    assert "Your skin quiz answers" in page.locator("#quiz-answers").inner_text()
    # the design is the client's: lower niacinamide from 5 % to 4 % and save
    rows = page.locator("input[name$='-inci']")
    idx = next(i for i in range(rows.count()) if rows.nth(i).input_value() == "Niacinamide")
    page.fill(f"input[name='rows-{idx}-amount']", "4")
    page.locator("#panel .verdict.ok").wait_for()
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    page.reload()
    assert page.input_value(f"input[name='rows-{idx}-amount']") == "4"
    axe.check(page, "editor-from-quiz")
    # the answers can be deleted; the design stays
    page.click("#delete-answers")
    page.locator(".flash", has_text="answers are deleted").wait_for()
    assert page.locator("#quiz-answers").count() == 0
    assert page.input_value(f"input[name='rows-{idx}-amount']") == "4"


def test_quiz_flow_without_javascript(server, page_nojs):
    page = page_nojs
    login(page, server)
    page.goto(f"{server}/quiz")
    answer(page, **dict(OILY_PORES, pregnancy="pregnant", concerns=["fine-lines"]))
    page.click("#quiz-submit")
    page.wait_for_url(f"{server}/quiz/result")
    reasons = page.locator("#reasons").inner_text()
    assert "Suitable during pregnancy" in reasons and "you said: pregnant" in reasons
    assert "Retinol" not in reasons and "Bakuchiol" in reasons
    assert "Retinol" in page.locator("#left-out").inner_text()
    page.click("#open-design")
    # wait for the page to load: the click returns once the navigation commits,
    # and count() does not wait for the element to be parsed
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    assert page.locator("#quiz-answers").count() == 1
