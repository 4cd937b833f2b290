"""`configurator rules import-cosing` / `rules coverage` on the shipped CosIng exports."""

from __future__ import annotations

import json

import pytest
import yaml

from configurator.tooling.cosing import (
    GENERATED_DIR,
    annex_ii,
    citations,
    colourants,
    generate,
    plan,
)
from configurator.tooling.cosing.names import Names
from configurator.tooling.cosing.read import read_all
from configurator.tooling.cosing.write import flow, render_parts, scalar
from configurator.yamlio import MAX_DOCUMENT_BYTES
from tests.tooling.helpers import RULES

COSING = RULES / "cosing"


@pytest.fixture(scope="module")
def annexes():
    return read_all(COSING)


@pytest.fixture(scope="module")
def shipped_plan():
    return plan(COSING, RULES)


@pytest.fixture(scope="module")
def names():
    return Names.load(RULES)


def rows(annexes, ref):
    return next(g for g in annex_ii.group(annexes["II"]) if g[0].ref == ref)


def status(p, annex, ref):
    return next(s for s in p.statuses if s.annex == annex and s.ref == ref)


# -- Annex II -------------------------------------------------------------------------

def test_hydroquinone_by_cas_except_artificial_nails(annexes):
    rule = annex_ii.encode(rows(annexes, "1339"), annexes)
    assert rule["id"] == "eu-annex-ii-1339" and rule["kind"] == "prohibited"
    (sub,) = rule["substances"]
    assert sub["cas"] == ["123-31-9"] and sub["inci"] == ["Hydroquinone"]
    # "with the exception of entry 14 in Annex III" (artificial nail systems)
    assert rule["when"] == {"not_category": ["artificial-nail"]}
    assert rule["source"].endswith("Annex II, entry 1339 (as amended by Regulation (EU) No 344/2013)")


def test_lilial(annexes):
    rule = annex_ii.encode(rows(annexes, "1666"), annexes)
    (sub,) = rule["substances"]
    assert sub == {"name": "2-(4-tert-butylbenzyl) propionaldehyde", "inci": ["Butylphenyl Methylpropional"],
                   "cas": ["80-54-6"], "ec": ["201-289-8"]}
    assert "when" not in rule and "severity" not in rule
    assert rule["message"] == ("2-(4-tert-butylbenzyl) propionaldehyde (Butylphenyl Methylpropional) is "
                               "prohibited in cosmetic products (Annex II entry 1666)")
    assert rule["fix"].startswith("Remove 2-(4-tert-butylbenzyl) propionaldehyde")
    assert rule["source"].endswith("(as amended by Regulation (EU) 2021/1902)")


def test_hair_dye_entries_apply_to_hair_dyes_only(annexes):
    assert annex_ii.encode(rows(annexes, "1334"), annexes)["when"] == {"category": ["hair-dye"]}
    assert annex_ii.encode(rows(annexes, "1642"), annexes)["when"] == {"category": ["hair-dye", "eyelash-dye"]}


def test_raw_material_conditions_are_info(annexes, names):
    petrolatum = annex_ii.encode(rows(annexes, "904"), annexes, names)
    assert (petrolatum["kind"], petrolatum["severity"], petrolatum["code"]) == (
        "expression", "info", "raw-material-condition")
    assert "full refining history" in petrolatum["message"] and "Petrolatum" in petrolatum["ingredients"]
    assert 'pct["Petrolatum"] > 0.0' in petrolatum["expr"]
    # Butane is named by its CAS number only: the inventory knows it by that
    butane = annex_ii.encode(rows(annexes, "465"), annexes, names)
    assert butane["ingredients"] == ["Butane"] and "≥ 0,1 % w/w Butadiene" in butane["message"]
    assert butane["_aliases"] == [{"name": "Butane", "cas": ["106-97-8"], "ec": ["203-448-7"]}]


def test_raw_material_condition_on_an_unknown_substance_keeps_prohibited_info(annexes, names):
    # no catalog or inventory name is "Slack wax (petroleum)": an expression rule cannot name
    # it, and only `substances:` (prohibited, …) makes its annex name and CAS number known
    slack = annex_ii.encode(rows(annexes, "894"), annexes, names)
    assert (slack["kind"], slack["severity"]) == ("prohibited", "info")
    assert "expression rule cannot create it" in slack["#"]


