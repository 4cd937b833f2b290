"""Issue 19, the spec sheet's formula table: its ingredient rows carry no classes, and
sheet.css styles their cells by position (cheaper than a class on each of ~140 cells).
These tests hold the template and the stylesheet to each other: the figures are
right-aligned on one line, the function column is the small grey one, every other
ingredient row is shaded (the phase row and the total are not), and the running header
and footer, one margin box each, still carry every word they had on every page."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from configurator.specsheet.render import STATIC, SheetFetcher, _stylesheet, render_html


@pytest.fixture(scope="module")
def rows(rules):
    """The formula table's rows of a sheet with phases A–C, as laid out: (tr box, td boxes)."""
    from datetime import date

    from configurator.engine import check, parse_formula
    from configurator.specsheet import build_sheet

    doc = {"name": "Shading check", "product_type": "face-cream", "target_ph": 5.5,
           "ingredients": [{"inci": "Aqua", "qs": True},
                           {"inci": "Glycerin", "percent": 4}, {"inci": "Niacinamide", "percent": 4},
                           {"inci": "Panthenol", "percent": 1}, {"inci": "Squalane", "percent": 3},
                           {"inci": "Cetearyl Alcohol", "percent": 2.5},
                           {"inci": "Phenoxyethanol", "percent": 0.9}],
           "batch": {"size": "10 kg"}}
    formula = parse_formula(doc)
    sheet = build_sheet(formula, check(formula, rules), rules, design_id=7, revision=1,
                        created=date(2026, 12, 3))
    document = HTML(string=render_html(sheet), base_url=STATIC.as_uri() + "/",
                    url_fetcher=SheetFetcher()).render(stylesheets=[_stylesheet()])
    found = []

    def walk(box, in_formula=False):
        element = getattr(box, "element", None)
        if box.element_tag == "table" and element is not None \
                and "formula" in (element.get("class") or "").split():
            in_formula = True
        if in_formula and box.element_tag == "tr" and type(box).__name__ == "TableRowBox":
            found.append((box, [c for c in box.children if c.element_tag == "td"]))
            return
        for child in getattr(box, "children", ()):
            walk(child, in_formula)

    for page in document.pages:
        walk(page._page_box)
    return sheet, found


def _kind(tr):
    return (tr.element.get("class") or "").split()


def test_figures_right_aligned_and_function_column_small(rows):
    _sheet, found = rows
    ingredient_rows = [(tr, tds) for tr, tds in found if not _kind(tr) and tds]
    assert ingredient_rows
    for _tr, tds in ingredient_rows:
        assert len(tds) == 5
        for td in tds[3:]:
            assert td.style["text_align_all"] == "right"
            assert td.style["white_space"] == "nowrap"
        assert tds[2].style["font_size"] < tds[1].style["font_size"]
        assert tds[0].style["text_align_all"] != "right"
    total = [tds for tr, tds in found if "total" in _kind(tr)]
    assert len(total) == 1 and len(total[0]) == 5
    assert [td.style["text_align_all"] for td in total[0][3:]] == ["right", "right"]


def test_every_other_ingredient_row_is_shaded(rows):
    sheet, found = rows
    shaded: dict[int, list[bool]] = {}
    phase = 0
    for tr, tds in found:
        kind = _kind(tr)
        if "phase" in kind:
            phase += 1
            assert tr.style["background_color"].alpha > 0  # the phase rows keep their tint
        elif "total" in kind:
            assert tr.style["background_color"].alpha == 0
        elif tds:  # an ingredient row (the repeated header row has th cells only)
            shaded.setdefault(phase, []).append(tr.style["background_color"].alpha > 0)
    assert phase == len(sheet.phases) >= 2
    for letter, flags in shaded.items():
        assert flags == [i % 2 == 1 for i in range(len(flags))], (letter, flags)
    assert sum(len(f) for f in shaded.values()) == sum(len(b.rows) for b in sheet.phases)


def test_running_header_and_footer_words_on_every_page(sheet, pages_text):
    from configurator.specsheet.render import render_pdf

    pages = pages_text(render_pdf(sheet()))
    assert len(pages) >= 2
    for i, page in enumerate(pages, 1):
        text = " ".join(page.split())
        assert "Brightening serum · Design 42 · rev. 3" in text
        assert f"Spec sheet · check every figure against the batch record · page {i} of {len(pages)}" in text
