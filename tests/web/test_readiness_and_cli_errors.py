"""Readiness and the operator's commands on bad input (issue 18, point 11).

* ``/healthz`` answers 503 while the database does not answer;
* ``configurator db restore`` on a corrupted line names the file and the line
  (a deep line gave a RecursionError, a 30-digit id an OverflowError on SQLite);
* ``configurator users add`` with a taken e-mail says so, without the traceback
  that printed the new password's hash.
"""

from __future__ import annotations

import pytest

from configurator.cli import main


def test_healthz_checks_the_database(app, client, tmp_path):
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.get_json()["database"] == "ok"
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("the database is made unreadable through its SQLite file")
    app.extensions["db_engine"].dispose()
    db_file = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        try:
            with open(db_file + suffix, "r+b") as f:
                f.write(b"this is not a database" * 100)
        except FileNotFoundError:
            pass
    down = client.get("/healthz")
    assert down.status_code == 503
    body = down.get_json()
    assert body["status"] == "unavailable" and body["database"] == "unavailable"
    assert "Traceback" not in down.get_data(as_text=True)


@pytest.fixture
def backup_file(app, tmp_path, capsys):
    path = tmp_path / "backup.jsonl"
    assert main(["db", "backup", str(path), "--database", app.config["DATABASE_URL"]]) == 0
    capsys.readouterr()
    return path


def _restore(path, tmp_path) -> int:
    return main(["db", "restore", str(path), "--database", f"sqlite:///{tmp_path / 'new.db'}"])


@pytest.mark.db
@pytest.mark.parametrize("bad", [
    "[" * 100_000 + "]" * 100_000,
    '{"t": "users", "r": {"id": 123456789012345678901234567890, "email": "x@example.com", '
    '"name": "x", "password_hash": "x", "role": "client", "created_at": null}}',
    '{"t": "users", "r": {"id": "12", "email": "x@example.com"}}',
])
def test_restore_names_the_bad_line_and_restores_nothing(backup_file, tmp_path, capsys, bad):
    lines = backup_file.read_text().splitlines()
    lines.insert(2, bad)
    backup_file.write_text("\n".join(lines) + "\n")
    assert _restore(backup_file, tmp_path) == 2
    err = capsys.readouterr().err
    assert f"{backup_file}:3: unreadable line" in err, err
    assert "Traceback" not in err


@pytest.mark.db
def test_deep_header_is_not_a_backup(tmp_path, capsys):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    assert _restore(path, tmp_path) == 2
    assert "not a configurator backup (line 1)" in capsys.readouterr().err


def test_users_add_existing_email_is_a_message(app, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SECRET_KEY", "t")
    monkeypatch.setenv("CONFIGURATOR_RULES", app.config["RULES_DIR"])
    assert main(["users", "add", "Alice@Example.com", "--password", "new-secret-pw"]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "exists already" in text
    for leak in ("Traceback", "IntegrityError", "scrypt", "pbkdf2", "new-secret-pw"):
        assert leak not in text