def test_no_prohibited_rule_is_info_where_the_substance_can_be_named(shipped_plan, names):
    infos = [r for text in shipped_plan.files.values() for r in (yaml.safe_load(text).get("rules") or [])
             if r["kind"] == "prohibited" and r.get("severity") == "info"]
    assert infos and all(not names.known(i for s in r["substances"] for i in s.get("inci", ()))
                         for r in infos)


def test_salts_are_listed_and_containing_materials_are_not(annexes):
    salts = annex_ii.encode(rows(annexes, "1338"), annexes)["substances"][0]["inci"]
    assert salts == ["2,4-Diaminophenol", "2,4-Diaminophenol HCl"]
    # furocoumarins: lemon oil contains them at its natural content, it is not banned
    furo = annex_ii.encode(rows(annexes, "358"), annexes)
    assert "inci" not in furo["substances"][0] and "NOT SURE" not in furo["#"]
    assert "CITRUS LIMON PEEL OIL" in furo["#"]


def test_nano_entries_name_only_the_nano_form(annexes):
    (sub,) = annex_ii.encode(rows(annexes, "1727"), annexes)["substances"]
    assert sub == {"name": "Colloidal silver (nano)", "inci": ["Colloidal Silver (nano)"]}


def test_rows_of_one_reference_are_one_rule(annexes):
    rule = annex_ii.encode(rows(annexes, "38"), annexes)
    assert [s["cas"] for s in rule["substances"]] == [["120-12-7"], ["91995-52-7"], ["101316-49-8"]]


def test_exception_of_another_annex_leaves_its_members_out(annexes):
    rule = annex_ii.encode(rows(annexes, "395"), annexes)
    assert rule["substances"][0]["inci"] == ["Oxyquinoline"] and rule["substances"][0]["cas"] == ["148-24-3"]


# -- Annex IV -------------------------------------------------------------------------

def iv(annexes, ref):
    return next(e for e in annexes["IV"] if e.ref == ref)


def test_titanium_dioxide_colourant(annexes):
    enc = colourants.encode(iv(annexes, "143"), frozenset({"CI 77891", "TITANIUM DIOXIDE"}))
    (rule,) = enc.rules
    assert rule["ingredients"] == ["CI 77891"] and rule["severity"] == "info"
    assert rule["code"] == "raw-material-condition"
    assert "Annex III, No 321" in rule["message"]


def test_colourant_fields_of_application(annexes):
    (rinse,) = colourants.encode(iv(annexes, "1")).rules
    # Article 14(2): Annex IV's conditions do not bind products colouring only hair
    not_dye = {"not_category": ["hair-dye"]}
    assert rinse["when"] == {"category": ["leave-on"], **not_dye} and rinse["substances"][0]["name"] == "CI 10006"
    (mucous,) = colourants.encode(iv(annexes, "2")).rules
    assert mucous["when"] == {"category": ["mucous-membrane"], **not_dye}
    (eye,) = colourants.encode(iv(annexes, "3")).rules
    assert eye["when"] == {"category": ["eye"], **not_dye}
    limit, spray = colourants.encode(iv(annexes, "126a")).rules
    assert limit["max"] == 10 and spray["when"] == {"category": ["spray"]} and limit["when"] == not_dye
    assert limit["substances"] == [{"name": "CI 77266 (nano)", "inci": ["CI 77266 (nano)"]}]
    lip, _ = colourants.encode(iv(annexes, "77"), frozenset({"CI 45396"})).rules
    assert lip["max"] == 1 and lip["when"] == {"category": ["lip"], **not_dye}
    none = colourants.encode(iv(annexes, "7"))
    assert none.rules == () and not none.conditions


