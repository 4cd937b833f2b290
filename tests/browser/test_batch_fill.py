"""Issue 17: a batch size is checked against units × fill before it is saved."""

from __future__ import annotations

import re

from tests.browser.conftest import login


def test_batch_size_must_match_units_and_fill(server, page, axe):
    login(page, server)
    page.click("text=New design")
    page.fill("input[name=name]", "Batch cream")
    page.select_option("select[name=product_type]", "face-cream")
    page.select_option("select[name=base]", "ow-day-cream")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    page.fill("input[name=batch_size]", "50 kg")
    page.fill("input[name=batch_units]", "1000")
    page.fill("input[name=batch_fill]", "30 mL")
    page.click("#save-button")
    error = page.locator("input[name=batch_size] ~ .error")
    error.wait_for()
    assert "does not match 1000 × 30 mL" in error.inner_text()
    assert "would fill" in error.inner_text()
    assert page.locator(".flash", has_text="Saved as revision").count() == 0
    assert page.input_value("input[name=batch_size]") == "50 kg"  # the edit is kept
    axe.check(page, "editor-batch-mismatch")
    page.fill("input[name=batch_size]", "31 kg")
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    assert page.locator("input[name=batch_size] ~ .error").count() == 0
