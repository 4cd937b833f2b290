"""What the lab's review page shows around the findings (issue 17).

* :func:`revision_diff`: a resubmitted design against the revision the lab sent
  back: rows added, removed and with another strength (matched by INCI name,
  case-folded, in order), and the request's fields that changed (product type,
  base, target pH, constraints by name, batch size, units and fill, notes).
* :func:`sent_back`: the last "changes requested" event before the revision
  under review, i.e. the revision the diff compares with.
* :func:`actors`: who did each step of the audit log ("Name <e-mail>").
* :func:`rules_label`: a rules version as people read it: the first 12 hex
  digits and the day it first went into force (the first
  :class:`~configurator.store.models.RuleSetRecord` with that version), never a
  bare 64-digit hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from ..days import day_text
from ..store import db
from ..store.models import AuditEvent, Revision, RuleSetRecord, User, utc


@dataclass(frozen=True)
class RowChange:
    inci: str
    before: str  # "" when the row was added
    after: str  # "" when the row was removed
    kind: str  # "added" | "removed" | "changed"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RevisionDiff:
    old: int  # the revision the lab sent back
    new: int  # the revision under review
    rows: list[RowChange] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows and not self.fields


def num(x) -> str:
    """A figure for people: at most 4 decimals, no float noise (61.349999999999994 -> 61.35)."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def strength(entry: dict) -> str:
    """An ingredient row's strength as the client wrote it (the stored document's form)."""
    if entry.get("qs"):
        return "q.s."
    if "percent" in entry:
        return f"{num(entry['percent'])} %"
    return str(entry.get("amount", ""))


def _rows(old_doc: dict, new_doc: dict) -> list[RowChange]:
    def key(e: dict) -> str:
        return " ".join(str(e.get("inci", "")).split()).casefold()

    left = list(old_doc.get("ingredients") or [])
    out: list[RowChange] = []
    for entry in new_doc.get("ingredients") or []:
        match = next((i for i, e in enumerate(left) if key(e) == key(entry)), None)
        if match is None:
            out.append(RowChange(entry.get("inci", ""), "", strength(entry), "added"))
            continue
        before = left.pop(match)
        if strength(before) != strength(entry):
            out.append(RowChange(entry.get("inci", ""), strength(before), strength(entry),
                                 "changed"))
    out += [RowChange(e.get("inci", ""), strength(e), "", "removed") for e in left]
    return out


def revision_diff(old: Revision, new: Revision, rs) -> RevisionDiff:
    """What changed from ``old`` (sent back) to ``new`` (resubmitted)."""
    from .lab import request_summary

    diff = RevisionDiff(old.number, new.number, _rows(old.document, new.document))
    before = dict(request_summary(old.document, rs))
    after = dict(request_summary(new.document, rs))
    if old.document.get("name") != new.document.get("name"):
        diff.fields.append(FieldChange("Name", old.document.get("name", ""),
                                       new.document.get("name", "")))
    for label, text in after.items():
        if before.get(label) != text:
            diff.fields.append(FieldChange(label, str(before.get(label, "")), str(text)))
    return diff


def sent_back(design, rev: Revision) -> tuple[AuditEvent, Revision] | None:
    """The last "changes requested" on this revision or an earlier one, and the revision it
    sent back, once the client has submitted again (also unchanged: the diff then says so).
    None before any changes were requested, and while the design is still with the client."""
    s = db.session()
    ev = s.exec(select(AuditEvent).where(
        AuditEvent.design_id == design.id, AuditEvent.to_status == "changes_requested",
        AuditEvent.revision <= rev.number).order_by(AuditEvent.id.desc())).first()
    if ev is None:
        return None
    again = s.exec(select(AuditEvent.id).where(
        AuditEvent.design_id == design.id, AuditEvent.to_status == "submitted",
        AuditEvent.id > ev.id)).first()
    if again is None:
        return None
    old = s.exec(select(Revision).where(Revision.design_id == design.id,
                                        Revision.number == ev.revision)).first()
    return None if old is None else (ev, old)


def person(user: User | None) -> str:
    """"Name <e-mail>", or the e-mail alone when the account has no name."""
    if user is None:
        return "a deleted account"
    return f"{user.name} <{user.email}>" if user.name else user.email


def actors(events: list[AuditEvent]) -> dict[int, str]:
    """actor id -> how the audit log names them."""
    ids = {e.actor_id for e in events}
    if not ids:
        return {}
    users = {u.id: u for u in db.session().exec(select(User).where(User.id.in_(ids)))}
    return {i: person(users.get(i)) for i in ids}


def rules_label(version: str) -> str:
    """``3056f175377d of 3 Dec 2026`` for ``sha256:3056f175377d…``; the hash alone when the
    version was never recorded as in force (a set checked before records were kept)."""
    short = version.removeprefix("sha256:")[:12]
    rec = db.session().exec(select(RuleSetRecord).where(RuleSetRecord.version == version)
                            .order_by(RuleSetRecord.at, RuleSetRecord.id)).first()
    return short if rec is None else f"{short} of {day_text(utc(rec.at).date())}"
