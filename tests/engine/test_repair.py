"""The repair on chosen formulas: the designer's example, capacity, budget, limits,
conflicts in the client's words, the CLI and the API."""

from __future__ import annotations

import json

import pytest

from configurator.cli import main
from configurator.engine import check, parse_formula
from configurator.engine.repair import Pins, repair

SERUM = {"product_type": "serum", "base": "light-gel", "target_ph": 4.5,
         "ingredients": [{"inci": "Azelaic Acid", "percent": 5},
                         {"inci": "Niacinamide", "percent": 4},
                         {"inci": "Ascorbic Acid", "percent": 5}]}


def _fix(doc, rs, *pins):
    return repair(parse_formula(doc), rs, Pins.parse(list(pins)))


def test_one_ph_and_a_swap_keep_all_three_needs(rules):
    """Azelaic acid (pH 4–5), niacinamide (5–7), L-ascorbic acid (2.5–3.5): no single pH
    serves all three; the vitamin C goes to a derivative that works at pH 5."""
    before = check(parse_formula(SERUM), rules)
    assert sum(f.code == "ph-window" for f in before.findings) == 2
    got = _fix(SERUM, rules)
    assert got.status == "repaired"
    ops = {c.op: c for c in got.changes}
    assert set(ops) == {"swap", "set-ph"}
    swap = ops["swap"]
    assert swap.inci == "Ascorbic Acid"
    assert "vitamin-c" in rules.resolve(swap.new_inci).tags  # the need is kept
    assert ops["set-ph"].new == 5.0
    assert got.report.valid
    assert not [f for f in got.report.findings if f.severity == "warning"]
    assert any("Ascorbic Acid (2.5–3.5)" in w for w in swap.why)  # why, from the report


def test_pinned_wishes_that_clash_name_the_rules_and_the_ways_out(rules):
    got = _fix(SERUM, rules, "Azelaic Acid", "Ascorbic Acid")
    # error-free formulas exist (the warnings stay), so the answer is one, with the clash
    assert got.status == "repaired-with-warnings" and got.report.valid
    c = got.conflict
    assert c.level == "warning"
    assert [w.text for w in c.wishes] == ["Azelaic Acid 5 %", "Ascorbic Acid 5 %"]
    assert {r.rule for r in c.rules} == {"catalog-azelaic-acid-ph", "catalog-ascorbic-acid-ph"}
    assert "Azelaic Acid works at pH 4–5" in c.text and "Ascorbic Acid works at pH 2.5–3.5" in c.text
    assert {w.drop.text for w in c.ways_out} == {"Azelaic Acid 5 %", "Ascorbic Acid 5 %"}
    assert all(w.keeps_warnings for w in c.ways_out)


def test_pregnancy_and_retinol_cannot_both_hold(rules):
    doc = {"product_type": "night-cream", "base": "rich-night-cream",
           "constraints": ["pregnancy-safe"],
           "ingredients": [{"inci": "Retinol", "percent": 0.1},
                           {"inci": "Niacinamide", "percent": 4}]}
    free = _fix(doc, rules)
    assert free.status == "repaired" and free.report.valid
    assert "Retinol" not in free.report.label  # removed or swapped for a non-retinoid
    got = _fix(doc, rules, "Retinol")
    assert got.status == "conflict" and got.formula is None
    c = got.conflict
    assert c.level == "error"
    assert [w.text for w in c.wishes] == ["Retinol 0.1 %", "Suitable during pregnancy (conservative)"]
    assert [r.rule for r in c.rules] == ["constraint-pregnancy-safe"]
    drop = {w.drop.text: w for w in c.ways_out}
    assert set(drop) == {"Retinol 0.1 %", "Suitable during pregnancy (conservative)"}
    assert not drop["Suitable during pregnancy (conservative)"].changes  # nothing else to change


def test_over_capacity_the_fewest_rows_give_way(rules):
    doc = {"product_type": "serum", "base": "light-gel",
           "ingredients": [{"inci": "Niacinamide", "percent": 10},
                           {"inci": "Panthenol", "percent": 5},
                           {"inci": "Glycerin", "percent": 5}]}
    before = check(parse_formula(doc), rules)
    assert any(f.code == "base-capacity" for f in before.errors)
    got = _fix(doc, rules, "Niacinamide")
    assert got.report.valid and len(got.changes) == 1
    assert got.changes[0].inci in ("Panthenol", "Glycerin")
    assert any("carries at most" in w for w in got.changes[0].why)
    kept = {a.inci: a.percent for a in got.formula.ingredients}
    assert kept["Niacinamide"] == 10 and sum(kept.values()) <= 15 + 1e-9


def test_a_limit_is_kept_by_the_smallest_change(rules):
    doc = {"product_type": "serum", "base": "light-gel",
           "ingredients": [{"inci": "Phenoxyethanol", "percent": 0.5},
                           {"inci": "Niacinamide", "percent": 5}]}
    got = _fix(doc, rules)
    assert got.report.valid and [c.op for c in got.changes] == ["set-percent"]
    c = got.changes[0]
    # the base already holds phenoxyethanol: the row goes down to what the 1 % limit leaves
    base = sum(line.percent for line in rules.bases["light-gel"].composition
               if line.ingredient == "phenoxyethanol")
    assert c.inci == "Phenoxyethanol" and c.new == pytest.approx(1 - base)


