"""restricted.encode over the shipped Annex III, V and VI exports (rules/cosing/)."""

from pathlib import Path

import pytest

from configurator.tooling.cosing.names import Names
from configurator.tooling.cosing.read import read_all
from configurator.tooling.cosing.restricted import Encoded, encode, related, superseded

FOLDER = Path(__file__).resolve().parents[2] / "rules" / "cosing"


@pytest.fixture(scope="module")
def annexes():
    return read_all(FOLDER)


@pytest.fixture(scope="module")
def names():
    return Names.load(FOLDER.parent)


def rules_of(annexes, annex, ref, names=None):
    [entry] = [e for e in annexes[annex] if e.ref == ref and not superseded(annexes)[annex].get(e.line)]
    result = encode(entry, annexes, names) if names else encode(entry, annexes)
    assert result.reason == "", result.reason
    return {r["id"]: r for r in result.rules}


def test_every_entry_encodes_or_says_why(annexes, names):
    counts = {}
    skipped_refs = set()
    for annex in ("III", "V", "VI"):
        done = skipped = 0
        for entry in annexes[annex]:
            result = encode(entry, annexes, names)
            assert isinstance(result, Encoded)
            assert bool(result.rules) != bool(result.reason), (annex, entry.ref)
            if result.reason.startswith(("moved or deleted", "superseded")):
                continue
            done, skipped = done + bool(result.rules), skipped + bool(result.reason)
            skipped_refs |= {(annex, entry.ref)} if result.reason else set()
            for rule in result.rules:
                assert rule["id"].startswith(f"eu-annex-{annex.lower()}-")
                assert rule["source"].startswith(f"Regulation (EC) No 1223/2009, Annex {annex}, entry ")
                assert rule["message"]
                if rule["kind"] in ("expression", "incompatible"):
                    assert rule.get("ingredients") or rule.get("first")
                else:
                    assert rule["substances"] and all(s["name"] for s in rule["substances"])
                if rule["kind"] == "max-concentration":
                    assert 0 < rule["max"] <= 100
                    assert rule["fix"]
                if rule["kind"] == "prohibited":
                    assert rule.get("severity", "error") == "error"  # issue 15: never a warning
        counts[annex] = (done, skipped)
    assert counts["V"] == (54, 0)
    assert counts["VI"] == (33, 0)
    assert counts["III"] == (360, 4)  # 373 rows: 2 moved or deleted, 7 older versions
    # the four left are the hand-written overrides' (rules/eu/annex-iii.yaml)
    assert skipped_refs == {("III", "15a"), ("III", "59"), ("III", "66"), ("III", "324")}


def test_without_names_a_raw_material_condition_says_why(annexes):
    [entry] = [e for e in annexes["III"] if e.ref == "103"]
    result = encode(entry, annexes)
    assert result.rules == () and "no catalog or inventory name" in result.reason


def test_raw_material_conditions_are_info_findings(annexes, names):
    (rule,) = rules_of(annexes, "III", "103", names).values()
    assert (rule["id"], rule["kind"], rule["severity"], rule["code"]) == (
        "eu-annex-iii-103-raw-material", "expression", "info", "raw-material-condition")
    assert "Abies Alba Leaf Oil" in rule["ingredients"] and 'pct["Abies Alba Leaf Oil"] > 0.0' in rule["expr"]
    assert rule["message"].startswith("Abies alba oil and extract (Annex III entry 103): the raw material "
                                      "must meet: Peroxide value less than 10 mmoles/L")
    assert "not on the finished product" in rule["message"]
    # the inventory's names citing the entry join the export's own (Pinus species, entry 115)
    (pinus,) = rules_of(annexes, "III", "115", names).values()
    assert "Pinus Strobus Twig Oil" in pinus["ingredients"]
    (allyl,) = rules_of(annexes, "III", "135", names).values()
    assert allyl["ingredients"] == ["Allyl Butyrate"] and "free allyl alcohol" in allyl["message"]
    (peanut,) = rules_of(annexes, "III", "306", names).values()
    assert "peanut proteins: 0,5 ppm" in peanut["message"] and "Arachis Hypogaea Oil" in peanut["ingredients"]