def test_colourant_salts_lakes_and_us_names(annexes):
    """Annex IV's preamble: a colorant includes its salts and lakes. "CI 15850:1", "CI 45410
    Aluminum Lake", "Red 7 Lake" were unknown ingredients (an error) in a lipstick."""
    red7 = colourants.salt_and_lake_names(iv(annexes, "27"))
    assert {"CI 15850:1", "CI 15850 Aluminum Lake", "Red 6", "Red 7 Lake", "D&C Red No. 7 Calcium Lake"} <= set(red7)
    assert {"Red 28 Lake", "CI 45410:2", "D&C Red No. 27"} <= set(colourants.salt_and_lake_names(iv(annexes, "79")))
    assert "Ext. Violet 2" in colourants.salt_and_lake_names(iv(annexes, "90"))  # CI 60730
    assert "Violet 2" not in colourants.salt_and_lake_names(iv(annexes, "90"))  # that is CI 60725
    # mineral pigments form no lakes; the nano carbon black and D&C Black No. 2 are left out
    assert colourants.salt_and_lake_names(iv(annexes, "135")) == []
    assert colourants.salt_and_lake_names(iv(annexes, "126a")) == []
    assert not any("Black 2" in n for n in colourants.salt_and_lake_names(iv(annexes, "126")))
    assert "Aluminum Powder" in colourants.salt_and_lake_names(iv(annexes, "117"))  # CI 77000
    subs = colourants.alias_substances(iv(annexes, "27"))
    assert {"name": "CI 15850:1", "inci": ["CI 15850"]} in subs
    # a US name the inventory holds itself (YELLOW 11, CI 47000) joins the entry's rule instead
    (rule,) = colourants.encode(iv(annexes, "81"), frozenset({"CI 47000", "YELLOW 11"})).rules
    assert {"name": "Yellow 11", "inci": ["Yellow 11"]} in rule["substances"]
    assert all(s["name"] != "Yellow 11" for s in colourants.alias_substances(iv(annexes, "81"), frozenset({"YELLOW 11"})))


# -- overrides, files, coverage --------------------------------------------------------

def test_citations():
    assert citations("Regulation (EC) No 1223/2009, Annex VI, entries 30 and 30a (as amended by "
                     "Regulation (EU) 2016/621) and Annex IV, entry 144") == [
        ("VI", "30"), ("VI", "30a"), ("IV", "144")]
    assert citations("Regulation (EC) No 1223/2009, Annex III, entry 45 and Article 19(1)(g)") == [("III", "45")]


def test_overridden_entries_are_not_generated(shipped_plan):
    s = status(shipped_plan, "II", "1339")
    assert s.status == "override" and any("eu-annex-ii-1339-hydroquinone" in r for r in s.rules)
    assert status(shipped_plan, "IV", "143").status == "override"
    text = "".join(shipped_plan.files.values())
    assert "id: eu-annex-ii-1339\n" not in text and "id: eu-annex-ii-1666\n" not in text
    assert "eu/annex-ii.yaml: eu-annex-ii-1339-hydroquinone" in text  # with III 14's consumer rule


def test_deleted_and_superseded_rows_are_not_entries(shipped_plan):
    from configurator.tooling.cosing import counts

    for annex, ref in (("II", "80"), ("III", "19"), ("V", "6"), ("V", "10"), ("V", "36"), ("VI", "5")):
        s = status(shipped_plan, annex, ref)
        assert (s.status, s.rules) == ("deleted", ()), (annex, ref)
    text = "".join(shipped_plan.files.values())
    assert "Moved or deleted}" not in text  # no rule on a substance named "Moved or deleted"
    old = [s for s in shipped_plan.statuses if s.status == "superseded"]
    assert {(s.ref, s.line) for s in old} >= {("9", 162), ("16", 322), ("250", 1074), ("251", 1086),
                                              ("253", 1103)}
    c = counts(shipped_plan.statuses)
    assert c["V"]["deleted"] == 3 and c["V"]["total"] == 54


def test_one_limit_per_branch_after_a_newer_version(shipped_plan):
    iii = yaml.safe_load(shipped_plan.files["eu/generated/annex-iii.yaml"])["rules"]
    naphthol = [r for r in iii if r["id"] == "eu-annex-iii-16" or r["id"].startswith("eu-annex-iii-16-")]
    assert [(r["id"], r["max"]) for r in naphthol if r["kind"] == "max-concentration"] == [
        ("eu-annex-iii-16", 2.0)]  # Regulation (EU) No 658/2013's 2,0 %, not the 1 % it replaced
    # entry 250 is now a hand-written override (rules/eu/annex-iii-hair-oral.yaml): the
    # generator's own reading of its newest row is checked without the override
    from configurator.tooling.cosing import restricted

    annexes = read_all(COSING)
    newest = [e for e in annexes["III"] if e.ref == "250"
              and e.line not in restricted.superseded(annexes).get("III", {})]
    hc_red = [r for e in newest for r in restricted.encode(e, annexes).rules
              if r["kind"] == "max-concentration"]
    assert sorted(r["max"] for r in hc_red) == [1.0, 2.0]  # (a) 1,0 % after mixing, (b) 2,0 %
    (hc_red_7,) = [r for r in iii if r["id"] == "eu-annex-iii-251"]
    assert hc_red_7["substances"][0]["inci"] == ["HC Red No 7"]


