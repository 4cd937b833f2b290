"""The engine on generated well-formed formulas over the real catalog (issue 7).

Every document parses, and ``check`` answers with a well-formed report: the
contract §2 keys, JSON-serialisable, finite non-negative percentages, severities
from the enum, ``valid`` exactly when no finding is an error. Unknown names and
bases are findings, never exceptions.
"""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings

from configurator.engine import check, parse_formula
from tests.fuzz.strategies import RS, valid_formulas

CONTRACT = {"valid", "rules_version", "findings", "composition", "label", "allergens"}


def assert_well_formed(report) -> None:
    d = report.to_dict()
    assert CONTRACT <= set(d)
    json.dumps(d, allow_nan=False)  # no NaN, no inf, only JSON types
    assert d["rules_version"] == RS.version
    for f in d["findings"]:
        assert f["severity"] in ("error", "warning", "info")
        assert f["code"] and f["message"] and isinstance(f["ingredients"], list)
    for row in d["composition"]:
        assert math.isfinite(row["percent"]) and row["percent"] >= 0, row
    assert d["valid"] == (not any(f["severity"] == "error" for f in d["findings"]))


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(valid_formulas())
def test_engine_answers_every_valid_formula(doc):
    assert_well_formed(check(parse_formula(doc), RS))
