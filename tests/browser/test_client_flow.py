"""The client's flow in a real browser, with and without JavaScript, checked by axe-core."""

from __future__ import annotations

import re

from tests.browser.conftest import login


def _new_design(page, base: str, name: str) -> None:
    page.click("text=New design")
    page.fill("input[name=name]", name)
    page.select_option("select[name=product_type]", "night-cream")
    page.select_option("select[name=base]", "rich-night-cream")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))


def test_client_flow_with_javascript(server, page, axe):
    page.goto(f"{server}/login")
    axe.check(page, "login")
    login(page, server)
    axe.check(page, "dashboard-empty")
    page.click("text=New design")
    axe.check(page, "new-design")
    page.go_back()
    _new_design(page, server, "Retinol night cream")
    url = page.url
    axe.check(page, "editor")
    # an active above its limit: retinol 0.5 % against the 0.3 % RE limit
    page.fill("input[name='rows-0-inci']", "Retinol")
    page.fill("input[name='rows-0-amount']", "0.5 %")
    finding = page.locator("#panel .finding.error", has_text="Retinol")
    finding.wait_for()  # live: no page load happened
    assert page.url == url
    assert "0.3 %" in finding.inner_text()
    axe.check(page, "editor-with-finding")
    finding.locator("button.apply-fix").click()
    page.wait_for_function(
        "() => document.querySelector(\"input[name='rows-0-amount']\").value === '0.3'")
    page.locator("#panel .verdict.ok").wait_for()
    # the catalog marks options that would break a rule, with the reason
    page.fill("#catalog-q", "hydroquinone")
    blocked = page.locator("#catalog-list li.blocked", has_text="Hydroquinone")
    blocked.wait_for()
    assert "prohibited" in blocked.inner_text()
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    page.reload()
    assert page.input_value("input[name='rows-0-inci']") == "Retinol"
    assert page.input_value("input[name='rows-0-amount']") == "0.3"
    page.click("#submit-button")
    page.locator(".flash", has_text="submitted for lab review").wait_for()
    assert page.locator(".status.submitted").first.is_visible()
    axe.check(page, "editor-submitted")
    page.goto(f"{server}/designs")
    assert "submitted" in page.locator("table.list").inner_text()


def test_client_flow_without_javascript(server, page_nojs):
    # axe-core needs JavaScript: the same pages are checked in the test above
    page = page_nojs
    login(page, server)
    _new_design(page, server, "No-JS cream")
    page.fill("input[name='rows-0-inci']", "Retinol")
    page.fill("input[name='rows-0-amount']", "0.5")
    page.click("#check-button")
    page.wait_for_load_state()  # the click returns once the navigation commits
    finding = page.locator("#panel .finding.error", has_text="Retinol")
    assert finding.count() == 1
    finding.locator("button.apply-fix").click()  # a plain submit button
    page.wait_for_load_state()
    assert page.input_value("input[name='rows-0-amount']") == "0.3"
    assert page.locator("#panel .verdict.ok").count() == 1
    page.click("#save-button")
    page.wait_for_load_state()
    assert page.locator(".flash", has_text="Saved as revision 2").count() == 1
    page.reload()
    assert page.input_value("input[name='rows-0-amount']") == "0.3"
    page.click("#submit-button")
    page.wait_for_load_state()
    assert page.locator(".flash", has_text="submitted for lab review").count() == 1
