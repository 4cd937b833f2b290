"""Issue 17, the spec sheet: nothing runs past the right margin (the header table beside
a long constraints list used to, by 12 mm), units and fill are printed, and the
procedure names one target pH (a base's text once said "adjust to 5.5" and the design's
step then "adjust to 5"). Checked on the real PDF bytes: the text pypdf extracts, and
where each piece of text is drawn on the page."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from configurator.specsheet.render import render_pdf

MM = 72 / 25.4  # PDF points per millimetre
RIGHT_MARGIN = 16 * MM  # sheet.css: @page margin 20mm 16mm 18mm 16mm
LONG = {"constraints": ["vegan", "fragrance-free", "pregnancy-safe", "silicone-free",
                        "sensitive-skin", "paraben-free"],
        "batch": {"size": "31 kg", "units": 1000, "fill": "30 mL"}}


def words(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """(page, word, xMin, xMax) in PDF points of every word drawn, as poppler's pdftotext
    places them (the glyphs' real widths, from the embedded font)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    got = []
    for n, page in enumerate(re.findall(r"<page .*?</page>", out, re.S)):
        for x0, x1, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                                       r'yMax="[\d.]+">(.*?)</word>', page):
            got.append((n, html.unescape(word), float(x0), float(x1)))
    return got


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def long_pdf(rs):
    from datetime import date

    from configurator.engine import check, parse_formula
    from configurator.specsheet import build_sheet
    from tests.specsheet.conftest import SERUM

    formula = parse_formula({**SERUM, **LONG, "target_ph": 5.0})
    sheet = build_sheet(formula, check(formula, rs), rs, design_id=42, revision=3,
                        client="a.very.long.address.of.a.client@example-laboratories.com",
                        created=date(2026, 11, 20))
    return sheet, render_pdf(sheet)


def test_the_header_table_stays_inside_the_right_margin(long_pdf):
    """WeasyPrint's own layout: no box of the first page ends past the text width."""
    from weasyprint import HTML

    from configurator.specsheet.render import STATIC, SheetFetcher, _stylesheet, render_html

    sheet, _pdf = long_pdf
    doc = HTML(string=render_html(sheet), base_url=STATIC.as_uri() + "/",
               url_fetcher=SheetFetcher()).render(stylesheets=[_stylesheet()])
    page = doc.pages[0]._page_box
    right = page.position_x + page.margin_width() - page.margin_right
    over = []

    def walk(box):
        if box is not page and box.position_x + box.margin_width() > right + 0.5:
            over.append((type(box).__name__, getattr(box, "element_tag", ""),
                         round(box.position_x + box.margin_width() - right, 1)))
        for child in getattr(box, "children", ()):
            walk(child)

    walk(page)
    assert not over, f"boxes past the right margin (CSS px): {over[:8]}"


def test_no_word_is_drawn_in_the_right_margin(long_pdf, pages_text):
    _sheet, pdf = long_pdf
    width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    limit = width - RIGHT_MARGIN + 0.5  # half a point for rounding
    placed = words(pdf)
    assert len(placed) > 100, "pdftotext found no words to place"
    past = [(page + 1, word, round(x1 - limit + 0.5, 1)) for page, word, _x0, x1 in placed
            if x1 > limit]
    assert not past, f"words past the right margin (page, word, points past): {past[:10]}"
    header = pages_text(pdf)[0]
    assert "Suitable during pregnancy" in header and "Paraben-free" in header


def test_units_and_fill_are_on_the_sheet(long_pdf):
    sheet, pdf = long_pdf
    assert sheet.units_fill == "1000 × 30 mL"
    text = text_of(pdf)
    assert "UNITS AND FILL 1000 × 30 mL" in text
    assert "BATCH 31 kg" in text


def _targets(text: str) -> set[str]:
    return set(re.findall(r"adjust to (?:pH )?(\d+(?:\.\d+)?)", text, re.I))


def test_one_target_ph_when_the_design_asks_for_another_than_the_base(long_pdf, rs):
    sheet, pdf = long_pdf
    assert rs.bases["light-gel"].ph_target == 5.5  # the base's own target: not the design's
    text = text_of(pdf)
    assert _targets(text) == {"5"}, text
    assert "5.5" not in " ".join(st.text for st in sheet.procedure)
    assert "Manufacturing procedure · target pH 5 (4.7–5.3)" in text
    assert "4.7 – 5.3 (target 5)" in text  # the QC line says the same


@pytest.mark.parametrize("ph", [5.5, 5.25, 6.349999999999999])
def test_the_procedure_and_qc_agree_for_any_target(sheet, pages_text, ph):
    s = sheet({"target_ph": ph})
    procedure = " ".join(st.text for st in s.procedure)
    assert _targets(procedure) <= {f"{ph:g}"}
    assert len(f"{ph:g}") <= 4  # rounded for people: 6.35, not 6.349999999999999
    text = text_of(render_pdf(s))
    assert f"target pH {s.ph_text}" in text
    assert s.ph_text.startswith(f"{ph:g} (")


def test_every_base_text_names_no_ph_figure(rs):
    """The bases' process texts say "the target pH": the figure is the sheet's to print."""
    for base in rs.bases.values():
        for phase, text in base.process:
            assert not re.search(r"(?:adjust|neutralise)[^.]*\bto (?:pH )?\d", text, re.I), \
                f"{base.id} phase {phase}: {text}"


def test_a_water_in_oil_base_sets_the_ph_of_its_water_phase(rs):
    """A W/O emulsion (rules/bases.yaml `emulsion: w/o`) gives no pH reading of its own: a
    design's target pH is set on phase A before emulsifying, never "measure the pH and
    adjust" at the end after the base's own "No pH adjustment (W/O)", and QC names the
    water phase. On the real PDF too."""
    from configurator.engine import check, parse_formula
    from configurator.specsheet import build_sheet

    assert rs.bases["mineral-sunscreen-wo"].emulsion == "w/o"
    formula = parse_formula({"name": "W/O sun cream", "product_type": "sunscreen-face",
                             "base": "mineral-sunscreen-wo", "target_ph": 7.0,
                             "ingredients": []})
    sheet = build_sheet(formula, check(formula, rs), rs)
    a = [st.text for st in sheet.procedure if st.phase == "A"]
    later = " ".join(st.text for st in sheet.procedure if st.phase != "A")
    assert any(t.startswith("Before emulsifying, measure the pH of phase A") and
               "adjust it to 7 (" in t for t in a), a
    assert "adjust to" not in later.lower() and "target pH is not the base's" not in later
    assert [q.test for q in sheet.qc if "pH" in q.test] == \
        ["pH of the water phase before emulsifying (20 °C)"]
    text = text_of(render_pdf(sheet))
    assert "Before emulsifying, measure the pH of phase A" in text
    # an O/W base with the same target keeps its last step
    ow = parse_formula({"name": "O/W", "product_type": "serum", "base": "light-gel",
                        "target_ph": 5.0, "ingredients": []})
    steps = build_sheet(ow, check(ow, rs), rs).procedure
    assert not any("Before emulsifying" in st.text for st in steps)
    assert any("adjust to 5 (" in st.text for st in steps if st.phase == "D")