def test_goals_of_issue_14(shipped_plan):
    from configurator.tooling.cosing import counts

    c = counts(shipped_plan.statuses)
    assert c["II"]["total"] == 1742 - 18 and c["II"]["deleted"] == 18
    for annex in ("II", "V", "VI"):
        assert c[annex]["not-encoded"] == 0, annex
    for annex in ("III", "IV"):
        assert (c[annex]["generated"] + c[annex]["override"]) / c[annex]["total"] >= 0.95, annex


def test_files_parse_back_and_stay_small(shipped_plan):
    ids = []
    for rel, text in shipped_plan.files.items():
        assert rel.startswith(GENERATED_DIR.as_posix())
        assert len(text.encode()) < MAX_DOCUMENT_BYTES
        assert "GENERATED by `configurator rules import-cosing`" in text and "Do not edit" in text
        ids += [r["id"] for r in yaml.safe_load(text).get("rules") or []]
    assert len(ids) == len(set(ids))
    assert sorted(shipped_plan.files)[:3] == [f"eu/generated/annex-ii-{i}.yaml" for i in (1, 2, 3)]


def test_yaml_scalars_round_trip():
    for value in ["80-54-6", "200-543-5", "yes", "Null", "1339", "a: b", "x #y", "N,N-Dimethyl", "CI 77891",
                  "Acid Red 87", "“quoted”", "2025-12-08", "", " lead", 0.0005, 3.0, 10, True]:
        assert yaml.safe_load(f"k: {scalar(value)}")["k"] == value, value
    data = {"name": "N,N'-x", "inci": ["A, B", "C"], "cas": ["1-00-7"]}
    assert yaml.safe_load(flow(data)) == data


def test_big_annex_is_split():
    blocks = [[f"  - id: r{i}", "    kind: prohibited"] for i in range(1300)]
    parts = render_parts("annex-ii", lambda i, n: [f"# part {i} of {n}"], blocks)
    assert [name for name, _ in parts] == ["annex-ii-1.yaml", "annex-ii-2.yaml", "annex-ii-3.yaml"]
    assert sum(len(yaml.safe_load(t)["rules"]) for _, t in parts) == 1300


def test_generate_is_deterministic_and_honours_a_new_override(rules_copy):
    first = generate(rules_copy / "cosing", rules_copy)
    texts = {p: p.read_bytes() for p in first.written}
    second = generate(rules_copy / "cosing", rules_copy)
    assert {p: p.read_bytes() for p in second.written} == texts
    assert not second.removed
    assert "id: eu-annex-ii-1\n" in (rules_copy / "eu/generated/annex-ii-1.yaml").read_text()

    (rules_copy / "eu" / "annex-ii-extra.yaml").write_text(
        "rules:\n  - id: my-annex-ii-1\n    kind: prohibited\n    ingredients: [Hydroquinone]\n"
        "    source: Regulation (EC) No 1223/2009, Annex II, entry 1\n")
    third = generate(rules_copy / "cosing", rules_copy)
    assert third.counts["II"]["override"] == first.counts["II"]["override"] + 1
    assert "id: eu-annex-ii-1\n" not in (rules_copy / "eu/generated/annex-ii-1.yaml").read_text()


