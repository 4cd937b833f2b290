"""Persistence: users, designs and their immutable revisions.

The database stores formulas, revisions and reports; it never decides a
verdict (the engine does). Each save is a new :class:`Revision`; the design's
``version`` counter is the optimistic-concurrency token.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLES = ("client", "lab", "rnd", "admin")
STATUSES = ("draft", "submitted", "in_review", "changes_requested", "approved", "rejected")


def now() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """A stored time as an aware datetime: SQLite hands them back naive, and they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=254)
    name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="client", max_length=16)
    created_at: datetime = Field(default_factory=now)

    # flask-login's protocol, without its mixin's mutable class attributes
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=now)
    # the token stops working at this moment (auth.create_token; None only for rows
    # written by hand: migration 0005 gave every older token an end)
    expires_at: datetime | None = Field(default=None)


class Design(SQLModel, table=True):
    __tablename__ = "designs"
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=200)
    product_type: str = Field(default="", max_length=120)
    status: str = Field(default="draft", max_length=24, index=True)
    archived: bool = Field(default=False)
    version: int = Field(default=0)  # number of the latest revision; 0 before the first save
    quiz_answers: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now, index=True)
    submitted_at: datetime | None = Field(default=None)


class Revision(SQLModel, table=True):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("design_id", "number", name="uq_revision_number"),)
    id: int | None = Field(default=None, primary_key=True)
    design_id: int = Field(foreign_key="designs.id", index=True)
    number: int
    document: dict = Field(sa_column=Column(JSON, nullable=False))
    rules_version: str = Field(max_length=80)
    valid: bool = Field(default=False)
    errors: int = Field(default=0)
    warnings: int = Field(default=0)
    report: dict = Field(sa_column=Column(JSON, nullable=False))
    author_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=now)
    locked: bool = Field(default=False)
    pdf_sha256: str | None = Field(default=None, max_length=64)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    design_id: int = Field(foreign_key="designs.id", index=True)
    revision: int
    actor_id: int = Field(foreign_key="users.id")
    from_status: str = Field(max_length=24)
    to_status: str = Field(max_length=24)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: datetime = Field(default_factory=now)


class SheetCache(SQLModel, table=True):
    """Rendered spec sheets: one per revision and review state, with their SHA-256."""

    __tablename__ = "sheet_cache"
    __table_args__ = (UniqueConstraint("revision_id", "state", name="uq_sheet_state"),)
    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revisions.id", index=True)
    state: str = Field(max_length=120)  # status + last audit event id: what the sheet shows
    sha256: str = Field(max_length=64)
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=now)


class ImpactRun(SQLModel, table=True):
    """One run of ``configurator rules impact``: a candidate rule set against every saved design."""

    __tablename__ = "impact_runs"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=now, index=True)
    old_version: str = Field(max_length=80)  # the rule set in force
    new_version: str = Field(max_length=80)  # the candidate
    candidate_dir: str = Field(max_length=1000)
    designs_checked: int = Field(default=0)
    designs_changed: int = Field(default=0)
    report: dict = Field(sa_column=Column(JSON, nullable=False))  # see configurator.tooling.impact


class LoginAttempt(SQLModel, table=True):
    """A failed login, counted per account (``scope="account"``, key = lower-cased
    e-mail) and per client address (``scope="ip"``). Kept in the database so every
    worker and host sees the same counts (configurator/web/ratelimit.py)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_scope_key_at", "scope", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=8)
    key: str = Field(max_length=254)
    at: datetime = Field(default_factory=now, index=True)


class RuleSetRecord(SQLModel, table=True):
    """A rule set that went into force, with what it covers (configurator/web/rulegate.py).

    The latest row is the coverage a new set must keep (its files and the annexes
    its rules cite); a promotion, which gives some up, carries its reason and who.
    Shared by every worker and host, so a restart is held to it too.
    """

    __tablename__ = "rule_set_records"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    version: str = Field(max_length=80)
    directory: str = Field(max_length=1000)
    coverage: dict = Field(sa_column=Column(JSON, nullable=False))  # Coverage.to_dict()
    promoted_by: str = Field(default="", max_length=254)  # "" unless promoted
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
