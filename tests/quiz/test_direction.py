"""One answer changed, the design moves the way a formulator expects; conflicts go by the rules.

"Lighter" and "richer" are measured on the base itself: the share of its
oil phase (phase B of its composition), not on the quiz's own wording.
"""

from __future__ import annotations

import shutil

from configurator.quiz import load_with_quiz as load_rules
from configurator.quiz import personalize
from tests.conftest import ROOT
from tests.quiz.conftest import DEFAULT


def run(rules, **changes):
    answers = dict(DEFAULT, **changes)
    return personalize(rules.quiz, rules, answers)


def oil(rules, p) -> float:
    base = rules.bases[p.document["base"]]
    return sum(line.percent for line in base.composition
               if rules.ingredients[line.ingredient].phase == "B")


def tags(rules, p) -> set[str]:
    return {t for row in p.document["ingredients"]
            for t in rules.resolve(row["inci"]).tags}


def strength(p, inci: str) -> float | None:
    for row in p.document["ingredients"]:
        if row["inci"] == inci:
            return row["percent"]
    return None


def test_oily_skin_gets_a_lighter_base(rules):
    normal, oily = run(rules), run(rules, **{"skin-type": "oily"})
    assert oil(rules, oily) < oil(rules, normal)
    assert oily.document["base"] == "light-gel"


def test_dry_skin_gets_a_richer_base(rules):
    assert oil(rules, run(rules, **{"skin-type": "dry"})) > oil(rules, run(rules))


def test_cold_climate_gets_a_richer_base_than_humid(rules):
    cold = run(rules, **{"skin-type": "dry", "climate": "cold"})
    humid = run(rules, **{"skin-type": "dry", "climate": "humid"})
    assert oil(rules, cold) > oil(rules, humid)


def test_rich_texture_beats_light(rules):
    assert oil(rules, run(rules, texture="rich")) > oil(rules, run(rules, texture="light"))


def test_dark_spots_bring_a_brightening_active(rules):
    assert "brightening" not in tags(rules, run(rules))
    p = run(rules, concerns=["dark-spots"])
    assert "brightening" in tags(rules, p)
    assert p.document["ingredients"][0]["inci"] == "Tranexamic Acid"


def test_breakouts_bring_an_anti_acne_active(rules):
    assert "anti-acne" in tags(rules, run(rules, concerns=["acne"]))


def test_large_pores_bring_niacinamide_at_4_to_5_percent(rules):
    p = run(rules, concerns=["large-pores"])
    assert 4 <= strength(p, "Niacinamide") <= 5
    c = p.ingredient("Niacinamide")
    assert "large pores" in c.says


def test_redness_brings_a_soothing_active(rules):
    assert "soothing" in tags(rules, run(rules, concerns=["redness"]))


def test_dehydration_brings_a_humectant(rules):
    before = run(rules)
    after = run(rules, concerns=["dehydration"])
    assert "humectant" in tags(rules, after) or after.document["base"] == "hyaluronic-serum"
    assert "humectant" not in tags(rules, before)


def test_fine_lines_bring_a_retinoid_and_pregnancy_swaps_it(rules):
    lines = run(rules, concerns=["fine-lines"])
    assert "retinoid" in tags(rules, lines) and strength(lines, "Retinol") == 0.3
    pregnant = run(rules, concerns=["fine-lines"], pregnancy="pregnant")
    assert "retinoid" not in tags(rules, pregnant)
    assert strength(pregnant, "Bakuchiol") is not None
    refused = [x for x in pregnant.left_out if x.ref == "Retinol"]
    assert refused and "pregnant" in refused[0].says


def test_age_55_plus_brings_an_anti_ageing_active(rules):
    young = run(rules, age="under-25")
    old = run(rules, age="55-plus")
    assert strength(young, "Retinol") is None and strength(old, "Retinol") is not None


