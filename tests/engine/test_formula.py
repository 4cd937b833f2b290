"""Reading formula documents: shape errors name the line and the path; nothing else leaks."""

from __future__ import annotations

import pytest

from configurator.engine import parse_formula
from configurator.errors import FormulaError
from configurator.yamlio import loads

GOOD = {"product_type": "serum", "ingredients": [{"inci": "Aqua", "qs": True}]}


@pytest.mark.parametrize("doc, words", [
    ([], "mapping"),
    ({"ingredients": []}, "product_type"),
    ({"product_type": {"application": "wash-off", "area": "face"}, "ingredients": []}, "application"),
    ({"product_type": {"application": "leave-on", "area": "knee"}, "ingredients": []}, "area"),
    ({**GOOD, "ingredients": [{"inci": "Aqua", "percent": -1}]}, "between 0 and 100"),
    ({**GOOD, "ingredients": [{"inci": "Aqua", "percent": float("nan")}]}, "concentration"),
    ({**GOOD, "ingredients": [{"inci": "Aqua", "percent": 1e309}]}, "concentration"),
    ({**GOOD, "ingredients": [{"inci": "Aqua", "amount": "5 kg"}]}, "concentration"),
    ({**GOOD, "ingredients": [{"inci": "Aqua", "amount": "lots"}]}, "concentration"),
    ({**GOOD, "ingredients": [{"inci": "Aqua"}]}, "exactly one of"),
    ({**GOOD, "ingredients": [{"inci": "Aqua", "qs": "yes"}]}, "true or false"),
    ({**GOOD, "ingredients": ["Aqua"]}, "mapping"),
    ({**GOOD, "ingredients": [{"percent": 5}]}, "no `inci`"),
    ({**GOOD, "target_ph": 15}, "0 to 14"),
    ({**GOOD, "target_ph": True}, "0 to 14"),
    ({**GOOD, "constraints": [{"x": 1}]}, "constraint ids"),
    ({**GOOD, "batch": {"size": "50 furlongs"}}, "batch.size"),
    ({**GOOD, "batch": {"size": "5 m"}}, "mass or volume"),
    ({**GOOD, "batch": {"units": 10}}, "both `units` and `fill`"),
    ({**GOOD, "name": "x" * 500}, "longer than"),
    ({**GOOD, "surprise": 1}, "unknown field"),
])
def test_bad_documents_are_clear_errors(doc, words):
    with pytest.raises(FormulaError) as err:
        parse_formula(doc, "f.yaml")
    assert words in str(err.value)
    assert str(err.value).startswith("f.yaml")


def test_line_numbers_come_from_the_yaml():
    text = "product_type: serum\ningredients:\n  - {inci: Aqua, qs: true}\n  - {inci: Glycerin, amount: 5 kg}\n"
    with pytest.raises(FormulaError) as err:
        parse_formula(loads(text, "g.yaml"), "g.yaml")
    assert str(err.value).startswith("g.yaml, line 4:")


@pytest.mark.parametrize("amount, pct", [
    (5, 5.0), ("5 %", 5.0), ("5000 ppm", 0.5), ("5 g/kg", 0.5), ("50 mg/g", 5.0),
    ("2,5 %", 2.5), ("1 % w/w", 1.0), ("0.5 percent", 0.5),
])
def test_units(amount, pct):
    f = parse_formula({**GOOD, "ingredients": [{"inci": "Glycerin", "amount": amount}]})
    assert f.ingredients[0].percent == pytest.approx(pct)


def test_round_trip_document():
    doc = {"name": "S", "product_type": {"application": "leave-on", "area": "face", "form": "serum"},
           "base": "light-gel", "target_ph": 5.5, "constraints": ["vegan"],
           "ingredients": [{"inci": "Niacinamide", "percent": 5.0}, {"inci": "Aqua", "qs": True}],
           "batch": {"size": "50 kg"}}
    f = parse_formula(doc)
    assert parse_formula(f.to_document()) == f
