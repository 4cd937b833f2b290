"""``configurator db backup FILE``, ``configurator db restore FILE``, ``configurator db upgrade``.

``db upgrade`` migrates the schema under a PostgreSQL advisory lock: run it
as the release step before (re)starting several hosts, whose own migration at
start then finds nothing to do (docs/deploy.md).

A logical dump that any supported database can read back (SQLite ⇄ PostgreSQL):
JSON lines, gzip-compressed when FILE ends in ``.gz``.

* Line 1, the header: ``{"format": "configurator-backup", "format_version": 1,
  "alembic_revision": "0004", "created_at": …, "dialect": "sqlite",
  "tables": {"users": 5, …}}``.
* Then every table of the database (``alembic_version`` aside), parents before
  children (foreign-key order), rows in primary-key order, one per line:
  ``{"t": "users", "r": {"id": 1, "email": …}}``.

Values are encoded by column type: times as ISO 8601 in UTC (the app stores
UTC; SQLite hands them back without a zone, so a naive time is UTC), binary
columns (the cached spec sheet PDFs) in base64, JSON columns as JSON,
``Numeric`` as a string. The schema is read from the database itself
(reflection), so tables that a later migration adds are backed up without
touching this file.

The dump is one consistent snapshot: one read transaction (``REPEATABLE
READ`` on PostgreSQL; a deferred ``BEGIN`` on SQLite, whose WAL mode then reads
from one snapshot), so a backup taken while the app is running is coherent.

Restore:

* refuses a backup whose Alembic revision is not the database's (a database
  with no schema yet is first migrated to the backup's revision, restored,
  then migrated to the newest revision, as the app would at start);
* refuses a database that has any row, unless ``--force``, which first
  deletes every row;
* writes everything in ONE transaction: a malformed line, a broken reference
  or a full disk leaves the database exactly as it was;
* on PostgreSQL moves every ``id`` sequence past the restored ids, so the app
  can insert again.

Exit status: 0 done, 2 refused or unreadable (the message says why).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Date, DateTime, Integer, LargeBinary, MetaData, Numeric, Table, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..errors import ConfiguratorError
from . import db
from .models import utc

FORMAT = "configurator-backup"
FORMAT_VERSION = 1
SKIP = {"alembic_version"}
CHUNK = 500


class BackupError(ConfiguratorError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# ---- schema and values -------------------------------------------------------

def _tables(conn: Connection) -> list[Table]:
    md = MetaData()
    md.reflect(bind=conn)
    return [t for t in md.sorted_tables if t.name not in SKIP]


def _encode(col, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc(value).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoder(col):
    t = col.type
    if isinstance(t, DateTime):
        return lambda v: utc(datetime.fromisoformat(v))
    if isinstance(t, Date):
        return date.fromisoformat
    if isinstance(t, LargeBinary):
        return lambda v: base64.b64decode(v.encode("ascii"), validate=True)
    if isinstance(t, Numeric) and t.asdecimal:
        return Decimal
    if isinstance(t, JSON):
        return None  # as is
    if isinstance(t, Integer):
        return _integer
    return None


def _integer(v: Any) -> int:
    """An integer a database column holds (64 bits): a 30-digit id is a bad line, not an
    OverflowError from the SQLite driver."""
    if isinstance(v, bool) or not isinstance(v, int) or not -2**63 <= v < 2**63:
        raise ValueError(f"{str(v)[:40]!r} is not a 64-bit integer")
    return v


def _open(path: str, mode: str) -> IO[str]:
    if path.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return open(path, mode, encoding="utf-8")


# ---- backup ------------------------------------------------------------------

def _snapshot(engine: Engine) -> Connection:
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        return conn
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")  # one read snapshot for every table (WAL)
    return conn


def backup(engine: Engine, out: IO[str]) -> dict[str, int]:
    """Write the whole database to ``out``; returns rows per table."""
    with _snapshot(engine) as conn:
        rev = db.current_revision(conn)
        if rev is None:
            raise BackupError("the database has no schema (no alembic_version): nothing to back up")
        tables = _tables(conn)
        counts = {t.name: conn.execute(text(f'SELECT COUNT(*) FROM "{t.name}"')).scalar() or 0
                  for t in tables}
        header = {"format": FORMAT, "format_version": FORMAT_VERSION, "alembic_revision": rev,
                  "created_at": datetime.now(UTC).isoformat(), "dialect": engine.dialect.name,
                  "tables": counts}
        out.write(json.dumps(header) + "\n")
        for t in tables:
            order = list(t.primary_key.columns) or list(t.columns)
            result = conn.execution_options(yield_per=CHUNK).execute(t.select().order_by(*order))
            cols = list(t.columns)
            for row in result:
                rec = {c.name: _encode(c, v) for c, v in zip(cols, row, strict=True)}
                out.write(json.dumps({"t": t.name, "r": rec}, ensure_ascii=False,
                                     separators=(",", ":")) + "\n")
        conn.rollback()
    return counts


def backup_to_file(engine: Engine, path: str) -> dict[str, int]:
    """Backup into ``path`` atomically (a temporary file renamed at the end)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".backup-", suffix=".gz" if path.endswith(".gz") else "",
                               dir=target.parent if str(target.parent) else ".")
    os.close(fd)
    try:
        with _open(tmp, "w") as out:
            counts = backup(engine, out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return counts


# ---- restore -----------------------------------------------------------------

def _has_rows(conn: Connection, tables: list[Table]) -> list[str]:
    return [t.name for t in tables if conn.execute(t.select().limit(1)).first() is not None]


def _read_header(line: str, path: str) -> dict:
    try:
        header = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path}: not a configurator backup (line 1)")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: backup format {header.get('format_version')!r}; this "
                          f"version reads format {FORMAT_VERSION}")
    return header