def test_a_budget_is_kept(rules):
    doc = {"product_type": "serum", "base": "light-gel", "constraints": ["budget-15"],
           "ingredients": [{"inci": "Niacinamide", "percent": 5},
                           {"inci": "Sodium Hyaluronate", "percent": 1},
                           {"inci": "Bakuchiol", "percent": 1}]}
    before = check(parse_formula(doc), rules)
    assert any("budget" in f.message for f in before.errors)
    got = _fix(doc, rules, "Niacinamide")
    assert got.report.valid and got.report.cost_per_kg <= 15 + 1e-9
    assert got.formula.constraints == ("budget-15",)


def test_a_valid_formula_is_left_alone(rules):
    doc = {"product_type": "serum", "base": "light-gel",
           "ingredients": [{"inci": "Niacinamide", "percent": 4}]}
    got = _fix(doc, rules)
    assert got.status == "unchanged" and not got.changes
    assert got.formula == parse_formula(doc)


def test_unknown_names_go_and_a_pinned_one_is_a_conflict(rules):
    doc = {"product_type": "serum", "base": "light-gel",
           "ingredients": [{"inci": "Niacinamid", "percent": 4},
                           {"inci": "Panthenol", "percent": 1}]}
    got = _fix(doc, rules)
    assert got.report.valid and [c.op for c in got.changes] == ["remove"]
    pinned = _fix(doc, rules, "Niacinamid")
    assert pinned.status == "conflict"
    assert [w.text for w in pinned.conflict.wishes] == ["Niacinamid 4 %"]


def test_a_whole_formula_still_totals_100(rules):
    doc = {"product_type": "serum",
           "ingredients": [{"inci": "Aqua", "qs": True},
                           {"inci": "Glycerin", "percent": 3},
                           {"inci": "Phenoxyethanol", "percent": 1.5}]}
    got = _fix(doc, rules)
    assert got.report.valid
    assert got.report.total == pytest.approx(100)
    assert {c.inci for c in got.changes} >= {"Phenoxyethanol"}


def test_cli_repair_text_and_json(rules, tmp_path, capsys):
    path = tmp_path / "serum.yaml"
    path.write_text(json.dumps(SERUM))
    assert main(["repair", str(path)]) == 0
    out = capsys.readouterr().out
    assert "repaired (2 change(s)" in out and "Target pH 4.5 → 5" in out
    assert "Repaired formula:" in out and "target_ph: 5.0" in out
    assert main(["repair", str(path), "--format", "json", "--pin", "Ascorbic Acid",
                 "--pin", "ph"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "repaired-with-warnings"
    assert [w["text"] for w in data["conflict"]["wishes"]] == ["Ascorbic Acid 5 %", "pH 4.5"]
    doc = {"product_type": "night-cream", "base": "rich-night-cream",
           "constraints": ["pregnancy-safe"], "ingredients": [{"inci": "Retinol", "percent": 0.1}]}
    path.write_text(json.dumps(doc))
    assert main(["repair", str(path), "--pin", "Retinol"]) == 1
    assert "Conflict: Retinol 0.1 % + Suitable during pregnancy" in capsys.readouterr().out
    path.write_text("product_type: [")
    assert main(["repair", str(path)]) == 2


def test_api_repair(client):
    got = client.post("/api/v1/repair", json={"formula": SERUM})
    assert got.status_code == 200
    data = got.get_json()
    assert data["status"] == "repaired" and data["report"]["valid"]
    assert {c["op"] for c in data["changes"]} == {"swap", "set-ph"}
    got = client.post("/api/v1/repair", json={"formula": SERUM, "pins": ["Ascorbic Acid", "ph"]})
    assert got.get_json()["conflict"]["level"] == "warning"
    assert client.post("/api/v1/repair", json={"formula": SERUM, "pins": "ph"}).status_code == 400
    assert client.post("/api/v1/repair", json={"formula": SERUM, "x": 1}).status_code == 400
    assert client.post("/api/v1/repair", json={"formula": {"product_type": 5}}).status_code == 400
    assert "/api/v1/repair" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_a_quiz_design_leaves_room_for_a_small_active(rules):
    from configurator.quiz import personalize

    answers = {"skin-type": "combination", "concerns": ["acne", "dark-spots", "fine-lines"],
               "sensitivities": ["reactive"], "pregnancy": "no", "age": "40-54",
               "climate": "cold", "texture": "medium", "fragrance": "light-scent",
               "budget": "economy"}
    p = personalize(rules.quiz, rules, answers)
    doc = p.document
    base = rules.bases[doc["base"]]
    total = sum(r["percent"] for r in doc["ingredients"])
    assert total <= base.capacity_additions - 0.5
    assert len([c for c in p.choices if c.kind == "ingredient"]) == len(doc["ingredients"])
    moved = [c for c in p.choices if any("room of the base" in n or "room free" in n
                                         for n in c.notes)]
    assert moved  # the strength the repair lowered says so, in the choice's notes
    for c in moved:
        assert c.percent == next(r["percent"] for r in doc["ingredients"] if r["inci"] == c.ref)
    more = {**doc, "ingredients": doc["ingredients"] + [{"inci": "Allantoin", "percent": 0.5}]}
    assert not [f for f in check(parse_formula(more), rules).errors if f.code == "base-capacity"]
