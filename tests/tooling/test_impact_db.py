"""``configurator rules impact`` on a real database (SQLite, or TEST_DATABASE_URL).

Designs are saved through the app's own store; a copy of the shipped rules
gets one limit tightened in its YAML text; the impact run must list exactly
the designs over the new limit, under that rule, verdict changes first, and
store its report for the R&D page.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager

import pytest
from sqlmodel import Session, select

from configurator.cli import main
from configurator.engine import parse_formula
from configurator.rules import load_rules
from configurator.store import db
from configurator.store import designs as store
from configurator.store.models import ImpactRun, User
from configurator.tooling.impact import latest_impact_run, run_impact
from tests.conftest import ROOT

RULE = "eu-annex-v-29-phenoxyethanol"
LEVELS = [0.5, 0.7, 0.8, 0.8000000001, 0.85, 0.95, 1.0, 1.2]  # % phenoxyethanol
NEW_LIMIT = 0.8


@contextmanager
def _session(url: str):
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            yield s
    finally:
        engine.dispose()


def _doc(level: float, name: str) -> dict:
    return {"name": name, "product_type": "serum", "target_ph": 5.5,
            "ingredients": [{"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": 3},
                            {"inci": "Niacinamide", "percent": 4},
                            {"inci": "Phenoxyethanol", "percent": level},
                            {"inci": "Ethylhexylglycerin", "percent": 0.2}]}


@pytest.fixture
def saved(app):
    """Designs saved by two clients; ids by phenoxyethanol level."""
    rs = load_rules(ROOT / "rules")
    ids = {}
    with app.app_context():
        s = db.session()
        alice = s.exec(select(User).where(User.email == "alice@example.com")).one()
        bob = s.exec(select(User).where(User.email == "bob@example.com")).one()
        for n, level in enumerate(LEVELS):
            owner = alice if n % 2 else bob
            d = store.create(owner, parse_formula(_doc(level, f"Serum {level}")), rs)
            ids[level] = d.id
        # a design edited twice: only its latest revision counts (first at 1.2 %, now 0.5 %)
        d = store.create(alice, parse_formula(_doc(1.2, "Edited serum")), rs)
        store.save(alice, d, parse_formula(_doc(0.5, "Edited serum")), 1, rs)
        ids["edited"] = d.id
        # a design the rule does not touch (no phenoxyethanol)
        doc = _doc(0.5, "Unpreserved")
        doc["ingredients"] = [r for r in doc["ingredients"] if r["inci"] != "Phenoxyethanol"]
        ids["none"] = store.create(bob, parse_formula(doc), rs).id
    return ids


@pytest.fixture
def tightened(tmp_path):
    dst = tmp_path / "candidate"
    shutil.copytree(ROOT / "rules", dst, ignore=shutil.ignore_patterns("tests"))
    path = dst / "eu" / "annex-v.yaml"
    text = path.read_text()
    old = f"  - id: {RULE}\n    kind: max-concentration\n    ingredients: [Phenoxyethanol]\n    max: 1.0\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("max: 1.0", f"max: {NEW_LIMIT}")))
    return dst


def test_tightened_limit_lists_exactly_the_designs_over_it(app, saved, tightened):
    url = app.config["DATABASE_URL"]
    report = run_impact(url, str(tightened), rules_dir=str(ROOT / "rules"), progress=False)
    over = {saved[v] for v in LEVELS if v > NEW_LIMIT + 1e-9}  # 0.8000000001: within the 1e-9
    newly = {saved[v] for v in LEVELS if NEW_LIMIT + 1e-9 < v <= 1.0}
    assert report["designs_checked"] == len(LEVELS) + 2
    assert report["designs_changed"] == len(over)
    assert [g["rule"] for g in report["groups"]] == [RULE]
    group = report["groups"][0]
    assert {e["design"] for e in group["designs"]} == over
    # verdict changes first: the designs newly over the limit, then the one over both limits
    listed = [e["design"] for e in group["designs"]]
    assert set(listed[:len(newly)]) == newly and listed[len(newly):] == [saved[1.2]]
    assert {v["design"] for v in report["verdict_changes"]} == newly
    assert all(v["was_valid"] and not v["now_valid"] for v in report["verdict_changes"])
    for e in group["designs"]:
        if e["design"] == saved[1.2]:  # already over 1 %: same finding, new limit
            assert e["verdict"] is None and e["added"] == [] and e["changed"][0]["rule"] == RULE
        else:
            assert e["added"] == [{"severity": "error", "code": "max-concentration", "rule": RULE,
                                   "ingredients": ["Phenoxyethanol"]}]
    # stored for the R&D page
    with _session(url) as s:
        run = latest_impact_run(s)
        assert isinstance(run, ImpactRun) and run.id == report["run_id"]
        assert run.designs_changed == len(over) and run.designs_checked == len(LEVELS) + 2
        assert run.report["groups"][0]["rule"] == RULE
        assert run.old_version == load_rules(ROOT / "rules").version
        assert run.new_version == load_rules(tightened).version != run.old_version


def test_cli_text_and_json(app, saved, tightened, capsys):
    url = app.config["DATABASE_URL"]
    code = main(["rules", "impact", "--rules", str(tightened), "--database", url])
    out = capsys.readouterr()
    assert code == 0
    assert "rules impact" in out.err  # the progress bar, on stderr
    text = out.out
    assert f"{len(LEVELS) + 2} designs checked" in text
    assert text.index("Verdict changes:") < text.index("By rule:") < text.index(RULE)
    assert f"#{saved[0.85]} 'Serum 0.85' r1 (draft): valid → NOT valid" in text
    assert f"#{saved[0.5]} " not in text
    code = main(["rules", "impact", "--rules", str(tightened), "--database", url,
                 "--format", "json", "--quiet"])
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    data = json.loads(out.out)
    assert data["designs_changed"] == sum(v > NEW_LIMIT + 1e-9 for v in LEVELS)
    with _session(url) as s:
        assert len(s.exec(select(ImpactRun)).all()) == 2
        assert latest_impact_run(s).id == data["run_id"]


def test_same_rules_change_nothing_and_bad_input_is_a_message(app, saved, tmp_path, capsys):
    url = app.config["DATABASE_URL"]
    report = run_impact(url, str(ROOT / "rules"), rules_dir=str(ROOT / "rules"), progress=False)
    assert report["designs_changed"] == 0 and report["groups"] == []
    # without --rules: the rules in force against the verdicts stored at save time
    report = run_impact(url, None, rules_dir=str(ROOT / "rules"), progress=False, save=False)
    assert report["designs_changed"] == 0
    assert main(["rules", "impact", "--rules", str(tmp_path / "nope"), "--database", url]) == 2
    assert "not a folder" in capsys.readouterr().err
    broken = tmp_path / "broken"
    shutil.copytree(ROOT / "rules", broken, ignore=shutil.ignore_patterns("tests"))
    (broken / "zz.yaml").write_text("rules:\n  - id: x\n    kind: max-concentration\n")
    assert main(["rules", "impact", "--rules", str(broken), "--database", url]) == 2
    assert "zz.yaml" in capsys.readouterr().err


def test_no_impact_run_yet(app):
    with _session(app.config["DATABASE_URL"]) as s:
        assert latest_impact_run(s) is None


def test_an_unreadable_revision_is_listed_not_checked(app, saved, tightened):
    """A stored document today's parser refuses (written before a stricter parser, or by
    hand): the run lists it with its problem and checks the others, with a candidate (the
    documents parsed in the run's slices) and against the stored verdicts alike."""
    from sqlalchemy import update

    from configurator.store.models import Revision

    url = app.config["DATABASE_URL"]
    victim = saved[0.7]
    with _session(url) as s:
        s.exec(update(Revision).where(Revision.design_id == victim).values(
            document={"product_type": "serum", "ingredients": [{"inci": "Aqua", "percent": 250}]}))
        s.commit()
    for candidate in (str(tightened), None):
        report = run_impact(url, candidate, rules_dir=str(ROOT / "rules"), progress=False,
                            save=False)
        assert report["designs_checked"] == len(LEVELS) + 1
        assert [u["design"] for u in report["unreadable"]] == [victim]
        assert "250" in report["unreadable"][0]["problem"]
        assert victim not in {e["design"] for g in report["groups"] for e in g["designs"]}


def test_a_stored_document_that_is_not_json_is_listed_not_a_crash(app, saved, tightened):
    """The command decodes each stored document in its worker: text that is not JSON (a
    damaged SQLite file, a hand edit) is an unreadable design with that problem, not a
    traceback. PostgreSQL's json type refuses such text in the first place."""
    import sqlalchemy as sa

    url = app.config["DATABASE_URL"]
    victim = saved[0.85]
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            stmt = sa.text("UPDATE revisions SET document = :d WHERE design_id = :i")
            if engine.dialect.name != "sqlite":
                with pytest.raises(sa.exc.DBAPIError):
                    with conn.begin_nested():
                        conn.execute(stmt, {"d": '{"product_type": "serum", ', "i": victim})
                return
            conn.execute(stmt, {"d": '{"product_type": "serum", ', "i": victim})
    finally:
        engine.dispose()
    report = run_impact(url, str(tightened), rules_dir=str(ROOT / "rules"), progress=False,
                        save=False)
    assert report["designs_checked"] == len(LEVELS) + 1
    assert report["unreadable"] == [{"design": victim, "name": report["unreadable"][0]["name"],
                                     "revision": 1, "status": "draft", "archived": False,
                                     "problem": f"design {victim} revision 1: the stored "
                                                "document is not JSON"}]
    assert report["unreadable"][0]["archived"] is False  # (a boolean, not SQLite's 0)


@pytest.mark.parametrize("candidate", ["tightened", None])
def test_forked_workers_read_their_own_slices(app, saved, tightened, monkeypatch, candidate):
    """The command's workers each read their slice of the designs after the fork (by id
    range, on an engine of their own): the report is the one process's, an unreadable
    revision in the second slice included, with a candidate and against the stored
    verdicts alike."""
    from sqlalchemy import update

    from configurator.store.models import Revision
    from configurator.tooling import impact as impact_mod

    url = app.config["DATABASE_URL"]
    victim = saved[1.0]  # (a later design: the second worker's slice)
    with _session(url) as s:
        s.exec(update(Revision).where(Revision.design_id == victim).values(
            document={"product_type": "serum", "ingredients": [{"inci": "Aqua", "percent": 250}]}))
        s.commit()
    read = []
    real_read = impact_mod.StoredDesigns.read

    def spy(self):  # (which process read which ids)
        got = real_read(self)
        read.append((os.getpid(), [i["design"] for i in got[0]]))
        return got

    monkeypatch.setattr(impact_mod.StoredDesigns, "read", spy)
    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 4)
    cand = str(tightened) if candidate else None
    one = run_impact(url, cand, rules_dir=str(ROOT / "rules"), progress=False, save=False)
    two = run_impact(url, cand, rules_dir=str(ROOT / "rules"), progress=False, save=False,
                     workers=2)
    for r in (one, two):
        r.pop("seconds")
    assert one == two
    assert [u["design"] for u in two["unreadable"]] == [victim]
    assert two["designs_checked"] == len(LEVELS) + 1
    if candidate:
        assert two["groups"] and two["verdict_changes"]
    # this process read its own slice: the first half of the designs, ascending
    mine = [ids for pid, ids in read if pid == os.getpid()]
    assert mine[0] == sorted(saved.values())  # (one process: all)
    assert mine[1] == sorted(saved.values())[:len(saved) // 2]  # (two: the first half)
