"""The repair on clients' wishes that fight each other (the real rule files, no mocks).

Each case is a formula a client could write; the answer must be a formula the engine
finds valid, changed as little and as sensibly as possible (lower to the limit rather
than drop, never a swap that brings a new concern), or a conflict that names every
wish that clashes and says what the client can give up.
"""

from __future__ import annotations

import json

import pytest

from configurator.cli import main
from configurator.engine import check, parse_formula
from configurator.engine.repair import Pins, repair


def _fix(doc, rs, *pins):
    got = repair(parse_formula(doc), rs, Pins.parse(list(pins)))
    if got.formula is not None:
        assert check(got.formula, rs).valid
    return got


def _ops(got):
    return [c.text for c in got.changes]


# ---- an advisory "add X" warning never costs the client an ingredient -------------------
RETINOL_BODY = {"product_type": "body-lotion",
                "ingredients": [{"inci": "Aqua", "qs": True},
                                {"inci": "Glycerin", "percent": 4},
                                {"inci": "Caprylic/Capric Triglyceride", "percent": 8},
                                {"inci": "Cetearyl Alcohol", "percent": 3},
                                {"inci": "Glyceryl Stearate", "percent": 2},
                                {"inci": "Cetearyl Olivate", "percent": 3},
                                {"inci": "Retinol", "percent": 1},
                                {"inci": "Phenoxyethanol", "percent": 0.9},
                                {"inci": "Ethylhexylglycerin", "percent": 0.1}]}


def test_retinol_in_a_body_lotion_is_lowered_to_the_limit_not_removed(rules):
    """Retinol 1 % in a body lotion: Annex III (2024/996) allows 0.05 % RE. The formula has
    no antioxidant, a warning whose fix is to *add* one; the repair never adds, and dropping
    the retinol to silence that advice is not the nearest formula: lower it to 0.05 %."""
    got = _fix(RETINOL_BODY, rules)
    assert _ops(got) == ["Retinol 1 % → 0.05 %"]
    assert got.status == "repaired"
    # the advice stays in the report, for the formulator to act on
    assert any(f.code == "requires" and f.rule == "lab-retinoid-needs-antioxidant"
               for f in got.report.findings)


def test_a_valid_retinol_serum_is_left_alone(rules):
    doc = {"product_type": "serum", "base": "light-gel",
           "ingredients": [{"inci": "Retinol", "percent": 0.3},
                           {"inci": "Niacinamide", "percent": 4}]}
    got = _fix(doc, rules)
    assert got.status == "unchanged" and not got.changes


# ---- a pinned base is a wish like any other ---------------------------------------------
VEGAN_BEESWAX = {"product_type": "lip-balm", "base": "lip-balm-beeswax",
                 "constraints": ["vegan"],
                 "ingredients": [{"inci": "Tocopherol", "percent": 0.5}]}


def test_vegan_with_a_pinned_beeswax_base_names_the_base(rules):
    free = _fix(VEGAN_BEESWAX, rules)
    assert _ops(free) == ["Base Lip balm stick (beeswax) → Lip balm stick (vegan, candelilla)"]
    got = _fix(VEGAN_BEESWAX, rules, "base")
    assert got.status == "conflict"
    c = got.conflict
    assert [w.key for w in c.wishes] == ["base", "constraint:vegan"]
    assert "the base Lip balm stick (beeswax) + Vegan" in c.text
    ways = {w.drop.key: [ch.text for ch in w.changes] for w in c.ways_out}
    assert ways == {"base": ["Base Lip balm stick (beeswax) → Lip balm stick (vegan, candelilla)"],
                    "constraint:vegan": []}


def test_sulfate_free_with_a_pinned_sles_base_names_the_base(rules):
    doc = {"product_type": "shampoo", "base": "shampoo-classic", "constraints": ["sulfate-free"],
           "ingredients": [{"inci": "Panthenol", "percent": 0.5}]}
    got = _fix(doc, rules, "base")
    assert got.status == "conflict"
    assert {w.key for w in got.conflict.wishes} == {"base", "constraint:sulfate-free"}
    assert {w.drop.key for w in got.conflict.ways_out} == {"base", "constraint:sulfate-free"}


# ---- every wish that clashes is named, and a way out may need two of them ---------------
PREGNANCY = {"product_type": "serum", "base": "light-gel", "constraints": ["pregnancy-safe"],
             "ingredients": [{"inci": "Retinol", "percent": 0.3},
                             {"inci": "Salicylic Acid", "percent": 2},
                             {"inci": "Niacinamide", "percent": 4}]}