def test_cli_import_and_coverage(cli, rules_copy):
    code, out, err = cli("rules", "import-cosing", rules_copy / "cosing", "--rules", rules_copy)
    assert code == 0, err
    assert "Annex II: 1724 entries" in out and "18 moved or deleted" in out
    code, out, _ = cli("rules", "coverage", "--rules", rules_copy)
    assert code == 0 and "generated files: up to date" in out
    assert out.splitlines()[1].startswith("II") and "100.0%" in out.splitlines()[1]
    code, out, _ = cli("rules", "coverage", "--rules", rules_copy, "--format", "json")
    data = json.loads(out)
    assert data["generated_files_up_to_date"] is True
    iii = data["annexes"]["III"]
    assert iii["entries"] == iii["generated"] + iii["override"] + iii["not_encoded"]
    assert all(e["ref"] and e["reason"] for e in iii["not_encoded_entries"])
    assert iii["deleted"] == 2 and len(iii["not_counted_rows"]) == iii["deleted"] + iii["superseded"]
    assert all(r["reason"] for r in iii["not_counted_rows"])
    (rules_copy / "eu/generated/annex-iv.yaml").write_text("rules: []\n")
    code, out, _ = cli("rules", "coverage", "--rules", rules_copy)
    assert "STALE" in out and "annex-iv.yaml" in out


def test_cli_unreadable_exports(cli, tmp_path):
    code, _, err = cli("rules", "import-cosing", tmp_path, "--rules", tmp_path)
    assert code == 2 and "COSING_Annex_II_v2.txt" in err


def test_generated_rules_catch_formulas(cli, tmp_path):
    """The shipped generated files, through the loader and the engine (rules test)."""
    (tmp_path / "ci-10006-leave-on.yaml").write_text(
        "product_type: face-cream\nbase: ow-day-cream\ningredients:\n  - {inci: CI 10006, amount: 0.1}\n"
        "expect:\n  - {code: prohibited, severity: error, rule: eu-annex-iv-1-leave-on}\n")
    (tmp_path / "annex-ii-1-by-cas.yaml").write_text(
        "product_type: face-cream\nbase: ow-day-cream\ningredients:\n  - {inci: 35783-57-4, amount: 0.1}\n"
        "expect:\n  - {code: prohibited, severity: error, rule: eu-annex-ii-1}\n")
    code, out, err = cli("rules", "test", tmp_path, "--rules", RULES)
    assert code == 0, out + err


def test_issue_14_readings_catch_formulas(cli, tmp_path):
    """Raw-material conditions, methanol's relative limit, the thioglycolates' pH, the
    2-alkynoic esters and toluene-2,5-diamine, through the loader and the engine."""
    cases = {
        "methanol-over": ("{application: leave-on, area: body, form: spray}",
                          ["{inci: Alcohol Denat., percent: 60}", "{inci: Methyl Alcohol, percent: 4}"],
                          "expect:\n  - {code: relative-limit, severity: error, rule: eu-annex-iii-52-relative}\n"),
        "methanol-ok": ("{application: leave-on, area: body, form: spray}",
                        ["{inci: Alcohol Denat., percent: 60}", "{inci: Methanol, percent: 2}"],
                        "forbid:\n  - {rule: eu-annex-iii-52-relative}\n"),
        "abies": ("{application: leave-on, area: body, form: lotion}", ["{inci: Abies Alba Leaf Oil, percent: 0.1}"],
                  "expect:\n  - {code: raw-material-condition, severity: info, rule: eu-annex-iii-103-raw-material,"
                  " ingredients: [Abies Alba Leaf Oil]}\n"),
        "butane-by-cas": ("{application: leave-on, area: body, form: aerosol spray}",
                          ["{inci: 106-97-8, percent: 30}"],
                          "expect:\n  - {code: raw-material-condition, severity: info, rule: eu-annex-ii-465}\n"
                          "forbid:\n  - {code: prohibited}\n"),
        "ptd-over": ("{application: rinse-off, area: hair, form: oxidative hair dye}",
                     ['{inci: "Toluene-2,5-Diamine Sulfate", percent: 4}'],  # 2.2 % as free base
                     "expect:\n  - {code: max-concentration, severity: error, rule: eu-annex-iii-9a-a}\n"),
        "ptd-face": ("face-cream", ['{inci: "Toluene-2,5-Diamine", percent: 0.1}'],
                     "expect:\n  - {code: prohibited, severity: error, rule: eu-annex-iii-9a-outside}\n"),
        "thioglycolate-ph": ("{application: rinse-off, area: body, form: depilatory cream}\ntarget_ph: 13",
                             ["{inci: Sodium Thioglycolate, percent: 5}"],
                             # entry 2a is read by hand (rules/eu/annex-iii-hair-oral.yaml):
                             # its depilatory rules, 5 % and pH 7-12.7
                             "expect:\n  - {code: ph-window, severity: error, rule: eu-annex-iii-2a-ph-depilatory}\n"
                             "forbid:\n  - {rule: eu-annex-iii-2a-depilatory, severity: error}\n"),
        "alkynoates": ("{application: rinse-off, area: body, form: shower gel}",
                       ["{inci: Allyl Heptine Carbonate, percent: 0.001}", "{inci: Methyl 2-Octynoate, percent: 0.001}"],
                       "expect:\n  - {code: incompatible, severity: error, rule: eu-annex-iii-152-combination}\n"),
    }
    for name, (product, rows, checks) in cases.items():
        body = "\n".join(f"  - {r}" for r in ["{inci: Aqua, qs: true}", *rows])
        (tmp_path / f"{name}.yaml").write_text(
            f"description: {name}\nproduct_type: {product}\ningredients:\n{body}\n{checks}", encoding="utf-8")
    code, out, err = cli("rules", "test", tmp_path, "--rules", RULES)
    assert code == 0, out + err
    assert out.count("ok ") == len(cases)


