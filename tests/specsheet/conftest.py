"""Fixtures of the spec sheet tests: a rule set, a realistic design, PDF text."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from configurator.engine import check, parse_formula
from configurator.specsheet import build_sheet


@pytest.fixture(scope="session")
def rs(rules):
    """The shipped rule set (`configurator rules check rules/` passes)."""
    return rules


SERUM = {
    "name": "Brightening serum",
    "product_type": "serum",
    "base": "light-gel",
    "target_ph": 5.5,
    "constraints": ["vegan"],
    "ingredients": [
        {"inci": "Niacinamide", "percent": 5},
        {"inci": "Sodium Benzoate", "percent": 0.3},
        {"inci": "Limonene", "amount": "100 ppm"},
    ],
    "batch": {"size": "50 kg"},
    "notes": "Client asks for a light, non-sticky texture.",
}


@pytest.fixture
def design(rs):
    """(formula, report) of a serum on a base, with a 50 kg batch."""

    def _design(**changes):
        doc = {**SERUM, **changes}
        formula = parse_formula(doc)
        return formula, check(formula, rs)

    return _design


@pytest.fixture
def sheet(rs, design):
    """A SpecSheet of the serum design; keyword arguments go to build_sheet."""

    def _sheet(doc_changes=None, **kw):
        formula, report = design(**(doc_changes or {}))
        kw.setdefault("design_id", 42)
        kw.setdefault("revision", 3)
        kw.setdefault("client", "alice@example.com")
        kw.setdefault("created", date(2026, 11, 20))
        kw.setdefault("updated", datetime(2026, 11, 24, 9, 30))
        return build_sheet(formula, report, rs, **kw)

    return _sheet


@pytest.fixture
def pages_text():
    """The text of each page of a PDF (pypdf's extraction)."""

    def _pages(pdf: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

    return _pages
