"""``configurator db backup`` / ``restore``: SQLite → PostgreSQL → SQLite, all rows equal.

The PostgreSQL database is a scratch database of its own (``<name>_backup``, and
the xdist worker: tests/conftest.py's ``postgres_database``) on the server of
TEST_DATABASE_URL when that is PostgreSQL, else of
``postgresql://postgres@127.0.0.1:5432/test`` (as scripts/test); its schema is
dropped first. The database the other tests share is never touched, so the SQLite
pass cannot empty it under a PostgreSQL pass. Without a PostgreSQL server the
cross-database round trip is skipped with that reason, and the SQLite → SQLite
round trip still runs.
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from configurator.cli import main
from configurator.store.db import make_engine
from configurator.web import create_app
from tests.conftest import csrf_of, postgres_database
from tests.web.populate import RULES, populate


def _pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432/test"


def _fresh_pg() -> str:
    url = _pg_url()
    try:
        url = postgres_database(url, "backup")  # its own scratch database, never the shared one
        eng = make_engine(url)
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        eng.dispose()
    except Exception as exc:  # noqa: BLE001 - no server: say so
        pytest.skip(f"no PostgreSQL at {url}: {exc.__class__.__name__}")
    return url


def _app(url: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url,
                      "RULES_DIR": RULES})
    return app


@pytest.fixture
def source(tmp_path):
    """A populated SQLite database (always SQLite: the round trip starts there)."""
    app = _app(f"sqlite:///{tmp_path / 'source.db'}")
    with app.app_context():
        from configurator.web.auth import create_user

        for who, role in (("alice", "client"), ("bob", "client"), ("lab", "lab"),
                          ("rnd", "rnd"), ("admin", "admin")):
            create_user(f"{who}@example.com", f"{who}-pw", role)
    populate(app)
    yield app
    app.extensions["db_engine"].dispose()


def rows(url: str) -> dict[str, list[dict]]:
    """Every row of every model table, read through the models' own types, normalised."""
    from configurator.store import models  # noqa: F401

    eng = make_engine(url)
    out = {}
    try:
        with eng.connect() as conn:
            for t in SQLModel.metadata.sorted_tables:
                found = []
                for r in conn.execute(t.select().order_by(*t.primary_key.columns)).mappings():
                    row = {}
                    for k, v in r.items():
                        if hasattr(v, "tzinfo") and hasattr(v, "hour"):
                            v = (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC)
                        if isinstance(v, memoryview):
                            v = bytes(v)
                        row[k] = v
                    found.append(row)
                out[t.name] = found
    finally:
        eng.dispose()
    return out


def _body(path) -> list[str]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()[1:]


def test_round_trip_sqlite_postgresql_sqlite(source, tmp_path, capsys):
    src = source.config["DATABASE_URL"]
    before = rows(src)
    assert len(before["designs"]) == 8 and len(before["sheet_cache"]) == 1
    assert before["sheet_cache"][0]["pdf"].startswith(b"%PDF")
    assert len(before["audit_events"]) >= 11

    one = tmp_path / "one.jsonl.gz"
    assert main(["db", "backup", str(one), "--database", src]) == 0
    pg = _fresh_pg()
    assert main(["db", "restore", str(one), "--database", pg]) == 0
    assert rows(pg) == before

    two = tmp_path / "two.jsonl"
    assert main(["db", "backup", str(two), "--database", pg]) == 0
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert main(["db", "restore", str(two), "--database", back]) == 0
    assert rows(back) == before
    assert _body(one) == _body(two)  # the same dump, whichever database wrote it
    header = json.loads(two.read_text(encoding="utf-8").splitlines()[0])
    assert header["dialect"] == "postgresql" and header["tables"]["designs"] == 8
    assert "rows restored" in capsys.readouterr().out

    # the restored PostgreSQL database is a working app: log in, open, save (sequences moved on)
    app = _app(pg)
    try:
        c = app.test_client()
        token = csrf_of(c.get("/login").get_data(as_text=True))
        assert c.post("/login", data={"email": "alice@example.com", "password": "alice-pw",
                                      "csrf_token": token}).status_code == 302
        did = before["designs"][0]["id"]
        r = c.put(f"/api/v1/designs/{did}", json={"formula": {
            "product_type": "serum", "base": "light-gel",
            "ingredients": [{"inci": "Niacinamide", "percent": 5}]}, "revision": 2})
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["revision"] == 3
        r = c.post("/api/v1/designs", json={"formula": {"product_type": "serum",
                                                        "ingredients": [{"inci": "Aqua", "qs": True}]}})
        assert r.status_code == 201 and r.get_json()["id"] > max(d["id"] for d in before["designs"])
    finally:
        app.extensions["db_engine"].dispose()


