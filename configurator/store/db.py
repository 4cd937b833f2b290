"""The database: engines, Alembic for the schema, the session the store functions use.

No Flask here: the web app binds :func:`engine` and :func:`session` to its own
engine and its per-request session (``configurator.web.bind_db``); a command
(``rules impact``, ``db backup``) makes its own engine with :func:`make_engine`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlmodel import Session  # (not at run time: SQLModel and the ORM are ~0.1 s of a
    # command's start, and `rules impact` needs neither: store/tables.py)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def file_head() -> str | None:
    """The newest migration's revision read from the file names of ``migrations/versions``
    (a chain ``0001_*.py``, ``0002_*.py``… each revising the one before, as ours is), or None
    when the folder is not such a chain (then only Alembic can say). A schema already there
    is left alone without importing Alembic: a quarter of a second of every command's start
    (`rules impact`, issue 19). tests/web/test_migrations.py holds it equal to Alembic's head."""
    names = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py")
                   if not p.name.startswith("_"))
    if names and all(n[:5] == f"{i:04d}_" for i, n in enumerate(names, 1)):
        return names[-1][:4]
    return None


def make_engine(url: str, **options) -> Engine:
    """An engine on ``url`` (SQLite with its pragmas, or PostgreSQL through psycopg);
    ``options`` go to ``create_engine`` (``rules impact``: its own JSON serializer)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **options)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # durability and integrity on the embedded default
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, **options)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


MIGRATION_LOCK = 0x636F6E66  # "conf": the PostgreSQL advisory lock id of every migration run


def current_revision(conn) -> str | None:
    """The schema's Alembic revision on this connection (None: not under Alembic yet)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision`` (idempotent); (revision before, revision after).

    On PostgreSQL under a transaction-scoped advisory lock, so that hosts started
    together (each migrates at start) and `configurator db upgrade` take turns
    instead of racing to create tables. A schema already at the head (:func:`file_head`)
    asked to go there is left as it is, Alembic not even imported.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        before = current_revision(conn)
        if before is not None and revision == "head" and before == file_head():
            return before, before
        from alembic import command

        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        return before, current_revision(conn)


def default_url() -> str:
    """``$DATABASE_URL``, else the web app's SQLite file in its instance folder (as create_app).

    The instance folder is Flask's (``instance/`` beside the package in a checkout), so
    Flask is imported here, and only when no URL is set.
    """
    import os

    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from flask import Flask

    instance = Path(Flask("configurator.web").instance_path)
    return f"sqlite:///{instance / 'configurator.db'}"


_bound: tuple[Callable[[], Engine], Callable[[], Session]] | None = None


def bind(engine_of: Callable[[], Engine], session_of: Callable[[], Session]) -> None:
    """Where :func:`engine` and :func:`session` come from (the web app: its request's)."""
    global _bound
    _bound = (engine_of, session_of)


def engine() -> Engine:
    """The bound engine (the current app's)."""
    if _bound is None:
        raise RuntimeError("no database bound: configurator.store.db.bind() first")
    return _bound[0]()


def session() -> Session:
    """The bound session (in the web app: the request's, opened on first use)."""
    if _bound is None:
        raise RuntimeError("no database bound: configurator.store.db.bind() first")
    return _bound[1]()