def test_two_pinned_actives_against_pregnancy_safe(rules):
    free = _fix(PREGNANCY, rules)
    assert sorted(_ops(free)) == ["Remove Retinol (0.3 %)", "Remove Salicylic Acid (2 %)"]
    got = _fix(PREGNANCY, rules, "Retinol", "Salicylic Acid")
    assert got.status == "conflict"
    c = got.conflict
    named = {w.text for w in c.wishes} | {w.text for ws in c.also for w in ws}
    assert named == {"Retinol 0.3 %", "Salicylic Acid 2 %",
                     "Suitable during pregnancy (conservative)"}
    assert "Retinol 0.3 %" in c.text and "Salicylic Acid 2 %" in c.text
    # dropping one of the two actives is no way out: the other still clashes
    ways = {w.text: _ops_of(w) for w in c.ways_out}
    assert ways == {"Suitable during pregnancy (conservative)": [],
                    "Retinol 0.3 % and Salicylic Acid 2 %": ["Remove Retinol (0.3 %)",
                                                             "Remove Salicylic Acid (2 %)"]}


def _ops_of(way):
    return [c.text for c in way.changes]


def test_a_pin_on_a_name_written_twice_has_a_way_out(rules):
    """Phenoxyethanol written on two rows, both pinned: the base brings 0.9 % of it and the
    Annex V limit is 1 %, so neither row can stay; the way out gives up both."""
    doc = {"product_type": "serum", "base": "light-gel",
           "ingredients": [{"inci": "Phenoxyethanol", "percent": 0.5},
                           {"inci": "Phenoxyethanol", "percent": 0.5},
                           {"inci": "Niacinamide", "percent": 4}]}
    got = _fix(doc, rules, "Phenoxyethanol")
    assert got.status == "conflict"
    assert [(w.drop.key, [a.key for a in w.also]) for w in got.conflict.ways_out] == \
        [("row:0", ["row:1"])]


def test_a_warning_conflict_offers_only_ways_that_end_the_warning(rules):
    """Four pinned preservatives over the lab's 2 % total (a warning): no error to remove, so
    a 'way out' that leaves the warning is none; each one offered ends it."""
    doc = {"product_type": "face-cream", "base": "ow-day-cream", "target_ph": 5,
           "ingredients": [{"inci": "Benzyl Alcohol", "percent": 0.9},
                           {"inci": "Sodium Benzoate", "percent": 0.5},
                           {"inci": "Potassium Sorbate", "percent": 0.4},
                           {"inci": "Sodium Dehydroacetate", "percent": 0.5}]}
    pins = ("Benzyl Alcohol", "Sodium Benzoate", "Potassium Sorbate", "Sodium Dehydroacetate")
    got = _fix(doc, rules, *pins)
    assert got.status == "repaired-with-warnings" and got.conflict.level == "warning"
    ways = got.conflict.ways_out
    assert ways and all(w.keeps_warnings for w in ways)
    for w in ways:  # the way out, applied, leaves no warning of the total
        dropped = {w.drop.text.rsplit(" ", 2)[0]} | {a.text.rsplit(" ", 2)[0] for a in w.also}
        again = _fix(doc, rules, *(p for p in pins if p not in dropped))
        assert again.status == "repaired", (w.text, again.status)
        assert [c.text for c in again.changes] == _ops_of(w)


# ---- a swap keeps the need and never brings a new concern --------------------------------
def test_a_swap_never_brings_a_concern_the_row_did_not_have(rules):
    from configurator.engine.repair.options import CONCERN_TAGS, alternatives, profiled

    for iid, ing in rules.ingredients.items():
        if not (ing.functions and profiled(ing)):
            continue
        for alt in alternatives(rules, iid):
            other = rules.ingredients[alt]
            assert other.tags & CONCERN_TAGS <= ing.tags, (iid, alt)
            assert "vegan" not in ing.tags or "vegan" in other.tags, (iid, alt)


def test_paraben_free_takes_the_parabens_out_without_formaldehyde_releasers(rules):
    doc = {"product_type": "body-lotion", "base": "body-lotion", "constraints": ["paraben-free"],
           "ingredients": [{"inci": "Methylparaben", "percent": 0.2},
                           {"inci": "Propylparaben", "percent": 0.1}]}
    got = _fix(doc, rules)
    assert got.status == "repaired"
    for c in got.changes:
        if c.op == "swap":
            assert "formaldehyde-releaser" not in rules.resolve(c.new_inci).tags, c.text


def test_shea_butter_gives_way_to_a_vegetable_butter_not_a_wax_ester(rules):
    from configurator.engine.repair.options import alternatives

    shea = rules.ingredients["butyrospermum-parkii-butter"]
    first = rules.ingredients[alternatives(rules, shea.id)[0]]
    assert first.tags <= shea.tags  # nothing of another kind (a wax)


# ---- the command: the same JSON twice, odd input never a traceback -----------------------
def test_cli_json_is_stable_and_names_the_ways_out(rules, tmp_path, capsys):
    path = tmp_path / "pregnancy.yaml"
    path.write_text(json.dumps(PREGNANCY))
    args = ["repair", str(path), "--format", "json", "--pin", "Retinol", "--pin", "Salicylic Acid"]
    assert main(args) == 1
    first = capsys.readouterr().out
    assert main(args) == 1
    assert capsys.readouterr().out == first
    data = json.loads(first)
    ways = data["conflict"]["ways_out"]
    assert [w["text"] for w in ways] == ["Suitable during pregnancy (conservative)",
                                         "Retinol 0.3 % and Salicylic Acid 2 %"]
    assert [a["text"] for a in ways[1]["also_drop"]] == ["Salicylic Acid 2 %"]
    assert data["conflict"]["also"]
    assert main(["repair", str(path), "--pin", "Retinol", "--pin", "Salicylic Acid"]) == 1
    text = capsys.readouterr().out
    assert "drop Retinol 0.3 % and Salicylic Acid 2 %: Remove Retinol" in text


