"""The rule-set gate (issue 18, point 1): what goes into force, and how R&D promotes the rest.

A rules folder goes into force (at start, by hot reload, by "reload now") only
if it loads, has every whole part (ingredients, product types, rules), passes
R&D's rule tests and covers what the last good set covered: no rule file and no
annex dropped. Dropping some needs a promotion (the CLI or the R&D page's
button) whose reason is recorded. Real app, real rule files, real database.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from configurator.cli import main
from configurator.errors import RuleSetError
from configurator.web import create_app
from tests.conftest import ROOT, csrf_of

HQ_SERUM = {"name": "HQ serum", "product_type": "serum", "base": "light-gel",
            "ingredients": [{"inci": "Hydroquinone", "percent": 2}]}
CASES = ("annex-ii-tretinoin-night-cream.yaml", "annex-v-mit-rinse-off-ok.yaml")


def _copy_rules(dest: Path) -> Path:
    """The shipped rules with two of R&D's cases (not the whole, growing, tests folder)."""
    shutil.copytree(ROOT / "rules", dest, ignore=shutil.ignore_patterns("tests"))
    (dest / "tests").mkdir()
    for name in CASES:
        shutil.copy(ROOT / "rules" / "tests" / name, dest / "tests" / name)
    return dest


def _app(rules: Path, url: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url,
                      "RULES_DIR": str(rules), "RULES_CHECK_SECONDS": 0})
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import User
        from configurator.web.auth import create_user

        if db.session().exec(select(User)).first() is None:
            create_user("rnd@example.com", "rnd-pw", "rnd")
    return app


@pytest.fixture
def live(tmp_path, db_url):
    rules = _copy_rules(tmp_path / "rules")
    app = _app(rules, db_url)
    yield app, rules
    app.extensions["db_engine"].dispose()


def _hq_valid(app) -> bool:
    r = app.test_client().post("/api/v1/validate", json=HQ_SERUM)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["valid"]


def _records(app):
    from configurator.store import db
    from configurator.store.models import RuleSetRecord

    with app.app_context():
        return list(db.session().exec(select(RuleSetRecord).order_by(RuleSetRecord.id)))


def test_moving_eu_out_does_not_go_into_force(live, tmp_path):
    app, rules = live
    holder = app.extensions["rules"]
    v1 = holder.current.version
    assert _hq_valid(app) is False
    shutil.move(rules / "eu", tmp_path / "eu-away")
    assert _hq_valid(app) is False, "a set without eu/ must never go into force"
    assert holder.current.version == v1
    text = "\n".join(holder.problems)
    assert "eu/annex-ii.yaml" in text and "every rule of Annex II" in text
    # R&D's tretinoin case fails without Annex II: that no promotion can wave through
    assert "annex-ii-tretinoin-night-cream.yaml" in text and holder.pending is None
    assert app.test_client().get("/healthz").get_json()["rules_version"] == v1
    shutil.move(tmp_path / "eu-away", rules / "eu")  # put back: the problems go
    assert _hq_valid(app) is False and holder.problems == [] and holder.pending is None


def test_one_annex_emptied_is_a_coverage_drop_too(live):
    app, rules = live
    holder = app.extensions["rules"]
    for path in rules.rglob("*.yaml"):  # every file with a rule whose source is Annex VI
        if re.search(r"source:.*Annex VI, entr", path.read_text()):
            path.unlink()
    assert holder.reload() is False
    assert any("every rule of Annex VI" in p for p in holder.problems), holder.problems


def test_failing_rule_test_keeps_the_last_good_set(live):
    app, rules = live
    holder = app.extensions["rules"]
    v1 = holder.current.version
    annex_ii = rules / "eu" / "annex-ii.yaml"
    text = annex_ii.read_text()
    # a lint-clean edit that breaks R&D's tretinoin case: the rule's id changes
    assert "eu-annex-ii-375-tretinoin" in text
    annex_ii.write_text(text.replace("eu-annex-ii-375-tretinoin", "eu-annex-ii-375-tretinoin-x"))
    assert holder.reload() is False
    assert holder.current.version == v1
    assert any("annex-ii-tretinoin-night-cream.yaml" in p for p in holder.problems)
    assert holder.pending is None  # a failing rule test cannot be promoted away