def restore(engine: Engine, lines: IO[str], path: str = "backup", force: bool = False) -> dict:
    """Load a backup into ``engine``'s database, all or nothing; returns rows per table."""
    first = lines.readline()
    header = _read_header(first, path)
    wanted = header.get("alembic_revision")
    with engine.connect() as conn:
        have = db.current_revision(conn)
    if have is None:  # an empty database: the schema the backup was taken with
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError

        scripts = ScriptDirectory.from_config(db.alembic_config(engine))
        try:
            known = isinstance(wanted, str) and scripts.get_revision(wanted) is not None
        except CommandError:
            known = False
        if not known:
            raise BackupError(f"{path}: backup at database revision {wanted!r}, which this "
                              "version of the configurator does not know; restore it with the "
                              "version that made it")
        db.upgrade(engine, wanted)
        have = wanted
    if have != wanted:
        raise BackupError(f"{path}: backup at database revision {wanted}, this database is at "
                          f"{have}. Restore into an empty database (it is migrated to the "
                          "backup's revision first, then to the newest), or bring both to the "
                          "same revision.")
    counts: dict[str, int] = {}
    with engine.begin() as conn:  # ONE transaction: everything or nothing
        tables = {t.name: t for t in _tables(conn)}
        full = _has_rows(conn, list(tables.values()))
        if full and not force:
            raise BackupError(f"the database is not empty ({', '.join(full)} have rows); "
                              "restore into an empty database, or add --force to replace "
                              "everything in it")
        if full:
            for t in reversed(list(tables.values())):
                conn.execute(t.delete())
        decoders = {name: {c.name: _decoder(c) for c in t.columns} for name, t in tables.items()}
        batch: list[dict] = []
        current: str | None = None
        n = 1

        def flush():
            if batch:
                try:
                    conn.execute(tables[current].insert(), batch)
                except (DBAPIError, OverflowError) as exc:  # a broken reference, a duplicate
                    # id, a bad value (the driver's own range check raises OverflowError)
                    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
                    raise BackupError(f"{path}: the database refused rows of {current} before "
                                      f"line {n} ({reason}); nothing was restored") from None
                batch.clear()

        for n, line in enumerate(lines, start=2):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                name, rec = item["t"], item["r"]
                if name not in tables:
                    raise BackupError(f"{path}:{n}: table {name!r} is not in this database")
                dec = decoders[name]
                unknown = set(rec) - set(dec)
                if unknown:
                    raise BackupError(f"{path}:{n}: {name} has no column(s) "
                                      f"{', '.join(sorted(unknown))}")
                row = {k: (dec[k](v) if v is not None and dec[k] else v) for k, v in rec.items()}
            except BackupError:
                raise
            except RecursionError:  # json's C decoder recurses per bracket: "[[[[…"
                raise BackupError(f"{path}:{n}: unreadable line (nested too deeply)") from None
            except (ValueError, KeyError, TypeError) as exc:
                raise BackupError(f"{path}:{n}: unreadable line ({exc})") from None
            if name != current:
                flush()
                current = name
            batch.append(row)
            counts[name] = counts.get(name, 0) + 1
            if len(batch) >= CHUNK:
                flush()
        flush()
        expected = {k: v for k, v in header.get("tables", {}).items() if v}
        if counts != expected:
            raise BackupError(f"{path}: the backup is incomplete (rows {counts}, header says "
                              f"{expected}); nothing was restored")
        if conn.dialect.name == "postgresql":
            for t in tables.values():
                if "id" in t.columns and t.columns["id"].primary_key:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM \"{t.name}\"), 1), "
                        f"(SELECT MAX(id) FROM \"{t.name}\") IS NOT NULL)"))
    db.upgrade(engine)  # then to the newest schema, as the app does at start
    return counts