@pytest.mark.parametrize("content, line", [
    ("product_type: {application: leave-on\ningredients:\n  - inci: Aqua\n", "line 2"),
    ("", "line 1"),
    ("product_type: serum\ningredients:\n  - {inci: Niacinamide, percent: -4}\n", "line 3"),
])
def test_cli_unreadable_formula_is_exit_2_with_file_and_line(tmp_path, capsys, content, line):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert main(["repair", str(path), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and line in err and "Traceback" not in err


def test_odd_but_readable_formulas_get_an_answer(rules):
    """No ingredients, 60 rows, unknown names: an answer, never an exception."""
    empty = _fix({"product_type": "serum", "base": "light-gel", "ingredients": []}, rules)
    assert empty.status == "unchanged"
    names = [k for k, i in sorted(rules.ingredients.items())
             if i.use_max is not None and "prohibited-eu" not in i.tags][:59]
    sixty = {"product_type": "face-cream", "target_ph": 5.5,
             "ingredients": [{"inci": "Aqua", "qs": True}]
             + [{"inci": rules.ingredients[k].inci, "percent": 0.5} for k in names]}
    got = _fix(sixty, rules)
    assert got.status in ("repaired", "repaired-with-warnings", "unresolved")
    unknown = _fix({"product_type": "serum", "base": "light-gel",
                    "ingredients": [{"inci": "Unobtainium Extract", "percent": 1}]}, rules)
    assert _ops(unknown) == ["Remove Unobtainium Extract (1 %)"]


def test_a_pin_that_holds_nothing_is_said(rules, tmp_path, capsys):
    doc = {"product_type": "body-lotion", "base": "body-lotion",
           "ingredients": [{"inci": "Retinol", "percent": 1}]}
    got = _fix(doc, rules, "Retinoll", "retinol")
    assert got.unmatched == ("Retinoll",)
    assert _ops(got) == []  # the pin by id holds the row: nothing else can give
    assert got.status == "conflict"
    path = tmp_path / "f.yaml"
    path.write_text(json.dumps(doc))
    assert main(["repair", str(path), "--pin", "Retinoll", "--format", "json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["unmatched_pins"] == ["Retinoll"]
    assert "--pin Retinoll holds nothing" in out.err


def test_sixty_pinned_rows_two_clashes_get_their_ways_out(rules):
    """Every row pinned, two separate clashes (retinol over the Annex III limit; dimethicone
    against silicone-free): the conflict names both and a way out gives up one wish of each;
    the irreducible sets cost a few solves each, not one per pinned row."""
    from configurator.engine.repair import search

    names = [k for k, i in sorted(rules.ingredients.items())
             if i.use_max is not None and not i.tags & {"prohibited-eu", "pregnancy-caution"}
             and i.solubility == "water" and k not in ("aqua", "dimethicone")]
    rows = [{"inci": rules.ingredients[k].inci, "percent": 0.5} for k in names[:80]]
    plain = {"product_type": "face-cream", "ingredients": [{"inci": "Aqua", "qs": True}, *rows]}
    limited = {n.casefold() for f in check(parse_formula(plain), rules).errors
               for n in f.ingredients}  # rows over an Annex limit of their own: left out
    rows = [r for r in rows if r["inci"].casefold() not in limited][:57]
    rows += [{"inci": "Retinol", "percent": 0.7}, {"inci": "Dimethicone", "percent": 0.7}]
    doc = {"product_type": "face-cream", "target_ph": 5.5, "constraints": ["silicone-free"],
           "ingredients": [{"inci": "Aqua", "qs": True}, *rows]}
    formula = parse_formula(doc)
    got = repair(formula, rules, Pins.parse([r["inci"] for r in rows]))
    assert got.status == "conflict"
    c = got.conflict
    clashes = [{w.text for w in c.wishes}, *({w.text for w in ws} for ws in c.also)]
    assert {"Retinol 0.7 %"} in clashes and {"Dimethicone 0.7 %", "Silicone-free"} in clashes
    ways = {w.text for w in c.ways_out}
    assert ways == {"Retinol 0.7 % and Dimethicone 0.7 %", "Retinol 0.7 % and Silicone-free"}
    # the deletion filter over 60 wishes: far fewer solves than wishes
    from configurator.engine import check as engine_check
    from configurator.engine.repair.model import prepare

    task = prepare(formula, rules, Pins.parse([r["inci"] for r in rows]),
                   engine_check(formula, rules))
    found = search._irreducible(task, engine_check(formula, rules),
                                frozenset(w.key for w in task.wishes), False)
    assert [w.text for w in found] in (["Retinol 0.7 %"], ["Dimethicone 0.7 %", "Silicone-free"])
    assert task.solves < 20
