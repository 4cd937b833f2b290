"""The columns `rules impact` reads and writes, as SQLAlchemy Core tables, without the models.

:mod:`.models` is the schema (SQLModel classes, Alembic migrations follow it). Importing it
brings SQLModel, pydantic's model machinery and SQLAlchemy's ORM: ~0.12 s of a command's
start, a twentieth of a `rules impact` run over 50,000 designs (issue 19). The command reads
every design's latest revision and writes one impact run, plain statements that need only
the table and column names and the types that convert values (booleans and JSON on
SQLite, times): those are named here once more, and ``tests/web/test_store_tables.py``
holds each column equal in name and type to the model's, so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, column, table

DESIGNS = table(
    "designs",
    column("id", Integer),
    column("name", String),
    column("status", String),
    column("archived", Boolean),
    column("version", Integer),
)

REVISIONS = table(
    "revisions",
    column("design_id", Integer),
    column("number", Integer),
    column("document", JSON),
    column("valid", Boolean),
    column("report", JSON),
)

IMPACT_RUNS = table(
    "impact_runs",
    column("id", Integer),
    column("created_at", DateTime),
    column("old_version", String),
    column("new_version", String),
    column("candidate_dir", String),
    column("designs_checked", Integer),
    column("designs_changed", Integer),
    column("report", JSON),
)