def test_sqlite_round_trip_and_refusals(source, tmp_path, capsys):
    src = source.config["DATABASE_URL"]
    before = rows(src)
    dump = tmp_path / "dump.jsonl"
    assert main(["db", "backup", str(dump), "--database", src]) == 0

    # a database with rows is refused without --force, replaced with it
    assert main(["db", "restore", str(dump), "--database", src]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["db", "restore", str(dump), "--database", src, "--force"]) == 0
    assert rows(src) == before

    # a backup from another schema revision is refused by a migrated database
    lines = dump.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join([json.dumps(dict(header, alembic_revision="0002"))] + lines[1:]),
                   encoding="utf-8")
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    _app(fresh).extensions["db_engine"].dispose()  # the app migrates it to the newest revision
    assert main(["db", "restore", str(old), "--database", fresh]) == 2
    err = capsys.readouterr().err
    assert "revision 0002" in err and "Traceback" not in err
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(json.dumps(dict(header, alembic_revision="9999")) + "\n", encoding="utf-8")
    assert main(["db", "restore", str(unknown), "--database",
                 f"sqlite:///{tmp_path / 'empty.db'}"]) == 2
    assert "does not know" in capsys.readouterr().err
    assert main(["db", "restore", str(tmp_path / "missing.jsonl"), "--database", fresh]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["db", "backup", str(tmp_path / "x.jsonl"), "--database",
                 f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"]) == 2
    assert "unable to open database file" in capsys.readouterr().err
    assert main(["db", "backup", str(tmp_path / "x.jsonl"), "--database",
                 f"sqlite:///{tmp_path / 'blank.db'}"]) == 2
    assert "no schema" in capsys.readouterr().err
    (tmp_path / "junk.txt").write_text("hello\n")
    assert main(["db", "restore", str(tmp_path / "junk.txt"), "--database", fresh]) == 2
    assert "not a configurator backup" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["bad-json", "broken-reference", "truncated"])
def test_failed_restore_writes_nothing(source, tmp_path, capsys, damage):
    src = source.config["DATABASE_URL"]
    dump = tmp_path / "dump.jsonl"
    assert main(["db", "backup", str(dump), "--database", src]) == 0
    lines = dump.read_text(encoding="utf-8").splitlines()
    last_rev = max(i for i, line in enumerate(lines) if line.startswith('{"t":"revisions"'))
    if damage == "bad-json":
        lines[last_rev] = lines[last_rev][:-5]
    elif damage == "broken-reference":
        rec = json.loads(lines[last_rev])
        rec["r"]["design_id"] = 99999
        lines[last_rev] = json.dumps(rec)
    else:
        lines = lines[:last_rev]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    code = main(["db", "restore", str(bad), "--database", target])
    err = capsys.readouterr().err
    assert code == 2 and "nothing was restored" in err or "unreadable" in err, err
    assert all(not r for r in rows(target).values())  # nothing half-written
    # and the intact dump then restores into the same database
    assert main(["db", "restore", str(dump), "--database", target]) == 0
    assert rows(target) == rows(src)