def test_promotion_from_the_rnd_page_records_the_reason(live, tmp_path):
    app, rules = live
    holder = app.extensions["rules"]
    shutil.move(rules / "eu" / "annex-iv.yaml", tmp_path / "annex-iv.yaml")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "rnd@example.com", "password": "rnd-pw",
                                "csrf_token": csrf_of(page)})
    assert holder.reload() is False
    home = client.get("/rnd/").get_data(as_text=True)
    assert "Promote" in home and "eu/annex-iv.yaml" in home
    token = csrf_of(home)
    pending = holder.pending.version
    r = client.post("/rnd/promote", data={"csrf_token": token, "version": pending, "reason": ""})
    assert r.status_code == 400 and holder.current.version != pending  # a reason is required
    r = client.post("/rnd/promote", data={"csrf_token": token, "version": pending,
                                          "reason": "Colourants now come from the CosIng feed"})
    assert r.status_code == 303
    assert holder.current.version == pending and holder.problems == []
    last = _records(app)[-1]
    assert last.version == pending and last.promoted_by == "rnd@example.com"
    assert last.reason == "Colourants now come from the CosIng feed"
    assert "eu/annex-iv.yaml" not in last.coverage["files"]
    # the promoted set is the new baseline: a restart on it is fine
    app.extensions["db_engine"].dispose()
    again = _app(rules, app.config["DATABASE_URL"])
    assert again.extensions["rules"].current.version == pending
    again.extensions["db_engine"].dispose()


def test_restart_on_a_folder_missing_an_annex_is_refused_then_promoted_by_cli(
        live, tmp_path, monkeypatch, capsys):
    app, rules = live
    url = app.config["DATABASE_URL"]
    app.extensions["db_engine"].dispose()
    shutil.move(rules / "eu" / "annex-iv.yaml", tmp_path / "annex-iv.yaml")
    with pytest.raises(RuleSetError) as err:
        _app(rules, url)
    assert "drops the rule file eu/annex-iv.yaml" in str(err.value)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["rules", "promote", str(rules)]) == 2  # no reason, no promotion
    capsys.readouterr()
    assert main(["rules", "promote", str(rules), "--reason", "Colourants move to their own repo",
                 "--by", "chemist@example.com"]) == 0
    out = capsys.readouterr().out
    assert "promoted" in out and "eu/annex-iv.yaml" in out
    started = _app(rules, url)
    try:
        assert "eu/annex-iv.yaml" not in started.extensions["rules"].current.files
        last = _records(started)[-1]
        assert last.promoted_by == "chemist@example.com"
        assert last.reason == "Colourants move to their own repo"
    finally:
        started.extensions["db_engine"].dispose()


def test_promotion_elsewhere_reaches_a_running_worker(live, tmp_path, monkeypatch):
    app, rules = live
    holder = app.extensions["rules"]
    shutil.move(rules / "eu" / "annex-iv.yaml", tmp_path / "annex-iv.yaml")
    assert holder.reload_if_changed() is False and holder.pending is not None
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["rules", "promote", str(rules), "--reason", "Annex IV in its own file"]) == 0
    assert holder.reload_if_changed() is True  # no file changed: the record says so
    assert "eu/annex-iv.yaml" not in holder.current.files


@pytest.mark.parametrize("content", [None, "ingredients: []\n"])
def test_empty_folder_is_an_error_for_rules_check_and_for_serve(tmp_path, db_url, capsys,
                                                                 content):
    empty = tmp_path / "empty"
    empty.mkdir()
    if content:
        (empty / "catalog.yaml").write_text(content)
    assert main(["rules", "check", str(empty)]) == 1
    err = capsys.readouterr().err
    assert "no ingredients" in err and "no rules" in err and "OK" not in err
    with pytest.raises(RuleSetError, match="no ingredients"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": db_url,
                    "RULES_DIR": str(empty)})