def test_coverage_groups_rules_by_regulation_and_counts_the_children_entries():
    """Issue 15: REACH is a regulation of its own in the count, and every annex entry whose
    conditions name children is enforced by a rule on the product's age."""
    from configurator.tooling.cosing.coverage import coverage, to_dict

    d = to_dict(coverage(RULES))
    assert d["rules_by_regulation"]["Regulation (EC) No 1907/2006 (REACH)"] >= 6
    assert d["rules_by_regulation"]["Regulation (EC) No 1223/2009"] > 2000
    kids = {(e["annex"], e["ref"]): e["enforced_by_age"] for e in d["children_entries"]}
    assert kids[("III", "98")] and kids[("V", "12a")] and kids[("V", "3")]
    assert all(kids.values()), [k for k, ok in kids.items() if not ok]


# -- Annex II market dates -----------------------------------------------------------------

def test_annex_ii_entries_carry_their_acts_dates(annexes):
    # the export's own footnote (entries 1642-1644, Regulation (EU) 2020/1683)
    dye = annex_ii.encode(rows(annexes, "1643"), annexes)
    assert (dye["placed_from"], dye["available_from"]) == ("2021-09-03", "2022-06-03")
    assert "export's own footnote" in dye["#"]
    # the acts' days (readings.ANNEX_II_DATES): the CMR omnibus 2025/877, the nano act 2024/858
    for ref, placed, available in (("1749", "2025-09-01", "2025-09-01"), ("1732", "2025-09-01", "2025-09-01"),
                                   ("1728", "2025-02-01", "2025-11-01"), ("1710", "2023-12-01", "2023-12-01"),
                                   ("1612", "2020-05-01", "2020-05-01"), ("1383", "2019-05-01", "2019-08-01")):
        rule = annex_ii.encode(rows(annexes, ref), annexes)
        assert (rule["placed_from"], rule["available_from"]) == (placed, available), ref
        assert "ANNEX_II_DATES" in rule["#"]
    # an older entry an act replaced (cymoxanil, 2019/831, replaced by 2025/877) stays undated
    cymoxanil = annex_ii.encode(rows(annexes, "1580"), annexes)
    assert "placed_from" not in cymoxanil and "not dated" in cymoxanil["#"]
    # the Regulation's own entries give no date
    assert "placed_from" not in annex_ii.encode(rows(annexes, "1339"), annexes)


def test_annex_ii_raw_material_condition_carries_the_acts_dates(annexes, names):
    rule = annex_ii.encode(rows(annexes, "1605"), annexes, names)
    if rule["kind"] == "expression":
        assert rule["placed_from"] == "2019-06-12" and "NOT SURE" in rule["#"]


def test_every_dated_act_names_its_first_entry(annexes):
    from configurator.tooling.cosing import readings
    refs = {}
    for e in annexes["II"]:
        refs.setdefault(e.regulation, []).append(e.ref)
    for act, dates in readings.ANNEX_II_DATES.items():
        assert str(dates.first) in refs[act], act  # the table's first new entry is the act's
        assert dates.placed <= dates.available and dates.source
