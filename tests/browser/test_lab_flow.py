"""Lab review in a real browser: request changes, resubmit, approve, download the sheet."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.browser.conftest import login


def _logout(page):
    page.click("button:has-text('Log out')")
    page.wait_for_url(re.compile(r".*/login$"))


def test_review_round_trip(server, browser, page, axe):
    login(page, server, "client")
    page.click("text=New design")
    page.fill("input[name=name]", "Calming cream")
    page.select_option("select[name=product_type]", "face-cream")
    page.select_option("select[name=base]", "ow-day-cream")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    design_url = page.url
    page.click("#submit-button")
    page.locator(".flash", has_text="submitted for lab review").wait_for()
    _logout(page)

    login(page, server, "lab")
    page.goto(f"{server}/lab/")
    axe.check(page, "lab-queue")
    page.click("text=Calming cream")
    page.click("#start-review")
    axe.check(page, "lab-review")
    page.select_option("select[name=decision]", "changes_requested")
    page.fill("textarea[name=comment]", "Please add 2 % niacinamide.")
    page.click("#decide")
    page.locator(".flash", has_text="changes requested").wait_for()
    _logout(page)

    login(page, server, "client")
    assert "Please add 2 % niacinamide." in page.locator("table.list").inner_text()
    page.goto(design_url)
    page.fill("input[name='rows-0-inci']", "Niacinamide")
    page.fill("input[name='rows-0-amount']", "2")
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    page.click("#submit-button")
    page.locator(".flash", has_text="submitted for lab review").wait_for()
    _logout(page)

    login(page, server, "lab")
    page.goto(f"{server}/lab/")
    page.click("text=Calming cream")
    page.click("#start-review")
    page.select_option("select[name=decision]", "approved")
    page.fill("textarea[name=comment]", "Approved for a pilot batch.")
    page.click("#decide")
    page.locator(".flash", has_text="approved").wait_for()
    with page.expect_download() as dl:
        page.evaluate("""() => { const a = document.createElement('a');
            a.href = document.querySelector("a[href$='sheet.pdf']").href; a.download = 'sheet.pdf';
            document.body.appendChild(a); a.click(); }""")
    with open(dl.value.path(), "rb") as f:
        pdf = f.read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Niacinamide" in text
    assert "Approved for a pilot batch." in text
    assert "DRAFT" not in text
    _logout(page)

    login(page, server, "client")
    page.goto(design_url)
    assert page.locator("#save-button").count() == 0  # locked for good
