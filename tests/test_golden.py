"""Golden formulas: data files with their expected findings, run against the shipped rules.

Together they must exercise every rule kind and built-in check, passing and failing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from configurator.tooling.cases import run_case
from configurator.yamlio import load_path

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*.yaml"))
KINDS = {"prohibited", "max-concentration", "group-total", "min-concentration", "declare-allergen",
         "incompatible", "ph-window", "requires", "expression", "constraint", "use-range",
         "base-capacity", "solubility", "unknown-ingredient", "totals", "label-warning"}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path, rules):
    result = run_case(path, rules)
    assert result.ok, "\n".join(result.mismatches)


def test_golden_cases_cover_every_kind_both_ways():
    fail, pass_ = set(), set()
    for p in CASES:
        doc = load_path(p)
        fail |= {m["code"] for m in doc.get("expect") or [] if "code" in m}
        pass_ |= {m["code"] for m in doc.get("forbid") or [] if "code" in m}
    assert KINDS <= fail, f"no failing case for {sorted(KINDS - fail)}"
    assert KINDS - {"unknown-ingredient", "totals"} <= pass_ | {"label-warning"}, \
        f"no passing case for {sorted(KINDS - pass_)}"
