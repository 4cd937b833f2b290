"""Alembic migrations upgrade an old database with data in it.

The database is built at revision 0001 (the first release's schema) by the
migrations themselves, filled with plain SQL the way that release wrote its
rows (users, a token, designs with revisions and JSON documents, audit
events), then upgraded to head by starting the app, as a deployment does.
The rows must be intact and the app must work on them: log in, open the
design, save a new revision, submit it.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from werkzeug.security import generate_password_hash

from configurator.store import db as dbmod
from configurator.store.db import make_engine
from configurator.web import create_app
from tests.conftest import csrf_of, database_url
from tests.web.populate import RULES
from tests.web.test_designs import editor_data

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DOC = {"name": "Old cream", "product_type": "serum", "base": "light-gel",
       "ingredients": [{"inci": "Niacinamide", "percent": 4.0}]}
REPORT = {"valid": True, "rules_version": "sha256:old", "findings": [
    {"severity": "warning", "code": "old-code", "rule": "old-rule", "ingredients": ["Niacinamide"],
     "message": "An old finding — with “quotes” and ü", "source": "", "fix": ""}],
    "composition": [], "label": "Aqua, Niacinamide", "allergens": []}


def _fill_at_0001(url: str) -> None:
    eng = make_engine(url)
    try:
        dbmod.upgrade(eng, "0001")
        with eng.connect() as conn:
            assert inspect(conn).get_table_names() and \
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
            assert not inspect(conn).has_table("sheet_cache")
        with eng.begin() as conn:
            users = [(1, "old.client@example.com", "Old Client", "client"),
                     (2, "old.lab@example.com", "Old Lab", "lab"),
                     (3, "old.admin@example.com", "Old Admin", "admin")]
            for uid, email, name, role in users:
                conn.execute(text(
                    "INSERT INTO users (id, email, name, password_hash, role, created_at) "
                    "VALUES (:id, :email, :name, :pw, :role, :at)"),
                    {"id": uid, "email": email, "name": name, "role": role, "at": T0,
                     "pw": generate_password_hash(email.split("@")[0] + "-pw")})
            conn.execute(text("INSERT INTO api_tokens (id, user_id, token_hash, name, created_at) "
                              "VALUES (1, 1, :h, 'old', :at)"), {"h": "ab" * 32, "at": T0})
            designs = [(1, "Old cream", "draft", False, 2, None),
                       (2, "Old approved cream", "approved", False, 1, T0),
                       (3, "Old archived cream", "draft", True, 1, None)]
            for did, name, status, archived, version, submitted in designs:
                conn.execute(text(
                    "INSERT INTO designs (id, owner_id, name, product_type, status, archived, "
                    "version, quiz_answers, created_at, updated_at, submitted_at) VALUES "
                    "(:id, 1, :name, 'Serum', :status, :archived, :version, :quiz, :at, :at, "
                    ":sub)"),
                    {"id": did, "name": name, "status": status, "archived": archived,
                     "version": version, "at": T0, "sub": submitted,
                     "quiz": json.dumps({"skin": "dry"}) if did == 1 else None})
            revs = [(1, 1, 1, False), (2, 1, 2, False), (3, 2, 1, True), (4, 3, 1, False)]
            for rid, did, number, locked in revs:
                conn.execute(text(
                    "INSERT INTO revisions (id, design_id, number, document, rules_version, valid,"
                    " errors, warnings, report, author_id, created_at, locked, pdf_sha256) VALUES "
                    "(:id, :did, :n, :doc, 'sha256:old', :valid, 0, 1, :report, 1, :at, :locked,"
                    " NULL)"),
                    {"id": rid, "did": did, "n": number, "doc": json.dumps(dict(DOC, name=f"rev {rid}")),
                     "valid": True, "report": json.dumps(REPORT), "at": T0, "locked": locked})
            for eid, frm, to, actor, comment in ((1, "draft", "submitted", 1, ""),
                                                 (2, "submitted", "in_review", 2, ""),
                                                 (3, "in_review", "approved", 2, "Fine — ok.")):
                conn.execute(text(
                    "INSERT INTO audit_events (id, design_id, revision, actor_id, from_status, "
                    "to_status, comment, at) VALUES (:id, 2, 1, :actor, :frm, :to, :c, :at)"),
                    {"id": eid, "actor": actor, "frm": frm, "to": to, "c": comment, "at": T0})
            if eng.dialect.name == "postgresql":  # as the old app would have left its sequences
                for t in ("users", "api_tokens", "designs", "revisions", "audit_events"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                                      f"(SELECT MAX(id) FROM {t}))"))
    finally:
        eng.dispose()


def _head() -> str:
    return ScriptDirectory.from_config(dbmod.alembic_config(make_engine("sqlite://"))) \
        .get_current_head()


def test_file_head_is_alembics_head():
    """upgrade() leaves a schema at file_head() alone without asking Alembic: the two must
    agree, or a new migration would be skipped."""
    assert dbmod.file_head() == _head()


def test_upgrade_old_database_with_data(tmp_path):
    url = database_url(tmp_path)
    _fill_at_0001(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url,
                      "RULES_DIR": RULES})  # AUTO_MIGRATE: upgrades to head
    try:
        eng = app.extensions["db_engine"]
        with eng.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
            tables = set(inspect(conn).get_table_names())
            assert {"sheet_cache", "login_attempts"} <= tables
            assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 3
            assert conn.execute(text("SELECT COUNT(*) FROM revisions")).scalar() == 4
            assert conn.execute(text("SELECT COUNT(*) FROM audit_events")).scalar() == 3
        with app.app_context():
            from configurator.store import db
            from configurator.store import designs as store
            from configurator.store.models import Design, Revision, User

            s = db.session()
            d = s.get(Design, 1)
            assert (d.name, d.status, d.version, d.quiz_answers) == ("Old cream", "draft", 2,
                                                                       {"skin": "dry"})
            created = d.created_at if d.created_at.tzinfo else d.created_at.replace(tzinfo=UTC)
            assert created == T0
            rev = s.get(Revision, 3)
            assert rev.locked and rev.report["findings"][0]["message"] == REPORT["findings"][0]["message"]
            assert store.revision(d).document["name"] == "rev 2"
            assert [e.comment for e in store.audit(s.get(Design, 2))][-1] == "Fine — ok."
            assert s.get(User, 2).role == "lab"
            from datetime import datetime, timedelta

            from configurator.store.models import ApiToken

            end = s.get(ApiToken, 1).expires_at  # 0005: the old token got an end, 90 days on
            end = end if end.tzinfo else end.replace(tzinfo=UTC)
            assert timedelta(days=89) < end - datetime.now(UTC) <= timedelta(days=90)

        c = app.test_client()
        token = csrf_of(c.get("/login").get_data(as_text=True))
        r = c.post("/login", data={"email": "old.client@example.com", "password": "old.client-pw",
                                   "csrf_token": token})
        assert r.status_code == 302
        dash = c.get("/designs").get_data(as_text=True)
        assert "Old cream" in dash and "Old approved cream" in dash and "Old archived" not in dash
        page = c.get("/designs/1")
        assert page.status_code == 200 and 'value="Niacinamide"' in page.get_data(as_text=True)
        data = editor_data(c, 1, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "5",
                                    "action": "save"})
        assert c.post("/designs/1", data=data).status_code == 303
        assert "Revision 3" in c.get("/designs/1").get_data(as_text=True)
        r = c.post("/designs/1/submit", data={"csrf_token": csrf_of(c.get("/designs/1")
                                                                     .get_data(as_text=True))})
        assert r.status_code == 303
        new = c.post("/api/v1/designs", json={"formula": DOC})  # ids continue after the old ones
        assert new.status_code == 201 and new.get_json()["id"] == 4
        assert c.get("/designs/2/sheet.pdf").data.startswith(b"%PDF")  # old approved design
        with app.app_context():
            from configurator.store import db
            from configurator.store.models import Design

            assert db.session().get(Design, 1).status == "submitted"
    finally:
        app.extensions["db_engine"].dispose()


def test_every_migration_downgrades_and_upgrades_again(tmp_path):
    """Each step's downgrade works, so a bad release can be rolled back."""
    from alembic import command

    url = database_url(tmp_path)
    eng = make_engine(url)
    try:
        dbmod.upgrade(eng)
        cfg = dbmod.alembic_config(eng)
        with eng.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with eng.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        dbmod.upgrade(eng)
        with eng.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
    finally:
        eng.dispose()