def test_older_versions_of_an_entry_are_not_read(annexes):
    old = superseded(annexes)["III"]
    assert set(old) == {162, 322, 808, 821, 1074, 1086, 1103}
    assert "entry 201" in old[1086]  # 251's old row: 2-chloro-6-ethylamino-4-nitrophenol, now entry 201
    assert "entry 220" in old[808]  # 196's old row: HC Blue No 11, now entry 220
    [newer] = [e for e in annexes["III"] if e.line == 323]
    assert rules_of(annexes, "III", "16")["eu-annex-iii-16"]["max"] == 2.0 and newer.ref == "16"
    # two substances sharing a reference both stay (208: HC Orange No 2 and 5-amino-4-chloro-o-cresol)
    assert not {876, 883} & set(old)


def test_related_entries_do_not_depend_on_the_hash_seed_or_include_themselves(annexes):
    [entry] = [e for e in annexes["III"] if e.ref == "64"]
    found = [(e.annex, e.ref) for e in related(entry, annexes)]
    assert found == sorted(set(found), key=found.index) and ("III", "64") not in found


def test_thioglycolates_annex_iii_2a_2b(annexes, names):
    rules = rules_of(annexes, "III", "2a", names)
    assert (rules["eu-annex-iii-2a-a"]["max"], rules["eu-annex-iii-2a-e"]["max"]) == (8.0, 11.0)
    assert rules["eu-annex-iii-2a-a"]["when"] == {"category": ["hair-straightener"], "not_category": ["professional"]}
    assert (rules["eu-annex-iii-2a-b"]["max"], rules["eu-annex-iii-2a-c"]["max"]) == (5.0, 2.0)
    factors = {s["name"]: s.get("factor", 1) for s in rules["eu-annex-iii-2a-b"]["substances"]}
    assert factors["Thioglycolic Acid"] == 1 and factors["Ammonium Thioglycolate"] == 0.844
    assert rules["eu-annex-iii-2a-d-not-professional"]["kind"] == "prohibited"
    ph = rules["eu-annex-iii-2a-ph-2"]
    assert (ph["kind"], ph["severity"], ph["min"], ph["max"]) == ("ph-window", "error", 7.0, 12.7)
    esters = rules_of(annexes, "III", "2b", names)
    assert esters["eu-annex-iii-2b-b"]["max"] == 11.0
    assert esters["eu-annex-iii-2b-outside"]["when"] == {"not_category": ["hair-straightener"]}
    # the outside rule lists each allowed product type once (the rewritten entry is not "related")
    assert esters["eu-annex-iii-2b-outside"]["message"].count("(professional use)") == 1


def test_toluene_2_5_diamine_annex_iii_9a(annexes, names):
    rules = rules_of(annexes, "III", "9a", names)
    hair = rules["eu-annex-iii-9a-a"]
    assert (hair["max"], hair["when"], hair["expressed_as"]) == (2.0, {"category": ["oxidative-hair-dye"]}, "free base")
    factors = {s["name"]: s.get("factor", 1) for s in hair["substances"]}
    # 2,0 % free base = 3,6 % as sulfate, rounded down so that 3,6 % of the salt is within 2 %
    assert factors["Toluene-2,5-Diamine Sulfate"] == 0.5555
    assert 3.6 * factors["Toluene-2,5-Diamine Sulfate"] <= 2.0 < 3.61 * factors["Toluene-2,5-Diamine Sulfate"]
    assert rules["eu-annex-iii-9a-b-not-professional"]["when"] == {
        "category": ["eyelash-dye"], "not_category": ["professional"]}
    assert rules["eu-annex-iii-9a-outside"]["when"] == {"not_category": ["oxidative-hair-dye", "eyelash-dye"]}


def test_methanol_annex_iii_52_is_relative_to_the_alcohol(annexes, names):
    (rule,) = rules_of(annexes, "III", "52", names).values()
    assert (rule["kind"], rule["severity"], rule["ingredients"]) == ("expression", "error", ["Methyl Alcohol"])
    assert rule["expr"].startswith('pct["Methyl Alcohol"] > 0.05 * (("Alcohol" in pct ? pct["Alcohol"] : 0.0)')
    assert '"Isopropyl Alcohol"' in rule["expr"] and '"Alcohol Denat."' in rule["expr"]


