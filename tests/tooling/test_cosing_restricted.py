"""restricted.encode over the shipped Annex III, V and VI exports (rules/cosing/)."""

from pathlib import Path

import pytest

from configurator.tooling.cosing.read import read_all
from configurator.tooling.cosing.restricted import Encoded, encode

FOLDER = Path(__file__).resolve().parents[2] / "rules" / "cosing"


@pytest.fixture(scope="module")
def annexes():
    return read_all(FOLDER)


def rules_of(annexes, annex, ref):
    [entry] = [e for e in annexes[annex] if e.ref == ref]
    result = encode(entry, annexes)
    assert result.reason == "", result.reason
    return {r["id"]: r for r in result.rules}


def test_every_entry_encodes_or_says_why(annexes):
    counts = {}
    for annex in ("III", "V", "VI"):
        done = skipped = 0
        for entry in annexes[annex]:
            result = encode(entry, annexes)
            assert isinstance(result, Encoded)
            assert bool(result.rules) != bool(result.reason), (annex, entry.ref)
            if result.reason.startswith("moved or deleted"):
                continue
            done, skipped = done + bool(result.rules), skipped + bool(result.reason)
            for rule in result.rules:
                assert rule["id"].startswith(f"eu-annex-{annex.lower()}-")
                assert rule["source"].startswith(f"Regulation (EC) No 1223/2009, Annex {annex}, entry ")
                assert rule["substances"] and all(s["name"] for s in rule["substances"])
                if rule["kind"] == "max-concentration":
                    assert 0 < rule["max"] <= 100
                    assert rule["message"] and rule["fix"]
        counts[annex] = (done, skipped)
    assert counts["V"] == (54, 0)
    assert counts["VI"] == (33, 0)
    done, skipped = counts["III"]
    assert done >= 318 and done + skipped == 371


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