# ---- the command -------------------------------------------------------------

def engine_for(url: str | None) -> Engine:
    """The database ``--database URL`` names, else the app's (:func:`.db.default_url`).

    Without loading the rules: ``db`` and ``rules promote`` need only the database.
    """
    return db.make_engine(url or db.default_url())


def cmd_db(args: argparse.Namespace) -> int:
    engine = engine_for(args.database)
    where = engine.url.render_as_string(hide_password=True)
    try:
        if args.db_command == "upgrade":
            before, after = db.upgrade(engine)
            print(f"{where}: schema {before or 'none'} → {after}" if before != after
                  else f"{where}: schema already at {after}")
            return 0
        if args.db_command == "backup":
            try:
                counts = backup_to_file(engine, args.file)
            except OSError as exc:
                raise BackupError(f"cannot write {args.file}: {exc.strerror}") from None
            print(f"{args.file}: {sum(counts.values())} rows from {len(counts)} tables of {where}")
            return 0
        try:
            with _open(args.file, "r") as lines:
                counts = restore(engine, lines, args.file, force=args.force)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise BackupError(f"cannot read {args.file}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from None
        print(f"{args.file}: {sum(counts.values())} rows restored into {where}")
        return 0
    except BackupError as exc:
        print(f"configurator db {args.db_command}: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:  # cannot connect, no permission, …: say so, no traceback
        reason = str(exc.orig).strip().splitlines()[0][:300] if exc.orig else str(exc)[:300]
        print(f"configurator db {args.db_command}: database {where}: {reason}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def register(parser: argparse.ArgumentParser) -> None:
    """``configurator db backup|restore|upgrade`` (configurator/cli.py's COMMANDS table calls it)."""
    d = parser.add_subparsers(dest="db_command", required=True)
    b = d.add_parser("backup", help="write every table to FILE (JSON lines; .gz compresses)")
    b.add_argument("file", metavar="FILE")
    r = d.add_parser("restore", help="load FILE into an empty database (one transaction)")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--force", action="store_true",
                   help="replace the rows of a database that is not empty")
    u = d.add_parser("upgrade", help="migrate the schema to the newest revision (a release "
                                      "step before starting several hosts)")
    for p in (b, r, u):
        p.add_argument("--database", metavar="URL",
                       help="database URL (default: $DATABASE_URL, else the instance SQLite file)")
        p.set_defaults(func=cmd_db)
