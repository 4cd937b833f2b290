"""Every rule kind and built-in check, passing and failing, on the small rule set."""

from __future__ import annotations

import pytest


def serum(*rows, **extra):
    doc = {"product_type": "serum", "base": "light-gel", "ingredients": list(rows)}
    doc.update(extra)
    return doc


def codes(report, severity=None):
    return {(f.code, f.ingredients) for f in report.findings
            if severity is None or f.severity == severity}


def test_clean_base_formula_is_valid(run, mini):
    r = run(serum({"inci": "Niacinamide", "percent": 5}), mini)
    assert r.valid, r.findings
    assert round(r.total, 6) == 100
    aqua = next(line for line in r.composition if line.inci == "Aqua")
    assert aqua.percent == pytest.approx(95.5 - 5)
    assert r.label.startswith("Aqua, Niacinamide, Glycerin, Phenoxyethanol")


def test_max_concentration_fails_with_fix_to_the_limit(run, mini):
    doc = {"product_type": {"application": "leave-on", "area": "face"},
           "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Phenoxyethanol", "percent": 1.5}]}
    r = run(doc, mini)
    f = next(f for f in r.findings if f.code == "max-concentration")
    assert f.severity == "error" and f.ingredients == ("Phenoxyethanol",)
    assert "1.5 %" in f.message and "1 %" in f.message
    assert f.source == "Regulation (EC) No 1223/2009, Annex V, entry 29"
    assert f.action.op == "set-percent" and f.action.value == 1


def test_max_concentration_sums_salts_as_acid(run, mini):
    base = {"product_type": {"application": "leave-on", "area": "face"}}
    ok = run({**base, "ingredients": [{"inci": "Aqua", "qs": True},
                                      {"inci": "Sodium Benzoate", "percent": 0.5},
                                      {"inci": "Phenoxyethanol", "percent": 0.5}]}, mini)
    assert not any(f.code == "max-concentration" for f in ok.findings)  # 0.42 % as acid
    bad = run({**base, "ingredients": [{"inci": "Aqua", "qs": True},
                                       {"inci": "Sodium Benzoate", "percent": 0.5},
                                       {"inci": "Benzoic Acid", "percent": 0.2}]}, mini)
    f = next(f for f in bad.findings if f.code == "max-concentration")
    assert set(f.ingredients) == {"Sodium Benzoate", "Benzoic Acid"}
    assert "as benzoic acid" in f.message
    # lowering the biggest contributor to the advised value brings the total to the limit
    assert f.action.inci == "Sodium Benzoate"
    assert f.action.value * 0.8474 + 0.2 <= 0.5 + 1e-9


def test_limit_condition_only_where_it_applies(run, mini):
    rinse = {"product_type": "face-wash", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Sodium Benzoate", "percent": 1},
        {"inci": "Phenoxyethanol", "percent": 0.5}]}
    assert not any(f.code == "max-concentration" for f in run(rinse, mini).findings)
    body = {"product_type": "body-lotion", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Squalane", "percent": 5},
        {"inci": "Retinol", "percent": 0.1}, {"inci": "Phenoxyethanol", "percent": 0.8}]}
    r = run(body, mini)
    assert ("max-concentration", ("Retinol",)) in codes(r, "error")
    assert any(f.code == "label-warning" and "Vitamin A" in f.message for f in r.findings)


def test_prohibited(run, mini):
    r = run(serum({"inci": "Hydroquinone", "percent": 1}), mini)
    f = next(f for f in r.findings if f.code == "prohibited")
    assert f.severity == "error" and f.action.op == "remove"


def test_group_total_and_min_concentration(run, mini):
    r = run({"product_type": "serum", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Glycolic Acid", "percent": 11},
        {"inci": "Phenoxyethanol", "percent": 0.3}]}, mini)
    assert ("group-total", ("Glycolic Acid",)) in codes(r, "error")
    low = next(f for f in r.findings if f.code == "min-concentration")
    assert low.severity == "warning" and low.action.value == pytest.approx(0.5)


def test_declare_allergen_by_threshold_and_via_essential_oil(run, mini):
    leave = run(serum({"inci": "Limonene", "percent": 0.002}), mini)
    assert leave.allergens == ("Limonene",)
    rinse = run({"product_type": "face-wash", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Limonene", "percent": 0.002},
        {"inci": "Phenoxyethanol", "percent": 0.5}]}, mini)
    assert rinse.allergens == ()  # under the 0.01 % rinse-off threshold
    oil = run({"product_type": "serum", "ingredients": [
        {"inci": "Squalane", "qs": True}, {"inci": "Orange Oil", "percent": 0.5}]}, mini)
    assert oil.allergens == ("Limonene",)
    assert oil.label.endswith("Limonene")


