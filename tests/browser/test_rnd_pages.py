"""Issue 17, R&D in a real browser at 1280 and 390 px: R&D lands on its own home; every
R&D page fits the screen (no sideways scroll) and passes axe; the sub-navigation marks
the current page; an impact run starts from the page and its report shows.

Screenshots (test-artifacts/): rnd-<page>-{1280,390}.png.
"""

from __future__ import annotations

import pytest

from tests.browser import test_lab_review_diff
from tests.browser.test_lab_review_diff import RND, WIDTHS, fits, resubmitted

pytestmark = pytest.mark.db  # the site fixture makes its own app and database
site = test_lab_review_diff.site  # the fixture: (base URL, app), with an R&D account

PAGES = (("home", "/rnd/", "Rules in force", "page"),
         ("catalog", "/rnd/catalog?q=vitamin+c", "Catalog", "page"),
         ("ingredient", "/rnd/catalog/phenoxyethanol", "Catalog", "true"),
         ("rules", "/rnd/rules?kind=max-concentration", "Rules", "page"),
         ("rule", "/rnd/rules/eu-annex-v-29-phenoxyethanol", "Rules", "true"),
         ("impact", "/rnd/impact", "Impact report", "page"))


def _login(page, base):
    page.goto(f"{base}/login")
    page.fill("input[name=email]", RND[0])
    page.fill("input[name=password]", RND[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/rnd/")  # R&D's own home, not "My designs"


def test_rnd_pages_fit_both_widths_and_mark_the_current_page(site, page, axe):
    base, app = site
    resubmitted(app)  # a design for the impact run
    _login(page, base)
    top = page.get_by_role("navigation", name="Main")
    assert top.get_by_text("Skin quiz").count() == 0
    assert top.get_by_role("link", name="R&D").get_attribute("aria-current") == "page"
    sub = page.get_by_role("navigation", name="R&D")
    for name, url, current, how in PAGES:
        page.set_viewport_size(WIDTHS[0])
        page.goto(base + url)
        marked = sub.locator("a[aria-current]")
        assert marked.count() == 1 and marked.inner_text() == current, name
        assert marked.get_attribute("aria-current") == how, name
        axe.check(page, f"rnd-{name}-axe")
        for size in WIDTHS:
            page.set_viewport_size(size)
            fits(page, f"rnd-{name}")

    page.set_viewport_size(WIDTHS[1])  # the run, from a phone
    page.goto(f"{base}/rnd/impact")
    assert page.locator("#no-impact").count() == 1
    # synchronous: loads the folder and checks in bulk (seconds on a busy machine)
    with page.expect_navigation(url=f"{base}/rnd/impact", timeout=90_000):
        page.click("#run-impact", timeout=90_000)
    assert "Impact run done: 0 of 1 design(s) change" in page.locator(".flash").inner_text()
    summary = page.locator("#impact-summary").inner_text()
    assert "from this page by rnd@example.com" in summary and "0 of 1 change" in summary
    fits(page, "rnd-impact-run")
    axe.check(page, "rnd-impact-run-axe")
