"""The PDF itself: what a technician reads on it, page furniture, determinism."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from configurator.specsheet.render import render_pdf, sheet_sha256

REVIEW = {"reviewer": "Dr. Jane Roe", "decision": "approved", "date": date(2026, 11, 24),
          "comment": "Approved for a 50 kg pilot batch."}


@pytest.fixture(scope="module")
def cache():
    return {}


@pytest.fixture
def draft_pdf(sheet, cache):
    if "draft" not in cache:
        cache["draft"] = render_pdf(sheet())
    return cache["draft"]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_formula_rows_percentages_and_batch_quantities(draft_pdf, pages_text, sheet):
    s = sheet()
    text = flat(" ".join(pages_text(draft_pdf)))
    for block in s.phases:
        assert f"Phase {block.letter} · {block.name}" in text
        for row in block.rows:
            assert f"{row.inci}" in text
            assert f"{row.percent} {row.quantity}" in text  # the % and the batch figure, side by side
    aqua = next(r for b in s.phases for r in b.rows if r.inci == "Aqua")
    assert re.search(rf"Aqua q\.s\. solvent {re.escape(aqua.percent)} {re.escape(aqua.quantity)}",
                     text)
    assert aqua.quantity.endswith(" kg")
    niacinamide = next(r for b in s.phases for r in b.rows if r.inci == "Niacinamide")
    assert f"Niacinamide {niacinamide.function} 5.00 2.500 kg" in text
    assert "Total 100.00 % 50.000 kg" in text


def test_label_allergens_findings_procedure_qc(draft_pdf, pages_text, sheet):
    s = sheet()
    text = flat(" ".join(pages_text(draft_pdf)))
    assert flat(s.label) in text
    assert "Allergens to declare: Limonene" in text
    for f in s.findings:
        assert f.code in text
        assert flat(f.message)[:40] in text
    for step in s.procedure:
        assert flat(step.text)[:40] in text
    assert "ISO 17516:2014" in text and "5.2 – 5.8 (target 5.5)" in text
    assert s.rules_version in text


def test_page_x_of_y_on_every_page(draft_pdf, pages_text):
    pages = pages_text(draft_pdf)
    n = len(pages)
    assert n >= 2, "the serum's sheet runs over two pages"
    for i, page in enumerate(pages, 1):
        assert f"page {i} of {n}" in page


def test_running_header_on_every_page(draft_pdf, pages_text):
    for page in pages_text(draft_pdf):
        assert "Brightening serum" in page and "Design 42 · rev. 3" in page


def test_draft_mark_on_every_page_until_approved(draft_pdf, pages_text, sheet):
    for page in pages_text(draft_pdf):
        assert "DRAFT" in page
    for status in ("submitted", "changes_requested"):
        assert all("DRAFT" in p for p in pages_text(render_pdf(sheet(status=status))))


def test_approved_sheet_has_no_draft_mark_and_shows_the_review(sheet, pages_text):
    pdf = render_pdf(sheet(status="approved", review=REVIEW))
    pages = pages_text(pdf)
    text = flat(" ".join(pages))
    assert not any("DRAFT" in p for p in pages)
    assert "Dr. Jane Roe" in text and "2026-11-24" in text
    assert "Approved for a 50 kg pilot batch." in text
    assert "status: approved" in text.lower()


def test_unreviewed_sheet_leaves_lines_to_sign(draft_pdf, pages_text):
    text = flat(" ".join(pages_text(draft_pdf)))
    assert re.search(r"Reviewer Decision Date Signature Comment", text)
    assert "Dr. Jane Roe" not in text


def test_same_sheet_renders_to_the_same_bytes(sheet, draft_pdf):
    again = render_pdf(sheet())
    assert again == draft_pdf
    assert sheet_sha256(again) == sheet_sha256(draft_pdf)
    assert len(sheet_sha256(again)) == 64


def test_a_changed_sheet_renders_differently(sheet, draft_pdf):
    assert render_pdf(sheet(revision=4)) != draft_pdf


def test_pdf_dates_come_from_the_sheet(draft_pdf):
    info = PdfReader(io.BytesIO(draft_pdf)).metadata
    assert info["/CreationDate"] == "D:20261124093000Z"
    assert info["/ModDate"] == "D:20261124093000Z"
    assert info["/Title"].startswith("Spec sheet: Brightening serum")


def test_one_embedded_font(draft_pdf):
    fonts = set()
    for page in PdfReader(io.BytesIO(draft_pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts == {"DejaVu-Sans"}, fonts


def test_a4_pages(draft_pdf):
    box = PdfReader(io.BytesIO(draft_pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_concurrent_renders_share_the_stylesheet_safely(sheet, draft_pdf):
    """The web app renders from several threads with the one parsed stylesheet."""
    from concurrent.futures import ThreadPoolExecutor

    other = sheet(status="approved", review=REVIEW)
    expected_other = render_pdf(other)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(render_pdf, [sheet(), other] * 3))
    assert results == [draft_pdf, expected_other] * 3