def test_incompatible_ph_window_expression_requires(run, mini):
    r = run(serum({"inci": "Ascorbic Acid", "percent": 5}, {"inci": "Niacinamide", "percent": 4},
                  target_ph=3.0), mini)
    assert ("incompatible", ("Ascorbic Acid", "Niacinamide")) in codes(r, "warning")
    ph = [f for f in r.findings if f.code == "ph-window" and f.rule.startswith("catalog-")]
    assert [f.ingredients for f in ph] == [("Niacinamide",)]
    assert ph[0].action.op == "set-ph" and ph[0].action.value == 5
    base = mini.bases["light-gel"]
    assert base.ph_min > 3.0  # so pH 3 is outside the base's own range too
    (outside,) = [f for f in r.findings if f.rule == "base-light-gel-ph"]
    assert outside.severity == "warning" and "working pH range of the base" in outside.message
    assert outside.action.op == "set-ph" and outside.action.value == base.ph_min
    inside = run(serum({"inci": "Niacinamide", "percent": 4}, target_ph=base.ph_min), mini)
    assert not [f for f in inside.findings if f.rule == "base-light-gel-ph"]
    nopres = run({"product_type": "serum", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 5}]}, mini)
    assert any(f.code == "requires" for f in nopres.findings)
    expr = run({"product_type": "serum", "ingredients": [
        {"inci": "Squalane", "qs": True}, {"inci": "Retinol", "percent": 0.1},
        {"inci": "Glycolic Acid", "percent": 1}]}, mini)
    assert any(f.code == "expression" and f.rule == "lab-retinoid-aha" for f in expr.findings)


def test_constraints(run, mini):
    r = run({"product_type": "serum", "constraints": ["vegan", "pregnancy-safe", "budget-5"],
             "ingredients": [{"inci": "Squalane", "qs": True}, {"inci": "Lanolin", "percent": 2},
                             {"inci": "Retinol", "percent": 0.1}]}, mini)
    rules = {f.rule for f in r.findings if f.code == "constraint"}
    assert rules == {"constraint-vegan", "constraint-pregnancy-safe", "constraint-budget-5"}
    ok = run({"product_type": "serum", "constraints": ["vegan"],
              "ingredients": [{"inci": "Squalane", "qs": True}]}, mini)
    assert ok.valid


def test_base_capacity_solubility_and_unknowns(run, mini):
    r = run(serum({"inci": "Glycerin", "percent": 16}, {"inci": "Squalane", "percent": 1},
                  {"inci": "Unobtainium", "percent": 1}, constraints=["nope"]), mini)
    got = codes(r, "error")
    assert ("base-capacity", ()) in got
    assert ("solubility", ("Squalane",)) in got
    assert ("unknown-ingredient", ("Unobtainium",)) in got
    assert ("unknown-reference", ()) in got
    assert r.cost_per_kg is None  # unknown price


def test_base_cannot_carry_more_than_its_qs(run, mini):
    r = run({"product_type": "serum", "base": "light-gel",
             "ingredients": [{"inci": "Glycerin", "percent": 99}]}, mini)
    assert not r.valid
    assert all(line.percent >= 0 for line in r.composition)


@pytest.mark.parametrize("rows, total_ok", [
    ([{"inci": "Aqua", "percent": 60}, {"inci": "Glycerin", "percent": 40}], True),
    ([{"inci": "Aqua", "percent": 60}, {"inci": "Glycerin", "percent": 39.995}], True),
    ([{"inci": "Aqua", "percent": 60}, {"inci": "Glycerin", "percent": 5}], False),
    ([{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "qs": True}], False),
    ([{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 60}, {"inci": "Xanthan Gum", "percent": 50}], False),
])
def test_totals(run, mini, rows, total_ok):
    r = run({"product_type": "serum", "ingredients": rows}, mini)
    assert (not any(f.code == "totals" for f in r.findings)) is total_ok


def test_a_rules_own_sentence_is_not_said_twice():
    """A rule whose message begins with what its kind says (the generated Annex II rules:
    "X is prohibited in cosmetic products (Annex II entry N)") gives that sentence once;
    a rule whose words add something keeps both (Mercury: the kind's, then the rule's)."""
    from configurator.engine import check, parse_formula
    from configurator.rules import load_rules
    from tests.conftest import ROOT

    rs = load_rules(ROOT / "rules")
    r = check(parse_formula({
        "product_type": {"application": "leave-on", "area": "body", "form": "lotion"},
        "ingredients": [{"inci": "Aqua", "qs": True},
                        {"inci": "Nickel Sulfate", "percent": 0.1},
                        {"inci": "Mercury", "percent": 0.1}]}), rs)
    by = {f.ingredients[0]: f.message for f in r.findings if f.code == "prohibited"}
    nickel = next(m for k, m in by.items() if k.lower().startswith("nickel"))
    assert nickel.count("is prohibited in cosmetic products") == 1, nickel
    assert "Annex II entry 1100" in nickel
    assert by["Mercury"].startswith("Mercury is prohibited in cosmetic products. Mercury and "
                                    "its compounds"), by["Mercury"]
