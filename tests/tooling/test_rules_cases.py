"""``configurator rules test`` on R&D's shipped regression formulas (rules/tests/)."""

from __future__ import annotations

import shutil

from configurator.tooling.cases import case_files
from configurator.yamlio import load_path
from tests.tooling.helpers import RULES

CASES = case_files(RULES / "tests")  # subfolders included (real/, violations/)


def test_shipped_cases_all_pass(cli):
    code, out, err = cli("rules", "test")
    assert code == 0, out + err
    assert f"{len(CASES)} passed, 0 failed" in out
    assert "FAIL" not in out


def test_enough_cases_covering_every_rule_kind_and_check():
    assert len(CASES) >= 40
    expected, forbidden, rules_named = set(), set(), set()
    valid = invalid = 0
    for p in CASES:
        doc = load_path(p)
        assert doc.get("description"), f"{p.name}: say what the case is about and why"
        expected |= {m.get("code") for m in doc.get("expect") or []}
        forbidden |= {m.get("code") for m in doc.get("forbid") or []}
        rules_named |= {m["rule"] for m in (doc.get("expect") or []) + (doc.get("forbid") or [])
                        if "rule" in m}
        if doc.get("expect_valid") is True:
            valid += 1
        elif doc.get("expect_valid") is False:
            invalid += 1
    codes = {"prohibited", "max-concentration", "group-total", "min-concentration",
             "declare-allergen", "incompatible", "ph-window", "expression", "constraint",
             "use-range", "base-capacity", "solubility", "label-warning", "base-unsuitable"}
    assert codes <= expected, f"no case expects {sorted(codes - expected)}"
    assert {"prohibited", "max-concentration", "declare-allergen", "incompatible", "ph-window",
            "group-total", "constraint"} <= forbidden
    assert valid >= 10 and invalid >= 20
    # the annexes and the 2024/996 amendments are all exercised by name
    for prefix in ("eu-annex-ii-", "eu-annex-iii-", "eu-annex-v-", "eu-annex-vi-",
                   "eu-annex-iii-375-", "eu-annex-iii-376-", "eu-annex-iii-377-", "lab-"):
        assert any(r.startswith(prefix) for r in rules_named), prefix


def test_real_products_are_whole_label_formulas_expected_valid():
    real = case_files(RULES / "tests" / "real")
    assert len(real) >= 24
    for p in real:
        doc = load_path(p)
        text = p.read_text(encoding="utf-8")
        assert text.startswith("#"), f"{p.name}: a header comment says what the product is"
        assert "base" not in doc, f"{p.name}: the label is the whole formula"
        rows = doc["ingredients"]
        assert sum(1 for r in rows if r.get("qs")) == 1, f"{p.name}: one q.s. row"
        assert doc.get("expect_valid") is True and {"severity": "error"} in doc["forbid"], p.name
        assert "estimate" in doc["description"], f"{p.name}: say the strengths are estimated"


def test_real_violations_each_expect_an_error():
    cases = case_files(RULES / "tests" / "violations")
    assert len(cases) >= 12
    for p in cases:
        doc = load_path(p)
        assert doc.get("expect_valid") is False, p.name
        assert any(m.get("severity") == "error" for m in doc["expect"]), p.name
        assert "entry" in doc["description"], f"{p.name}: name the annex entry"


def test_a_wrong_expectation_is_reported(cli, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(RULES / "tests" / "annex-v-phenoxyethanol-base-plus-addition.yaml", cases / "ok.yaml")
    (cases / "wrong.yaml").write_text(
        "description: Phenoxyethanol 0.5 % in the light gel (1.4 % in all) claimed to be valid.\n"
        "product_type: serum\nbase: light-gel\n"
        "ingredients:\n  - {inci: Phenoxyethanol, percent: 0.5}\n"
        "expect:\n  - {code: declare-allergen, ingredients: [Phenoxyethanol]}\n"
        "forbid:\n  - {rule: eu-annex-v-29-phenoxyethanol}\n"
        "expect_valid: true\n", encoding="utf-8")
    code, out, _err = cli("rules", "test", cases)
    assert code == 1
    assert "ok   " in out and "FAIL " in out and "1 passed, 1 failed" in out
    assert "wrong.yaml" in out
    assert "expected {'code': 'declare-allergen', 'ingredients': ['Phenoxyethanol']} but no finding matches" in out
    assert "forbidden {'rule': 'eu-annex-v-29-phenoxyethanol'} found: Phenoxyethanol at 1.4 %" in out
    assert "expected valid=True, got valid=False" in out


def test_cases_in_subfolders_run_in_path_order_named_relative_to_the_folder(cli, tmp_path):
    cases = tmp_path / "cases"
    (cases / "real" / "face").mkdir(parents=True)
    (cases / "violations").mkdir()
    ok = (RULES / "tests" / "annex-v-phenoxyethanol-base-plus-addition.yaml").read_text(encoding="utf-8")
    (cases / "top.yaml").write_text(ok, encoding="utf-8")
    (cases / "real" / "face" / "serum.yaml").write_text(ok, encoding="utf-8")
    (cases / "real" / "a.json").write_text(
        '{"product_type": "serum", "base": "light-gel", "ingredients": [], "expect_valid": true}',
        encoding="utf-8")
    (cases / "violations" / "wrong.yaml").write_text(
        ok.replace("expect_valid: false", "expect_valid: true"), encoding="utf-8")
    (cases / "violations" / "notes.txt").write_text("not a case\n", encoding="utf-8")
    code, out, _err = cli("rules", "test", cases)
    assert code == 1
    lines = [ln for ln in out.splitlines() if ln.startswith(("ok   ", "FAIL "))]
    assert lines == ["ok   real/a.json", "ok   real/face/serum.yaml", "ok   top.yaml",
                     "FAIL violations/wrong.yaml"]
    assert "expected valid=True, got valid=False" in out
    assert str(tmp_path) not in out  # names relative to the cases folder, not absolute
    assert "3 passed, 1 failed" in out


def test_unreadable_case_is_a_mismatch_not_a_crash(cli, tmp_path):
    (tmp_path / "broken.yaml").write_text("product_type: serum\ningredients: [\n", encoding="utf-8")
    code, out, err = cli("rules", "test", tmp_path)
    assert code == 1
    assert "broken.yaml" in out and "cannot be read" in out and "line" in out
    assert "Traceback" not in out + err


def test_broken_rules_folder_exit_2_with_file_and_line(cli, rules_copy):
    bad = rules_copy / "lab" / "group-totals.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("max: 2\n", "max: lots\n", 1),
                   encoding="utf-8")
    code, out, err = cli("rules", "test", RULES / "tests", "--rules", rules_copy)
    assert code == 2
    assert "lab/group-totals.yaml:" in err and "`max`" in err
    assert "Traceback" not in out + err
