"""Issue 15: a report groups its findings' rules by the act they enforce."""

from __future__ import annotations

from datetime import date

from configurator.engine import check, parse_formula
from configurator.rules import load_rules
from tests.conftest import ROOT

RS = load_rules(ROOT / "rules")
SHAMPOO = {"product_type": "shampoo", "ingredients": [
    {"inci": "Aqua", "qs": True}, {"inci": "Sodium Laureth Sulfate", "percent": 10},
    {"inci": "Cyclopentasiloxane", "percent": 1}, {"inci": "Zinc Pyrithione", "percent": 1}]}


def test_reach_and_the_cosmetics_regulation_are_grouped_apart():
    d = check(parse_formula(SHAMPOO), RS).to_dict()
    assert d["regulations"]["Regulation (EC) No 1907/2006 (REACH)"] == ["reach-xvii-70-d5-wash-off"]
    assert d["regulations"]["Regulation (EC) No 1223/2009"] == ["eu-annex-ii-1670-zinc-pyrithione"]
    assert d["checked_on"] == date.today().isoformat()


def test_before_its_day_a_rule_warns_with_the_day_and_its_act():
    d = check(parse_formula(SHAMPOO), RS, on=date(2020, 1, 31)).to_dict()
    coming = {f["rule"]: f for f in d["findings"] if f["code"] == "coming-rule"}
    # (zinc pyrithione's ban is dated too: Regulation (EU) 2021/1902, from 1 March 2022)
    assert set(coming) == {"reach-xvii-70-d5-wash-off", "eu-annex-ii-1670-zinc-pyrithione"}
    reach = coming["reach-xvii-70-d5-wash-off"]
    assert reach["message"].startswith("From 1 Feb 2020 this design breaks REACH Annex XVII entry 70")
    assert reach["severity"] == "warning"
    assert coming["eu-annex-ii-1670-zinc-pyrithione"]["message"].startswith("From 1 Mar 2022")
    assert d["valid"]