def test_reactive_skin_lowers_strengths_and_adds_the_constraint(rules):
    base = run(rules, concerns=["fine-lines", "large-pores"])
    reactive = run(rules, concerns=["fine-lines", "large-pores"], sensitivities=["reactive"])
    assert "sensitive-skin" in reactive.document["constraints"]
    assert strength(reactive, "Retinol") < strength(base, "Retinol")
    assert strength(reactive, "Niacinamide") < strength(base, "Niacinamide")
    # the strongest allowed strength, not a forbidden one: 0.3 % breaks the constraint's
    # 0.1 % retinoid cap, 0.1 % is taken, and the note says why
    assert strength(reactive, "Retinol") == 0.1
    assert any("0.3 % was not possible" in n for n in reactive.ingredient("Retinol").notes)


def test_economy_budget_costs_less(rules):
    answers = {"concerns": ["fine-lines", "dark-spots", "redness"], "skin-type": "dry",
               "climate": "cold"}
    free = run(rules, **answers)
    cheap = run(rules, **answers, budget="economy")
    assert cheap.report.cost_per_kg <= 15 < free.report.cost_per_kg
    assert "budget-15" in cheap.document["constraints"]


def test_fragrance_allergy_overrules_a_scent_wish(rules):
    scented = run(rules, fragrance="light-scent")
    assert strength(scented, "Parfum") is not None
    allergic = run(rules, fragrance="light-scent", sensitivities=["fragrance-allergy"])
    assert strength(allergic, "Parfum") is None
    assert "fragrance-free" in allergic.document["constraints"]
    assert any(x.ref == "Parfum" and "fragrance allergy" in x.says for x in allergic.left_out)


def test_nut_allergy_moves_a_rich_wish_off_the_shea_cream(rules):
    rich = run(rules, texture="rich")
    assert rich.document["base"] == "rich-night-cream"
    allergic = run(rules, texture="rich", sensitivities=["nut-allergy"])
    assert allergic.document["base"] != "rich-night-cream"
    assert allergic.report.valid
    base_choice = next(c for c in allergic.choices if c.kind == "base")
    assert any("rich cream was not possible" in n for n in base_choice.notes)


def test_pregnancy_and_dark_spots_give_azelaic_acid(rules):
    p = run(rules, concerns=["dark-spots"], pregnancy="breastfeeding")
    assert strength(p, "Azelaic Acid") is not None
    assert strength(p, "Tranexamic Acid") is None and strength(p, "Alpha-Arbutin") is None


def test_alpha_arbutin_respects_the_eu_2024_996_limit(tmp_path):
    """A body-lotion vehicle: the quiz's 2 % step breaks the 0.5 % body-lotion limit of
    Annex III entry 377; the advisor's ceiling (0.5 %) is tried and taken."""
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root, ignore=shutil.ignore_patterns("tests"))
    text = (root / "quiz.yaml").read_text()
    text = text.replace("      product_type: serum\n      base: light-gel\n",
                        "      product_type: body-lotion\n      base: body-lotion\n", 1)
    text = text.replace("        - ingredient: Tranexamic Acid\n          strengths: [3, 2]\n",
                        "        - ingredient: Tranexamic Acid\n          strengths: [3, 2]\n"
                        "          only_bases: [light-gel]\n", 1)
    (root / "quiz.yaml").write_text(text)
    rs = load_rules(root)
    p = personalize(rs.quiz, rs, dict(DEFAULT, **{"skin-type": "oily",
                                                   "concerns": ["dark-spots"]}))
    assert p.document["base"] == "body-lotion"
    assert strength(p, "Alpha-Arbutin") == 0.5
    assert p.report.valid
    assert any("2 % was not possible" in n for n in p.ingredient("Alpha-Arbutin").notes)


def test_alpha_arbutin_in_the_shipped_quiz_stays_within_2_percent(rules):
    p = run(rules, concerns=["dark-spots"], **{"skin-type": "oily"})
    for row in p.document["ingredients"]:
        if row["inci"] == "Alpha-Arbutin":
            assert row["percent"] <= 2
