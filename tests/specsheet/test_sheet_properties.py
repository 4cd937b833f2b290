"""Invariants of the spec sheet on generated designs, and odd designs that still render."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine import check, parse_formula
from configurator.rules import load_rules
from configurator.specsheet import build_sheet
from configurator.specsheet.render import render_pdf
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
NAMES = sorted(i.inci for i in RS.ingredients.values())

row = st.fixed_dictionaries({"inci": st.sampled_from(NAMES),
                             "percent": st.floats(0, 5, allow_nan=False).map(lambda x: round(x, 4))})
design = st.fixed_dictionaries(
    {"product_type": st.sampled_from(sorted(RS.product_types)),
     "ingredients": st.lists(row, min_size=1, max_size=30)},
    optional={"base": st.sampled_from(sorted(RS.bases)),
              "target_ph": st.floats(3, 8, allow_nan=False).map(lambda x: round(x, 1)),
              "batch": st.sampled_from([{"size": "50 kg"}, {"size": "20 L"},
                                        {"units": 500, "fill": "30 mL"}])})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(design)
def test_every_design_gets_a_sheet_whose_rows_add_up(doc):
    if "base" not in doc:
        doc["ingredients"] = [{"inci": "Aqua", "qs": True}] + doc["ingredients"]
    formula = parse_formula(doc)
    report = check(formula, RS)
    s = build_sheet(formula, report, RS)
    shown = [r.percent for b in s.phases for r in b.rows]
    assert len(shown) == len(report.composition)
    assert f"{sum(float(p) for p in shown if p != '< 0.01'):.2f}" == s.total_percent
    if abs(report.total - 100) < 1e-6:
        assert s.total_percent == "100.00"
    assert [st.phase for st in s.procedure] == sorted(st.phase for st in s.procedure)


def test_unknown_ingredient_and_anhydrous_design_render(pages_text):
    doc = {"name": "Balm with a mystery oil", "product_type": "lip-balm", "ingredients": [
        {"inci": "Ricinus Communis Seed Oil", "qs": True},
        {"inci": "Cera Alba", "percent": 20},
        {"inci": "Oleum Mysterium", "percent": 2}]}
    formula = parse_formula(doc)
    report = check(formula, RS)
    s = build_sheet(formula, report, RS)
    assert s.target_ph == "" and not any(t.test.startswith("pH") for t in s.qc)
    assert any(b.letter == "?" for b in s.phases)
    assert s.cost_per_kg == ""
    text = " ".join(" ".join(pages_text(render_pdf(s))).split())
    assert "Oleum Mysterium" in text and "unknown-ingredient" in text
    assert "not known (ingredients outside the catalog)" in text
    assert "Total 100.00 %" in text
