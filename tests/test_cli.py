"""The command line, as other people's scripts use it (contract §2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED

EXAMPLES = ROOT / "docs" / "examples"  # the contract's examples, shipped with the project


def cli(*args):
    return subprocess.run([sys.executable, "-m", "configurator", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.mark.skipif(not (SHARED / "tools" / "contract_check.py").exists(),
                    reason="cross-check against ../shared/tools/contract_check.py: no ../shared "
                           "beside this clone (CI's checkout has it)")
def test_contract_examples_via_the_shared_checker():
    checker = SHARED / "tools" / "contract_check.py"
    proc = subprocess.run([sys.executable, str(checker), sys.executable, "-m", "configurator"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.stdout.strip().splitlines()[-1] == "contract: 5 passed, 0 failed", proc.stdout


def test_json_report_of_a_valid_formula():
    proc = cli("check", str(EXAMPLES / "niacinamide-serum.yaml"), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["valid"] is True
    assert report["rules_version"].startswith("sha256:")
    assert round(sum(r["percent"] for r in report["composition"]), 4) == 100
    assert report["label"].split(", ")[0] == "Aqua"


def test_over_limit_exit_1_with_source_and_fix():
    proc = cli("check", str(EXAMPLES / "phenoxyethanol-over-limit.yaml"), "--format", "json")
    assert proc.returncode == 1
    f = next(f for f in json.loads(proc.stdout)["findings"] if f["code"] == "max-concentration")
    assert f["ingredients"] == ["Phenoxyethanol"]
    assert "Annex V, entry 29" in f["source"] and "1 %" in f["fix"]


@pytest.mark.parametrize("content, words", [
    ("name: [unclosed\n", ["bad.yaml", "line"]),
    ("product_type: serum\ningredients:\n  - {inci: Aqua, amount: 5 kg}\n", ["bad.yaml, line 3"]),
    ("- just\n- a list\n", ["bad.yaml", "mapping"]),
])
def test_unreadable_files_exit_2_without_traceback(tmp_path, content, words):
    p = tmp_path / "bad.yaml"
    p.write_text(content)
    proc = cli("check", str(p))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w in proc.stderr


def test_missing_file_and_broken_rules_exit_2(tmp_path):
    proc = cli("check", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "nope.yaml" in proc.stderr
    (tmp_path / "r.yaml").write_text("rules: [{id: x, kind: nonsense}]\n")
    proc = cli("check", str(EXAMPLES / "niacinamide-serum.yaml"), "--rules", str(tmp_path))
    assert proc.returncode == 2 and "r.yaml:1" in proc.stderr and "Traceback" not in proc.stderr


def test_rules_check_and_catalog():
    proc = cli("rules", "check", "rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = cli("catalog", "ingredients", "--format", "json")
    data = json.loads(proc.stdout)
    assert len(data["ingredients"]) >= 300


def test_unreadable_file_in_json_gives_a_json_error_object(tmp_path):
    """Issue 18: a script asking for JSON gets JSON, as the API answers a malformed document."""
    p = tmp_path / "bad.yaml"
    p.write_text("name: [unclosed\n")
    proc = cli("check", str(p), "--format", "json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    err = json.loads(proc.stdout)
    assert "cannot be read" in err["error"] and err["details"][0]["line"] == 2
    assert "bad.yaml" in proc.stderr  # the contract's message, as before


def test_what_a_library_prints_during_repair_goes_to_stderr_not_into_the_json():
    """The MILP solver (HiGHS in scipy) prints lines of its own to file descriptor 1 now
    and then; inside the repair command they go to stderr, and stdout is the answer
    alone (a line the C library writes, not through sys.stdout, as HiGHS does)."""
    code = (
        "import os, sys, json\n"
        "from configurator.cli import stdout_to_stderr\n"
        "print('before')\n"
        "with stdout_to_stderr():\n"
        "    os.write(1, b'HighsMipSolverData::noise\\n')\n"
        "    print('python print inside')\n"
        "print(json.dumps({'ok': True}))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["before", '{"ok": true}'], r.stdout
    assert "HighsMipSolverData::noise" in r.stderr and "python print inside" in r.stderr
