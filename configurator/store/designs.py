"""Design operations: every save an immutable revision, conflicts never lost.

All the writing to the database about designs happens here, in one
transaction per operation; the web pages and the API call these functions.
The verdict stored with a revision is the engine's, computed at save time.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select

from ..engine import Formula, Report, check, parse_formula
from ..errors import ConfiguratorError
from ..rules.model import RuleSet
from . import db
from .models import AuditEvent, Design, Revision, User, now

EDITABLE = ("draft", "changes_requested")


class Conflict(ConfiguratorError):
    """The design changed since the client loaded it (optimistic concurrency)."""

    def __init__(self, design: Design, expected: int):
        super().__init__(design.id, expected)
        self.design, self.expected = design, expected

    def __str__(self) -> str:
        return (f"This design was saved elsewhere (now revision {self.design.version}, you "
                f"edited revision {self.expected}). Your changes are not saved yet: review the "
                "latest revision and apply them again.")


class Locked(ConfiguratorError):
    def __init__(self, design: Design):
        super().__init__(design.id)
        self.design = design

    def __str__(self) -> str:
        return f"This design is {self.design.status.replace('_', ' ')} and cannot be changed."


def visible_designs(user: User, archived: bool = False) -> list[Design]:
    q = select(Design).where(Design.owner_id == user.id, Design.archived == archived)
    return list(db.session().exec(q.order_by(Design.updated_at.desc(), Design.id.desc())))


def get_own(user: User, design_id: int) -> Design | None:
    """The design if ``user`` owns it; None otherwise (the caller answers 404)."""
    d = db.session().get(Design, design_id)
    if d is None or d.owner_id != user.id:
        return None
    return d


def revision(design: Design, number: int | None = None) -> Revision | None:
    n = design.version if number is None else number
    q = select(Revision).where(Revision.design_id == design.id, Revision.number == n)
    return db.session().exec(q).first()


def revisions(design: Design) -> list[Revision]:
    q = select(Revision).where(Revision.design_id == design.id).order_by(Revision.number.desc())
    return list(db.session().exec(q))


def _revision_row(design_id: int, number: int, formula: Formula, report: Report,
                  author: User) -> Revision:
    return Revision(
        design_id=design_id, number=number, document=formula.to_document(),
        rules_version=report.rules_version, valid=report.valid,
        errors=sum(f.severity == "error" for f in report.findings),
        warnings=sum(f.severity == "warning" for f in report.findings),
        report=report.to_dict(), author_id=author.id)


def create(user: User, formula: Formula, rs: RuleSet, quiz_answers: dict | None = None) -> Design:
    """A new design with its first revision."""
    report = check(formula, rs)
    s = db.session()
    d = Design(owner_id=user.id, name=formula.name or "Untitled design",
               product_type=_type_label(formula, rs), version=1, quiz_answers=quiz_answers)
    s.add(d)
    s.flush()
    s.add(_revision_row(d.id, 1, formula, report, user))
    s.commit()
    return d


def _type_label(formula: Formula, rs: RuleSet) -> str:
    pt = formula.product_type
    if pt.id:
        known = rs.product_types.get(pt.id)
        return known.name if known else pt.id
    return " ".join(x for x in (pt.application, pt.area, pt.form) if x)


def save(user: User, design: Design, formula: Formula, expected: int, rs: RuleSet) -> Revision:
    """Save a new revision on top of revision ``expected``; raise :class:`Conflict` if it moved."""
    s = db.session()
    s.refresh(design)
    if design.status not in EDITABLE or design.archived:
        raise Locked(design)
    report = check(formula, rs)
    stamp = now()
    values = {"version": expected + 1, "updated_at": stamp, "name": formula.name or design.name,
              "product_type": _type_label(formula, rs)}
    # still editable is part of the condition: a submit between the check above and this
    # UPDATE must not let a save land on the submitted (locked) revision's design
    res = s.exec(  # type: ignore[call-overload]
        update(Design)
        .where(Design.id == design.id, Design.version == expected,
               Design.status.in_(EDITABLE), Design.archived.is_(False))
        .values(**values)
    )
    if res.rowcount != 1:
        s.rollback()
        s.refresh(design)
        if design.status not in EDITABLE or design.archived:
            raise Locked(design)
        raise Conflict(design, expected)
    rev = _revision_row(design.id, expected + 1, formula, report, user)
    s.add(rev)
    s.commit()
    # the design as this save left it, not re-read: another client may have saved again
    # since the commit, and the caller answers with *this* save's revision number
    for key, value in values.items():
        set_committed_value(design, key, value)
    return rev


def _touch(design: Design, **changes) -> None:
    """Change plain fields of a design (not its formula: that is :func:`save`)."""
    s = db.session()
    for key, value in changes.items():
        setattr(design, key, value)
    design.updated_at = now()
    s.add(design)
    s.commit()


def rename(user: User, design: Design, name: str) -> None:
    _touch(design, name=name)


def duplicate(user: User, design: Design, rs: RuleSet) -> Design:
    rev = revision(design)
    formula = parse_formula(rev.document)
    doc = formula.to_document()
    doc["name"] = f"Copy of {design.name}"[:200]
    return create(user, parse_formula(doc), rs)


UNDER_REVIEW = ("submitted", "in_review")  # in the lab's queue: the client cannot archive it


def set_archived(user: User, design: Design, archived: bool) -> None:
    """Archive (or restore) a design; :class:`Locked` while the lab has it under review.

    An archived design leaves the lab's queue, so archiving one under review would
    make it vanish there while its status still says "submitted". The UPDATE is
    conditional on the status, so a submit racing the archive cannot slip through.
    """
    s = db.session()
    cond = [Design.id == design.id]
    if archived:
        cond.append(Design.status.not_in(UNDER_REVIEW))
    res = s.exec(update(Design).where(*cond)  # type: ignore[call-overload]
                 .values(archived=archived, updated_at=now()))
    s.commit()
    s.refresh(design)
    if res.rowcount != 1:
        raise Locked(design)


def forget_quiz_answers(user: User, design: Design) -> None:
    """Delete the skin-quiz answers stored with a design (the formula stays as it is)."""
    if design.quiz_answers is not None:
        _touch(design, quiz_answers=None)


def transition(actor: User, design: Design, to: str, comment: str = "",
               allowed_from: tuple[str, ...] = ()) -> bool:
    """Move a design's status (recorded in the audit log). False if it was not in ``allowed_from``.

    The conditional UPDATE makes a double submit harmless: the second one finds
    the status already moved and changes nothing.
    """
    s = db.session()
    frm = design.status
    cond = [Design.id == design.id, Design.status.in_(allowed_from),
            Design.version == design.version]
    if to == "submitted":  # an archived design is out of the lab's sight: unarchive it first
        cond.append(Design.archived.is_(False))
    res = s.exec(  # type: ignore[call-overload]
        update(Design).where(*cond)
        .values(status=to, updated_at=now(), **({"submitted_at": now()} if to == "submitted" else {}))
    )
    if res.rowcount != 1:
        s.rollback()
        s.refresh(design)
        return False
    if to in ("submitted", "approved"):
        s.exec(update(Revision).where(Revision.design_id == design.id,  # type: ignore[call-overload]
                                      Revision.number == design.version).values(locked=True))
    s.add(AuditEvent(design_id=design.id, revision=design.version, actor_id=actor.id,
                     from_status=frm, to_status=to, comment=comment))
    s.commit()
    s.refresh(design)
    return True


def audit(design: Design) -> list[AuditEvent]:
    q = select(AuditEvent).where(AuditEvent.design_id == design.id).order_by(AuditEvent.at)
    return list(db.session().exec(q))


def last_comments(design_ids: list[int]) -> dict[int, str]:
    """The latest review comment of each design (for the client's dashboard)."""
    if not design_ids:
        return {}
    q = select(AuditEvent).where(AuditEvent.design_id.in_(design_ids), AuditEvent.comment != "")
    out: dict[int, str] = {}
    for ev in db.session().exec(q.order_by(AuditEvent.at, AuditEvent.id)):
        out[ev.design_id] = f"{ev.to_status.replace('_', ' ')}: {ev.comment}"
    return out
