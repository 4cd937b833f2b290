"""``configurator rules impact --on DATE``: the saved designs a coming date breaks (issue 15).

Designs are saved through the app's store. The answer must be exact: the same as
checking every design with the engine today and as of the day, without the
pre-selection (tests/tooling compares the two on every design).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from configurator.cli import main
from configurator.engine import check, parse_formula
from configurator.rules import load_rules
from configurator.store import db
from configurator.store import designs as store
from configurator.store.models import User
from configurator.tooling.coming import Window, coming_impact, format_text, run_coming
from tests.conftest import ROOT

TODAY = date(2026, 12, 2)
# REACH Annex XVII entry 70 (as amended by Regulation (EU) 2024/1328), rules/eu/reach.yaml:
# D4, D5 and D6 at 0.1 % or more in wash-off cosmetics from 7 June 2026 (D6; D4 and D5 since
# 2020) and in leave-on cosmetics from 7 June 2027
D5_LEAVE_ON = "reach-xvii-70-d5-leave-on"
D6_LEAVE_ON = "reach-xvii-70-d6-leave-on"
REACH_DAY = date(2027, 6, 7)


def _doc(name: str, rows: list[tuple[str, float]], product=None, **extra) -> dict:
    return {"name": name,
            "product_type": product or {"application": "leave-on", "area": "body",
                                        "form": "lotion"},
            "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3},
                            {"inci": "Phenoxyethanol", "percent": 0.8}]
            + [{"inci": i, "percent": p} for i, p in rows], **extra}


DESIGNS = {
    "d5 lotion": _doc("D5 lotion", [("Cyclopentasiloxane", 5)]),
    "d6 lotion": _doc("D6 lotion", [("Cyclohexasiloxane", 2)]),
    "d5 at the limit": _doc("D5 at 0.1 %", [("Cyclopentasiloxane", 0.1)]),  # ≥ 0.1 %: breaks
    "d5 below": _doc("D5 at 0.09 %", [("Cyclopentasiloxane", 0.09)]),
    # wash-off D5: restricted since 2020, not valid today already
    "d5 wash": _doc("D5 body wash", [("Cyclopentasiloxane", 2)],
                    {"application": "rinse-off", "area": "body", "form": "wash"}),
    # already not valid today (phenoxyethanol over 1 %, Annex V entry 29), and D5 then too
    "invalid": _doc("Over-preserved D5 lotion", [("Cyclopentasiloxane", 5)]) | {
        "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Phenoxyethanol", "percent": 1.5},
                        {"inci": "Cyclopentasiloxane", "percent": 5}]},
    "none": _doc("Plain lotion", []),
}


@pytest.fixture(scope="module")
def rs():
    return load_rules(ROOT / "rules")


@pytest.fixture
def saved(app, rs):
    ids = {}
    with app.app_context():
        s = db.session()
        alice = s.exec(select(User).where(User.email == "alice@example.com")).one()
        for key, doc in DESIGNS.items():
            ids[key] = store.create(alice, parse_formula(doc), rs).id
        # only the latest revision counts: D5 once, none now
        d = store.create(alice, parse_formula(_doc("Reformulated", [("Cyclopentasiloxane", 5)])),
                         rs)
        store.save(alice, d, parse_formula(_doc("Reformulated", [("Dimethicone", 5)])), 1, rs)
        ids["reformulated"] = d.id
    return ids


def test_the_window_holds_the_rules_after_today_and_by_the_day(rs):
    def ids(on):
        return {r.id for r in Window.of(rs, TODAY, on).rules}

    assert D5_LEAVE_ON in ids(REACH_DAY) and D6_LEAVE_ON in ids(REACH_DAY)
    assert not ids(REACH_DAY - timedelta(days=1)) & {D5_LEAVE_ON, D6_LEAVE_ON}
    assert "reach-xvii-70-d6-wash-off" not in ids(REACH_DAY)  # 7 Jun 2026: in force today
    assert all(TODAY < r.placed_from <= REACH_DAY for r in Window.of(rs, TODAY, REACH_DAY).rules)


def test_designs_valid_today_that_break_on_the_day(app, saved, rs):
    report = run_coming(app.config["DATABASE_URL"], str(ROOT / "rules"), REACH_DAY, TODAY)
    assert report["today"] == "2026-12-02" and report["on"] == "2027-06-07"
    assert report["designs_checked"] == len(DESIGNS) + 1
    broken = {e["design"]: e for e in report["breaks"]}
    assert set(broken) == {saved["d5 lotion"], saved["d6 lotion"], saved["d5 at the limit"]}
    assert [f["rule"] for f in broken[saved["d5 lotion"]]["rules"]] == [D5_LEAVE_ON]
    assert [f["rule"] for f in broken[saved["d6 lotion"]]["rules"]] == [D6_LEAVE_ON]
    f = broken[saved["d5 lotion"]]["rules"][0]
    assert f["placed_from"] == "2027-06-07" and f["ingredients"] == ["Cyclopentasiloxane"]
    assert "Annex XVII, entry 70" in f["source"]
    groups = {g["rule"]: set(g["designs"]) for g in report["groups"]}
    assert groups == {D5_LEAVE_ON: {saved["d5 lotion"], saved["d5 at the limit"]},
                      D6_LEAVE_ON: {saved["d6 lotion"]}}
    # the already-invalid D5 lotion is listed apart; the D5 wash broke its rule in 2020
    assert [e["design"] for e in report["also_affected"]] == [saved["invalid"]]
    text = format_text(report)
    assert f"{D5_LEAVE_ON} from 7 Jun 2027 (2 designs;" in text
    assert (f"#{saved['d5 lotion']} 'D5 lotion' r1 (draft): valid today → NOT valid on "
            "7 Jun 2027: Cyclopentasiloxane at 5 %") in text
    assert "Already not valid today, with more errors then:" in text


def test_the_day_before_breaks_nothing(app, saved):
    report = run_coming(app.config["DATABASE_URL"], str(ROOT / "rules"),
                        REACH_DAY - timedelta(days=1), TODAY)
    assert not any(e["design"] in (saved["d5 lotion"], saved["d6 lotion"])
                   for e in report["breaks"])
    assert D5_LEAVE_ON not in {r["rule"] for r in report["coming_rules"]}


def test_exact_against_the_engine_on_every_design(rs):
    """The pre-selection leaves out only designs whose verdict cannot change: the answer
    equals checking every design with the engine on both days."""
    items, formulas = [], []
    docs = list(DESIGNS.values()) + [
        _doc("D4 serum", [("Cyclotetrasiloxane", 0.5)], "serum"),
        _doc("Allergen lotion", [("Linalool", 0.01), ("Limonene", 0.02)]),
        _doc("Retinol lotion", [("Retinol", 0.1)]),
        _doc("Arbutin cream", [("Alpha-Arbutin", 2)], "face-cream"),
        _doc("Lavender cream", [("Lavandula Angustifolia Oil", 0.5)], "face-cream"),
        {"name": "Base lotion", "product_type": "body-lotion", "base": "body-lotion",
         "ingredients": [{"inci": "Cyclopentasiloxane", "percent": 3}]},
    ]
    for n, doc in enumerate(docs, 1):
        items.append({"design": n, "name": doc["name"], "revision": 1, "status": "draft",
                      "archived": False})
        formulas.append(parse_formula(doc))
    for on in (date(2026, 12, 3), date(2027, 5, 1), REACH_DAY, date(2028, 8, 1), date(2030, 1, 1)):
        got = coming_impact(items, formulas, rs, on, TODAY)
        want = {item["design"] for item, f in zip(items, formulas, strict=True)
                if check(f, rs, TODAY).valid and not check(f, rs, on).valid}
        assert {e["design"] for e in got["breaks"]} == want, on


def test_cli(app, saved, cli, rules_copy):
    # the CLI checks against the real clock: a copy of the rules with a rule of its own
    # that comes into force in 30 days (the shipped rules' dates pass with time)
    day = date.today() + timedelta(days=30)
    (rules_copy / "lab" / "coming-test.yaml").write_text(
        "rules:\n"
        "  - id: test-coming-d5\n"
        "    kind: max-concentration\n"
        "    ingredients: [Cyclopentasiloxane]\n"
        "    max: 1\n"
        "    when: {application: leave-on}\n"
        "    regulation: Lab practice\n"
        "    message: A rule of this test, coming into force in 30 days.\n"
        f"    placed_from: {day.isoformat()}\n"
        "    source: tests/tooling/test_impact_on.py\n")
    url = app.config["DATABASE_URL"]
    code, out, err = cli("rules", "impact", "--database", url, "--rules", rules_copy,
                         "--on", day.isoformat(), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["today"] == date.today().isoformat()
    test_group = next(g for g in report["groups"] if g["rule"] == "test-coming-d5")
    # the D5 lotion (5 %) and the over-preserved one are over 1 %; only the first was valid
    assert test_group["designs"] == [saved["d5 lotion"]]
    code, out, err = cli("rules", "impact", "--database", url, "--rules", rules_copy,
                         "--on", day.isoformat())
    assert code == 0 and f"test-coming-d5 from {day.day} " in out
    assert f"#{saved['d5 lotion']} 'D5 lotion' r1 (draft): valid today → NOT valid" in out


def test_cli_a_day_not_after_today_exit_2(app, cli):
    code, out, err = cli("rules", "impact", "--database", app.config["DATABASE_URL"],
                         "--on", date.today().isoformat())
    assert code == 2 and "give a day after today" in err and out == ""


def test_cli_not_a_day_is_a_usage_error_exit_2(app, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["rules", "impact", "--database", app.config["DATABASE_URL"], "--on", "2027-02-30"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "argument --on: '2027-02-30' is not a day" in err