def test_calcium_hydroxide_allyl_heptine_carbonate_hc_yellow_13(annexes, names):
    lime = rules_of(annexes, "III", "15c", names)
    assert lime["eu-annex-iii-15c-a"]["max"] == 7.0 and lime["eu-annex-iii-15c-ph-2"]["max"] == 11.0
    assert not [i for i in lime if "outside" in i]  # (c) "other uses" allows it everywhere else
    allyl = rules_of(annexes, "III", "152", names)
    assert allyl["eu-annex-iii-152"]["max"] == 0.002
    combo = allyl["eu-annex-iii-152-combination"]
    assert combo["kind"] == "incompatible" and "Methyl 2-Octynoate" in combo["second"]["ingredients"]
    yellow = rules_of(annexes, "III", "261", names)
    assert (yellow["eu-annex-iii-261-a"]["max"], yellow["eu-annex-iii-261-b"]["max"]) == (2.5, 2.5)
    assert "NOT SURE" in yellow["eu-annex-iii-261-a"]["#"]


def test_rule_ids_are_unique(annexes):
    ids = [r["id"] for a in ("III", "V", "VI") for e in annexes[a] for r in encode(e, annexes).rules]
    assert len(ids) == len(set(ids))


def test_annex_iii_98_salicylic_acid(annexes):
    rules = rules_of(annexes, "III", "98")
    assert rules["eu-annex-iii-98-a"]["max"] == 3.0
    assert rules["eu-annex-iii-98-a"]["when"] == {"category": ["hair-rinse-off"]}
    assert rules["eu-annex-iii-98-c"]["max"] == 0.5
    assert "body-lotion" in rules["eu-annex-iii-98-c"]["when"]["category"]
    assert rules["eu-annex-iii-98-b"]["max"] == 2.0
    assert rules["eu-annex-iii-98-under-3"]["when"] == {"age": "under-3"}
    assert rules["eu-annex-iii-98-oral"]["kind"] == "prohibited"
    assert rules["eu-annex-iii-98-spray"]["when"] == {"category": ["spray"]}
    assert rules["eu-annex-iii-98-c"]["message"] == (
        "Salicylic Acid is limited to 0.5 % in body lotions, eye products, lip products and deodorants "
        "(Annex III entry 98)")
    assert rules["eu-annex-iii-98-c"]["fix"] == "Lower Salicylic Acid to 0.5 % or less"
    assert rules["eu-annex-iii-98-a"]["source"] == (
        "Regulation (EC) No 1223/2009, Annex III, entry 98 (as amended by Regulation (EU) 2021/850)")
    assert "NOT SURE" in rules["eu-annex-iii-98-a"]["#"]


def test_annex_iii_376_retinoids(annexes):
    rules = rules_of(annexes, "III", "376")
    body, other = rules["eu-annex-iii-376-a"], rules["eu-annex-iii-376-b"]
    assert (body["max"], body["when"]) == (0.05, {"category": ["body-lotion"]})
    assert (other["max"], other["when"]) == (0.3, {"not_category": ["body-lotion"]})
    assert body["expressed_as"] == "retinol equivalent"
    factors = {s["name"]: s.get("factor", 1) for s in body["substances"]}
    assert factors == {"Retinol": 1, "Retinyl Acetate": 0.872, "Retinyl Palmitate": 0.5458}
    assert (body["placed_from"], body["available_from"]) == ("2025-11-01", "2027-05-01")
    assert body["source"].endswith("(as amended by Regulation (EU) 2024/996)")
    assert "Contains Vitamin A" in body["label_warning"]


def test_annex_iii_377_378_arbutins(annexes):
    alpha = rules_of(annexes, "III", "377")
    assert alpha["eu-annex-iii-377-a"]["max"] == 2.0
    assert alpha["eu-annex-iii-377-a"]["when"] == {"category": ["face-cream"]}
    assert alpha["eu-annex-iii-377-b"]["max"] == 0.5
    assert alpha["eu-annex-iii-377-outside"]["when"] == {"not_category": ["face-cream", "body-lotion"]}
    beta = rules_of(annexes, "III", "378")
    assert (beta["eu-annex-iii-378"]["max"], beta["eu-annex-iii-378"]["placed_from"]) == (7.0, "2025-02-01")
    assert beta["eu-annex-iii-378-outside"]["kind"] == "prohibited"


def test_annex_iii_hair_dye_after_mixing(annexes):
    rules = rules_of(annexes, "III", "201")
    assert rules["eu-annex-iii-201-a"]["max"] == 1.5
    assert rules["eu-annex-iii-201-a"]["when"] == {"category": ["oxidative-hair-dye"]}
    assert rules["eu-annex-iii-201-b"]["max"] == 3.0
    assert rules["eu-annex-iii-201-outside"]["when"] == {
        "not_category": ["oxidative-hair-dye", "non-oxidative-hair-dye"]}


