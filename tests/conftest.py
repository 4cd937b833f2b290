"""Fixtures shared by every test: the shipped rules and a small rule set."""

from __future__ import annotations

from pathlib import Path

import pytest

from configurator.engine import check, parse_formula
from configurator.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def rules():
    """The real, shipped rule set."""
    return load_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def mini():
    """A small rule set with one rule of every kind (tests/data/minirules)."""
    return load_rules(DATA / "minirules")


@pytest.fixture
def run():
    """Check a formula document (a dict) against a rule set and return the report."""

    def _run(doc, rs):
        return check(parse_formula(doc), rs)

    return _run
