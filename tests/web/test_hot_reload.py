"""Hot reload: an edited rule folder goes into force between requests; a broken one never does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from configurator.web import create_app

ROOT = Path(__file__).resolve().parents[2]
FORMULA = {
    "name": "Lotion",
    "product_type": {"application": "leave-on", "area": "body", "form": "lotion"},
    "ingredients": [
        {"inci": "Aqua", "qs": True},
        {"inci": "Glycerin", "percent": 4},
        {"inci": "Phenoxyethanol", "percent": 0.9},
    ],
}
LIMIT = "    ingredients: [Phenoxyethanol]\n    max: 1.0\n"


@pytest.fixture
def live(tmp_path):
    from tests.conftest import database_url

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url(tmp_path),
                      "RULES_DIR": str(rules), "RULES_CHECK_SECONDS": 0})
    yield app, rules
    app.extensions["db_engine"].dispose()


def _validate(client) -> dict:
    r = client.post("/api/v1/validate", json=FORMULA)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def _codes(report) -> set[str]:
    return {(f["rule"], f["severity"]) for f in report["findings"]}


def test_edit_goes_live_and_broken_edit_keeps_last_good(live):
    app, rules = live
    client = app.test_client()
    annex_v = rules / "eu" / "annex-v.yaml"
    text = annex_v.read_text()
    assert LIMIT in text

    first = _validate(client)
    assert first["valid"] is True
    v1 = first["rules_version"]

    annex_v.write_text(text.replace(LIMIT, LIMIT.replace("1.0", "0.8")))
    second = _validate(client)
    assert second["rules_version"] != v1
    assert second["valid"] is False
    assert ("eu-annex-v-29-phenoxyethanol", "error") in _codes(second)
    v2 = second["rules_version"]

    # a broken edit: an unknown ingredient and a limit over 100 %
    annex_v.write_text(text.replace(LIMIT, "    ingredients: [Phenoxyethanolx]\n    max: 101\n"))
    third = _validate(client)
    assert third["rules_version"] == v2, "a broken rule set must never go into force"
    assert third["valid"] is False
    holder = app.extensions["rules"]
    assert any("annex-v.yaml" in p and "Phenoxyethanolx" in p for p in holder.problems)
    assert all(":" in p.split(" ")[0] for p in holder.problems)  # file:line first
    assert client.get("/healthz").get_json()["rules_version"] == v2

    annex_v.write_text(text)  # fixed: back to the first content and version
    fourth = _validate(client)
    assert fourth["rules_version"] == v1 and fourth["valid"] is True
    assert holder.problems == []


def test_rule_tests_folder_is_not_a_rule_change(live):
    app, rules = live
    holder = app.extensions["rules"]
    (rules / "tests").mkdir()
    (rules / "tests" / "case.yaml").write_text("not: [a, rule")
    assert holder.reload_if_changed() is False
    assert holder.problems == []


def test_saved_revision_records_the_version_in_force(live, tmp_path):
    app, rules = live
    client = app.test_client()
    with app.app_context():
        from configurator.web.auth import create_token, create_user

        user = create_user("carol@example.com", "carol-pw", "client")
        token = create_token(user)
    h = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/v1/designs", json={"formula": FORMULA}, headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    v1 = r.get_json()["report"]["rules_version"]
    annex_v = rules / "eu" / "annex-v.yaml"
    annex_v.write_text(annex_v.read_text().replace(LIMIT, LIMIT.replace("1.0", "0.95")))
    d = r.get_json()
    r2 = client.put(f"/api/v1/designs/{d['id']}",
                    json={"formula": {**FORMULA, "name": "Lotion 2"}, "revision": d["revision"]},
                    headers=h)
    assert r2.status_code == 200, r2.get_data(as_text=True)
    with app.app_context():
        from sqlmodel import select

        from configurator.store import db
        from configurator.store.models import Revision

        revs = db.session().exec(select(Revision).order_by(Revision.number)).all()
        assert len(revs) == 2
        assert revs[0].rules_version != revs[1].rules_version
        assert revs[1].rules_version == app.extensions["rules"].current.version
        assert revs[0].rules_version == v1
    assert r2.get_json()["report"]["rules_version"] == revs[1].rules_version


def test_the_server_freezes_the_set_in_force_and_frees_the_one_it_replaces(live):
    """`configurator serve` turns on RuleSetHolder.freeze: the set in force is taken out of
    the collector's view (configurator.collector.settle), an edit that goes live is frozen in its
    turn, and a replaced set is still freed once nothing holds it (the loader keeps the
    last few sets it loaded, rules/loader.py ``_LOADED``: evicted here as it would be)."""
    import gc
    import weakref

    from configurator.collector import settle as settle_gc
    from configurator.rules import loader

    app, rules = live
    holder = app.extensions["rules"]
    client = app.test_client()
    try:
        holder.freeze = True
        settle_gc()
        assert gc.get_freeze_count() > 100_000  # the rule set with the inventory, and more
        old, old_version = weakref.ref(holder.current), holder.current.version
        gc.unfreeze()  # so that the swap's own settle_gc must freeze the new set again
        annex_v = rules / "eu" / "annex-v.yaml"
        annex_v.write_text(annex_v.read_text().replace(LIMIT, LIMIT.replace("1.0", "0.8")))
        report = _validate(client)
        assert report["rules_version"] == holder.current.version != old_version
        assert report["valid"] is False  # 0.9 % over the edited 0.8 %: in force
        assert gc.get_freeze_count() > 100_000
        loader._LOADED.clear()  # (it may have let go already: it keeps only a few sets)
        settle_gc()
        assert old() is None, "the replaced rule set is never freed"
    finally:
        gc.unfreeze()