def test_annex_iii_salt_equivalence_from_the_annex(annexes):
    rule = rules_of(annexes, "III", "203")["eu-annex-iii-203-b"]
    assert rule["max"] == 0.68 and rule["expressed_as"] == "free base"
    assert rule["substances"][0]["factor"] == 0.68  # 0,68 % as free base = 1,0 % as dihydrochloride


def test_annex_v_3_salicylic_acid(annexes):
    rules = rules_of(annexes, "V", "3")
    assert rules["eu-annex-v-3"]["max"] == 0.5 and rules["eu-annex-v-3"]["expressed_as"] == "acid"
    assert rules["eu-annex-v-3-acid-under-3"]["when"] == {"age": "under-3"}
    assert rules["eu-annex-v-3-salts-under-3"]["when"] == {"age": "under-3", "not_form": ["shampoo"]}
    assert {s["name"] for s in rules["eu-annex-v-3-acid-oral"]["substances"]} == {"Salicylic Acid"}


def test_annex_v_12a_parabens(annexes):
    rules = rules_of(annexes, "V", "12a")
    assert rules["eu-annex-v-12a"]["max"] == 0.14
    names = {s["name"]: s.get("factor") for s in rules["eu-annex-v-12a"]["substances"]}
    assert names["Propylparaben"] == 0.7665 and names["Butylparaben"] == 0.7111
    assert rules["eu-annex-v-12a-nappy"]["when"] == {"application": "leave-on", "nappy": True}
    mixture = rules_of(annexes, "V", "12")["eu-annex-v-12"]
    assert mixture["max"] == 0.8 and "Propylparaben" in {s["name"] for s in mixture["substances"]}


def test_annex_v_29_phenoxyethanol(annexes):
    [rule] = rules_of(annexes, "V", "29").values()
    assert (rule["kind"], rule["max"], rule.get("when")) == ("max-concentration", 1.0, None)
    assert rule["source"] == "Regulation (EC) No 1223/2009, Annex V, entry 29"


def test_annex_v_1_benzoate_factor(annexes):
    rules = rules_of(annexes, "V", "1")
    factors = {s["name"]: s.get("factor") for s in rules["eu-annex-v-1-a"]["substances"]}
    assert factors["Sodium Benzoate"] == 0.8474
    assert rules["eu-annex-v-1-a"]["when"] == {"category": ["rinse-off"], "not_category": ["oral"]}


def test_annex_vi_homosalate_and_octocrylene(annexes):
    rules = rules_of(annexes, "VI", "3")
    assert rules["eu-annex-vi-3"]["max"] == 7.34
    assert rules["eu-annex-vi-3"]["when"] == {"category": ["face"], "not_category": ["aerosol"]}
    outside = [r["when"] for i, r in rules.items() if "outside" in i]
    assert {"not_category": ["face"]} in outside and {"category": ["aerosol"]} in outside
    assert rules["eu-annex-vi-3"]["source"].endswith("(as amended by Regulation (EU) 2022/2195)")
    octo = rules_of(annexes, "VI", "10")
    assert (octo["eu-annex-vi-10-a"]["max"], octo["eu-annex-vi-10-b"]["max"]) == (9.0, 10.0)
    assert octo["eu-annex-vi-10-a"]["when"] == {"category": ["aerosol"]}


def test_annex_vi_nano_entries(annexes):
    tio2 = rules_of(annexes, "VI", "27a")
    assert tio2["eu-annex-vi-27a"]["max"] == 25.0
    assert tio2["eu-annex-vi-27a-spray"]["when"] == {"category": ["spray"]}
    zinc = rules_of(annexes, "VI", "30")
    assert {s["name"] for s in zinc["eu-annex-vi-30"]["substances"]} == {"Zinc Oxide", "Zinc Oxide (nano)"}
    assert zinc["eu-annex-vi-30-spray"]["kind"] == "prohibited"
    mbbt = rules_of(annexes, "VI", "23a")
    assert "eu-annex-vi-23a-spray" in mbbt


