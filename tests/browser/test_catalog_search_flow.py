"""The designer's name suggestions in a real browser: typed in a row, filled from
GET /designs/catalog with every name the rules know, each option labelled."""

from __future__ import annotations

import re

from tests.browser.conftest import login


def test_inci_field_suggests_inventory_names_with_their_marks(server, page, axe):
    login(page, server)
    page.click("text=New design")
    page.fill("input[name=name]", "Suggestions")
    page.select_option("select[name=product_type]", "night-cream")
    page.select_option("select[name=base]", "rich-night-cream")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/designs/\d+$"))
    options = "#catalog-names option"
    profiled = page.locator(options).count()
    assert profiled > 100 and page.locator(f"{options}[value='Dibutyl Adipate']").count() == 0

    page.fill("input[name='rows-0-inci']", "Dibutyl Adip")  # a name only CosIng knows
    adipate = page.locator(f"{options}[value='Dibutyl Adipate']")
    adipate.wait_for(state="attached")
    assert adipate.get_attribute("label") == "no lab profile"
    page.fill("input[name='rows-0-inci']", "1,4-Dihydroxybenz")  # an Annex II name
    hq = page.locator(f"{options}[value='Hydroquinone']")
    hq.wait_for(state="attached")
    assert re.match(r"profiled · regulated: Annex II \d+", hq.get_attribute("label") or "")
    axe.check(page, "editor-suggestions")