def test_db_upgrade_command_and_hosts_starting_together(tmp_path, capsys):
    """`configurator db upgrade` migrates a filled 0001 database; on PostgreSQL two
    processes migrating at the same moment both succeed (advisory lock), where two bare
    Alembic runs would race to create the same tables."""
    import threading

    from configurator.cli import main
    from configurator.store.db import upgrade as upgrade_locked  # under the advisory lock

    url = database_url(tmp_path)
    _fill_at_0001(url)
    assert main(["db", "upgrade", "--database", url]) == 0
    assert f"0001 → {_head()}" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database", url]) == 0
    assert f"already at {_head()}" in capsys.readouterr().out
    eng = make_engine(url)
    try:
        if eng.dialect.name != "postgresql":
            return
        with eng.begin() as conn:  # start again from nothing
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        results, errors = [], []

        def run():
            e = make_engine(url)
            try:
                results.append(upgrade_locked(e))
            except Exception as exc:  # noqa: BLE001 - the assertion below names it
                errors.append(exc)
            finally:
                e.dispose()

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert sorted(results, key=str) == sorted([(None, _head())] + [(_head(), _head())] * 2,
                                                  key=str)
    finally:
        eng.dispose()


def test_backup_of_an_old_database_restores_into_the_newest_schema(tmp_path, capsys):
    """A backup taken at 0001 restores into an empty database: migrated to 0001, loaded,
    then migrated to head, with every row kept."""
    from configurator.cli import main

    old = f"sqlite:///{tmp_path / 'old.db'}"
    _fill_at_0001(old)
    dump = tmp_path / "old.jsonl.gz"
    assert main(["db", "backup", str(dump), "--database", old]) == 0
    url = database_url(tmp_path)
    assert main(["db", "restore", str(dump), "--database", url]) == 0
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
            assert conn.execute(text("SELECT COUNT(*) FROM revisions")).scalar() == 4
            assert conn.execute(text("SELECT comment FROM audit_events WHERE id = 3")).scalar() \
                == "Fine — ok."
            assert inspect(conn).has_table("login_attempts")
    finally:
        eng.dispose()