def test_unreadable_text_is_left_to_a_chemist(annexes):
    [entry] = [e for e in annexes["III"] if e.ref == "324"]
    result = encode(entry, annexes)
    assert result.rules == () and result.reason.startswith("condition needs a chemist's reading: ")


def test_wording_of_a_branch_with_no_maximum_is_a_label_line(annexes, names):
    # Annex III 313 (HEMA): nail products, professional use only, no maximum: the wording
    # comes as the engine's label-warning finding, in professional nail products only
    hema = rules_of(annexes, "III", "313", names)
    label = hema["eu-annex-iii-313-label"]
    assert (label["kind"], label["severity"], label["code"]) == ("expression", "info", "label-warning")
    assert label["message"] == "The label must carry: “For professional use only. Can cause an allergic reaction.”"
    assert label["ingredients"] == ["HEMA"] and label["expr"] == 'pct["HEMA"] > 0.0'
    assert label["when"] == {"area": ["nail"], "category": ["professional"]}
    assert "max" not in label and not [r for r in hema.values() if r["kind"] == "max-concentration"]
    # a branch with a limit keeps the wording on its max-concentration rule, and gets no label rule
    lime = rules_of(annexes, "III", "15c", names)
    assert lime["eu-annex-iii-15c-a"]["label_warning"].startswith("Contains alkali")
    assert "eu-annex-iii-15c-a-label" not in lime and lime["eu-annex-iii-15c-b-label"]["when"] == {
        "category": ["depilatory"]}
    # the essential oils' wording cell is a footnote, not label text
    assert not [i for i in rules_of(annexes, "III", "103", names) if i.endswith("label")]
    # without names for the substance, no label rule (an expression cannot name it)
    assert "eu-annex-iii-313-label" not in rules_of(annexes, "III", "313")


def test_market_dates_from_the_footnote_in_the_chemical_name_column(annexes, names):
    # Annex III 313 (2020/1682) and 323 (2022/135) keep their transition in a footnote of the
    # "Chemical/IUPAC Name" column, not in "Other"
    for rule in rules_of(annexes, "III", "313", names).values():
        assert (rule["placed_from"], rule["available_from"]) == ("2021-06-03", "2021-09-03")
    for rule in rules_of(annexes, "III", "323").values():
        assert (rule["placed_from"], rule["available_from"]) == ("2022-08-21", "2022-11-21")


def test_as_from_dates_the_limit_not_the_prohibition_outside(annexes):
    # "As from 3 September 2017: 0,5 %" in the maximum column (Annex III 298, 2017/237) and
    # "As from 3 June 2021, after mixing under oxidative conditions … 2 %" in "Other" (316,
    # 2020/1683): the limit applies from that day; the prohibition outside the listed product
    # types stays undated (the export does not date it)
    red = rules_of(annexes, "III", "298")
    assert red["eu-annex-iii-298"]["max"] == 0.5
    assert (red["eu-annex-iii-298"]["placed_from"], red["eu-annex-iii-298"]["available_from"]) == (
        "2017-09-03", "2017-09-03")
    assert "placed_from" not in red["eu-annex-iii-298-outside"]
    imid = rules_of(annexes, "III", "316")
    assert imid["eu-annex-iii-316"]["max"] == 2 and imid["eu-annex-iii-316"]["placed_from"] == "2021-06-03"
    assert "placed_from" not in imid["eu-annex-iii-316-outside"]
    # each branch its own: 8c (a) in "Other", (b) in the maximum column, both 3 Sep 2017
    both = rules_of(annexes, "III", "8c")
    assert {(r["max"], r["placed_from"]) for r in both.values() if r["kind"] == "max-concentration"} == {
        (1, "2017-09-03"), (1.5, "2017-09-03")}
    # an undated limit stays undated
    assert "placed_from" not in rules_of(annexes, "III", "9a")["eu-annex-iii-9a-a"]


def test_ph_conditions_of_the_other_column_are_windows(annexes):
    # "pH > 6" (Annex V 45) and "(b) pH < 4" (Annex III 44, nail products) were comments only
    oxa = rules_of(annexes, "V", "45")["eu-annex-v-45-ph"]
    assert (oxa["kind"], oxa["min"], oxa["severity"]) == ("ph-window", 6.0, "error") and "when" not in oxa
    dmetu = rules_of(annexes, "III", "44")["eu-annex-iii-44-ph"]
    assert (dmetu["max"], dmetu["when"]) == (4.0, {"category": ["nail"]})
