"""Spec sheet downloads: rendered once per revision and review state, then cached.

The cache key is what the sheet shows (the revision, its status, the last
audit event and, until approval, the rules version whose findings it prints and the
day they were checked for);
the PDF's SHA-256 is stored with it. An approved sheet is the one first printed
after approval, whatever the rules do later. Rendering is deterministic,
so a cache miss after a restart produces the same bytes.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ..engine import parse_formula
from ..store import db
from ..store import designs as store
from ..store.models import Design, Revision, SheetCache, User
from . import rules
from .auth import role_required
from .designs import bp as designs_bp
from .lab import LAB, _design
from .lab import bp as lab_bp

DECISIONS = ("approved", "changes_requested", "rejected")


def _review(design: Design) -> dict | None:
    events = [e for e in store.audit(design) if e.to_status in DECISIONS]
    if not events:
        return None
    e = events[-1]
    who = db.session().get(User, e.actor_id)
    return {"reviewer": who.name or who.email if who else "", "decision": e.to_status,
            "date": e.at, "comment": e.comment}


def render_sheet(design: Design, rev: Revision) -> tuple[bytes, str, bool]:
    """(pdf, sha256, from_cache) for the design's revision as it stands now."""
    from ..specsheet.render import render_pdf, sheet_sha256
    from ..specsheet.view import build_sheet

    events = store.audit(design)
    rs = rules()
    today = date.today()  # the sheet names the day it was checked for (dated rules)
    state = f"{design.status}:{events[-1].id if events else 0}"
    if design.status != "approved":  # an approved sheet is frozen as first printed
        state += f":{rs.version[:24]}:{today.isoformat()}"
    s = db.session()
    hit = s.exec(select(SheetCache).where(SheetCache.revision_id == rev.id,
                                          SheetCache.state == state)).first()
    if hit is not None:
        return hit.pdf, hit.sha256, True
    formula = parse_formula(rev.document)
    from ..engine import check

    report = check(formula, rs, today)
    owner = s.get(User, design.owner_id)
    sheet = build_sheet(formula, report, rs, design_id=design.id, revision=rev.number,
                        status=design.status, client=owner.email if owner else "",
                        created=design.created_at, updated=rev.created_at, review=_review(design),
                        batch=formula.batch)
    pdf = render_pdf(sheet)
    digest = sheet_sha256(pdf)
    try:
        s.add(SheetCache(revision_id=rev.id, state=state, sha256=digest, pdf=pdf))
        if design.status == "approved":
            rev.pdf_sha256 = digest
            s.add(rev)
        s.commit()
    except IntegrityError:  # a concurrent request cached the same sheet first
        s.rollback()
    return pdf, digest, False


def _pdf_response(design: Design) -> Response:
    rev = store.revision(design)
    pdf, digest, cached = render_sheet(design, rev)
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = (
        f'inline; filename="design-{design.id}-rev{rev.number}.pdf"')
    resp.headers["ETag"] = digest
    resp.headers["X-Sheet-Cache"] = "hit" if cached else "miss"
    return resp


@designs_bp.route("/designs/<int:design_id>/sheet.pdf")
@login_required
def sheet(design_id: int):
    d = store.get_own(current_user, design_id)
    if d is None:
        abort(404)
    return _pdf_response(d)


@lab_bp.route("/designs/<int:design_id>/sheet.pdf")
@role_required(*LAB)
def lab_sheet(design_id: int):
    return _pdf_response(_design(design_id))
