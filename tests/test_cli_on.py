"""``configurator check FILE --on YYYY-MM-DD``: the check as of a day (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# D5 in a leave-on body lotion: REACH Annex XVII entry 70 (as amended by Regulation (EU)
# 2024/1328) restricts it at 0.1 % or more in leave-on cosmetics after 6 June 2027,
# i.e. from 7 June 2027 (rules/eu/reach.yaml)
LOTION = """\
name: Silky body lotion
product_type: {application: leave-on, area: body, form: lotion}
ingredients:
  - {inci: Cyclopentasiloxane, percent: 5}
  - {inci: Glycerin, percent: 3}
  - {inci: Phenoxyethanol, percent: 0.8}
  - {inci: Aqua, qs: true}
"""


def cli(*args):
    return subprocess.run([sys.executable, "-m", "configurator", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def lotion(tmp_path):
    p = tmp_path / "lotion.yaml"
    p.write_text(LOTION)
    return str(p)


def test_the_day_before_warns_with_the_date(lotion):
    proc = cli("check", lotion, "--on", "2027-06-06", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["valid"] is True and report["checked_on"] == "2027-06-06"
    coming = [f for f in report["findings"] if f["code"] == "coming-rule"]
    assert [f["rule"] for f in coming] == ["reach-xvii-70-d5-leave-on"]
    assert coming[0]["severity"] == "warning"
    assert coming[0]["message"].startswith(
        "From 7 Jun 2027 this design breaks REACH Annex XVII entry 70")
    assert coming[0]["ingredients"] == ["Cyclopentasiloxane"]


def test_on_the_day_it_is_an_error_exit_1(lotion):
    proc = cli("check", lotion, "--on", "2027-06-07", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["checked_on"] == "2027-06-07" and report["valid"] is False
    f = next(f for f in report["findings"] if f["rule"] == "reach-xvii-70-d5-leave-on")
    assert (f["severity"], f["code"]) == ("error", "max-concentration")
    assert not any(f["code"] == "coming-rule" for f in report["findings"])


def test_text_output_names_the_day(lotion):
    proc = cli("check", lotion, "--on", "2027-01-01")
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.endswith("as of 1 Jan 2027)") and ": valid (rules sha256:" in first
    assert "WARNING coming-rule [Cyclopentasiloxane]: From 7 Jun 2027" in proc.stdout


def test_without_on_the_check_is_for_today(lotion):
    from datetime import date

    proc = cli("check", lotion, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    # the day the command ran (a test started just before midnight may see the next)
    assert json.loads(proc.stdout)["checked_on"] >= date.today().isoformat()


@pytest.mark.parametrize("bad", ["2027-13-01", "2027-02-30", "07/06/2027", "20270607",
                                 "2027-W23-1", "tomorrow", ""])
def test_a_bad_day_is_a_usage_error_exit_2(lotion, bad):
    proc = cli("check", lotion, "--on", bad)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "argument --on" in proc.stderr and "YYYY-MM-DD" in proc.stderr
