"""Issue 17: the lab decides on the review page, and the client sees the lab's word.

The review page shows what the client asked for (target pH, constraints, batch,
units and fill, notes, cost, allergens), not only the PDF; after the lab requests
changes, its comment is at the top of the client's editor, in view on load, and it
goes once the design is submitted again. Checked at 1280 and at 390 px wide.
"""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_lab_flow import _logout

COMMENT = "Please raise the pH to 5.5 and add 2 % niacinamide."


def test_review_shows_the_request_and_the_editor_shows_the_comment(server, page, axe):
    login(page, server, "client")
    page.click("text=New design")
    page.fill("input[name=name]", "Detailed cream")
    page.select_option("select[name=product_type]", "face-cream")
    page.select_option("select[name=base]", "ow-day-cream")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    design_url = page.url
    page.fill("input[name=target_ph]", "5.2")
    page.check("input[name=constraints][value=fragrance-free]")
    page.fill("input[name=batch_units]", "1000")
    page.fill("input[name=batch_fill]", "30 mL")
    page.fill("textarea[name=notes]", "For a spa; pump bottles.")
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 2").wait_for()
    assert page.locator("#lab-comment").count() == 0  # nothing from the lab yet
    page.click("#submit-button")
    page.locator(".flash", has_text="submitted for lab review").wait_for()
    _logout(page)

    login(page, server, "lab")
    page.goto(f"{server}/lab/")
    page.click("text=Detailed cream")
    page.click("#start-review")
    asked = page.locator("#request").inner_text()
    for text in ("Target pH\n5.2", "Constraints\nFragrance-free", "Batch size\nnot set",
                 "Units and fill\n1000 × 30 mL", "For a spa; pump bottles.", "EUR/kg",
                 "Allergens to declare"):
        assert text in asked, f"{text!r} not in the review page's request: {asked!r}"
    axe.check(page, "lab-review-details")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "phone-lab-review.png"), full_page=True)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("select[name=decision]", "changes_requested")
    page.fill("textarea[name=comment]", COMMENT)
    page.click("#decide")
    page.locator(".flash", has_text="changes requested").wait_for()
    _logout(page)

    login(page, server, "client")
    page.goto(design_url)
    note = page.locator("#lab-comment")
    assert COMMENT in note.inner_text()
    assert "requested changes" in note.inner_text()
    box = note.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, "the comment is not in view on load"
    axe.check(page, "editor-with-lab-comment")
    page.set_viewport_size({"width": 390, "height": 844})
    assert note.bounding_box()["y"] < 844
    page.set_viewport_size({"width": 1280, "height": 900})
    # still there after a new save; gone once the design is submitted again
    page.fill("input[name=target_ph]", "5.5")
    page.click("#save-button")
    page.locator(".flash", has_text="Saved as revision 3").wait_for()
    assert COMMENT in page.locator("#lab-comment").inner_text()
    page.click("#submit-button")
    page.locator(".flash", has_text="submitted for lab review").wait_for()
    assert page.locator("#lab-comment").count() == 0
