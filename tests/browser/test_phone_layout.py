"""Issue 17: the pages fit a 390 px phone with no sideways scrolling.

Each page is measured in Debian's chromium at 390 × 844: the document may not be
wider than the viewport, the header's e-mail may not overlap the navigation's
links, and the navigation stays within two lines.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_quiz_flow import OILY_PORES, answer

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, request):
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    yield page
    ctx.close()


def _fits(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide at {PHONE['width']} px"


def _header_is_tidy(page) -> None:
    boxes = page.evaluate("""() => [...document.querySelectorAll('header.top nav > *')]
        .filter(e => e.offsetParent !== null)
        .map(e => { const r = e.getBoundingClientRect();
                    return {l: r.left, r: r.right, t: r.top, b: r.bottom}; })""")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a["r"], b["r"]) - max(a["l"], b["l"]) > 1 and \
                min(a["b"], b["b"]) - max(a["t"], b["t"]) > 1
            assert not overlap, f"header items overlap: {a} and {b}"
    lines = {round(b["t"]) for b in boxes}
    assert len(lines) <= 2, f"the navigation wraps over {len(lines)} lines"


def test_client_pages_fit_a_phone(server, phone):
    page = phone
    login(page, server)
    _header_is_tidy(page)
    _fits(page, "dashboard-empty")
    page.click("text=New design")
    _fits(page, "new-design")
    page.fill("input[name=name]", "Phone cream")
    page.select_option("select[name=product_type]", "night-cream")
    page.select_option("select[name=base]", "rich-night-cream")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    page.fill("input[name='rows-0-inci']", "Retinol")
    page.fill("input[name='rows-0-amount']", "0.5 %")
    page.locator("#panel .finding.error", has_text="Retinol").wait_for()
    _header_is_tidy(page)
    _fits(page, "designer")
    page.goto(f"{server}/designs")
    _fits(page, "dashboard")
    page.click("#take-quiz")
    _fits(page, "quiz")
    answer(page, **OILY_PORES)
    page.click("#quiz-submit")
    page.wait_for_url(f"{server}/quiz/result")
    _fits(page, "quiz-result")
