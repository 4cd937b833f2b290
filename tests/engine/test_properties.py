"""Invariants, on generated formulas: totals, batch scaling, never a stray exception."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine import check, parse_formula
from configurator.engine.batch import plan
from configurator.engine.formula import Batch
from configurator.errors import ConfiguratorError
from configurator.rules import load_rules
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
NAMES = sorted(i.inci for i in RS.ingredients.values())
TYPES = sorted(RS.product_types)
BASES = sorted(RS.bases)

row = st.fixed_dictionaries({"inci": st.sampled_from(NAMES),
                             "percent": st.floats(0, 8, allow_nan=False).map(lambda x: round(x, 3))})
formula_doc = st.fixed_dictionaries(
    {"product_type": st.sampled_from(TYPES),
     "ingredients": st.lists(row, min_size=0, max_size=25)},
    optional={"base": st.sampled_from(BASES),
              "target_ph": st.floats(0, 14, allow_nan=False),
              "constraints": st.lists(st.sampled_from(sorted(RS.constraints)), max_size=3)})

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(formula_doc)
def test_composition_totals_100_when_it_can(doc):
    if "base" not in doc:
        doc["ingredients"] = [{"inci": "Aqua", "qs": True}] + doc["ingredients"]
    r = check(parse_formula(doc), RS)
    over = any(f.code in ("totals", "base-capacity") and "give up" in f.message or
               f.code == "totals" for f in r.findings)
    if not over:
        assert math.isclose(r.total, 100.0, abs_tol=1e-6), r.composition
        assert math.isclose(sum(row["percent"] for row in r.to_dict()["composition"]), 100.0,
                            abs_tol=1e-9)
    assert all(line.percent >= 0 for line in r.composition)
    assert r.valid == (not any(f.severity == "error" for f in r.findings))


@SETTINGS
@given(formula_doc, st.sampled_from(["1 kg", "50 kg", "250 g", "20 L", "500 mL"]),
       st.integers(1, 5000), st.sampled_from(["30 mL", "50 g", "15 mL"]))
def test_batch_scaling_never_changes_percentages(doc, size, units, fill):
    doc["ingredients"] = [{"inci": "Aqua", "qs": True}] + doc["ingredients"]
    doc.pop("base", None)
    r = check(parse_formula(doc), RS)
    whole = abs(r.total - 100) <= 0.01
    if not whole:  # rows over 100 % leave q.s. nothing: an error, and the batch shows it as is
        assert any(f.code == "totals" and f.severity == "error" for f in r.findings)
    for batch in (Batch(size=size), Batch(units=units, fill=fill)):
        p = plan(batch, r, RS)
        total = sum(g for _i, _p, g in p.quantities)
        assert math.isclose(total, p.total_g * r.total / 100, rel_tol=1e-9)
        if whole:
            assert math.isclose(total, p.total_g, rel_tol=1e-4)
        for (inci, pct, grams), line in zip(p.quantities, r.composition, strict=True):
            assert inci == line.inci and pct == line.percent
            if p.total_g > 0:
                assert math.isclose(grams / p.total_g * 100, pct, rel_tol=1e-9, abs_tol=1e-9)


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                      st.text(max_size=30), st.sampled_from(NAMES[:20] + TYPES[:5]))
json_doc = st.recursive(json_leaf, lambda kids: st.one_of(
    st.lists(kids, max_size=5), st.dictionaries(
        st.sampled_from(["product_type", "ingredients", "inci", "percent", "amount", "qs",
                         "base", "target_ph", "constraints", "batch", "size", "units", "fill",
                         "application", "area", "form", "name", "x"]), kids, max_size=6)),
    max_leaves=30)


@settings(max_examples=1500, deadline=None)
@given(json_doc)
def test_no_document_makes_the_engine_raise_anything_but_its_own_error(doc):
    try:
        formula = parse_formula(doc)
    except ConfiguratorError:
        return
    report = check(formula, RS)
    report.to_dict()
