"""A client's own export: every design of theirs, as JSON or as a ZIP with the spec sheets.

* ``/designs/export.json``: all the logged-in user's designs (archived ones
  too), each with every revision (the formula document as saved, and the
  engine's report at save time: findings, composition, label, allergens),
  and the design's audit trail (status changes with the lab's comments).
* ``/designs/export.zip``: ``designs.json`` (the same document) and
  ``sheets/design-<id>-rev<N>.pdf``, the spec sheet of each design's latest
  revision, exactly the sheet ``/designs/<id>/sheet.pdf`` serves (cached per
  revision and review state, DRAFT-marked until approval).

Only the user's own designs: the query filters on the owner, so nothing here
can reach another client's data. Every logged-in role may export (the lab and
R&D usually have no designs of their own: they get an empty list). Times are
ISO 8601 in UTC. The documents are what the contract's formula file reads
(contract §1), so a revision's ``formula`` can be checked again with
``configurator check``.

Cost: a sheet not yet cached takes WeasyPrint 0.2–0.8 s to render (10
designs: 2.1 s the first time, 0.01 s from the cache), so the first ZIP of a
client with hundreds of designs takes minutes;
later ones come from the cache. The ZIP is therefore streamed, one sheet after
the other, so the connection never sits idle long enough for a proxy timeout,
and the worker reports to gunicorn after each sheet (``liveness.beat``), so its
``--timeout`` limits one sheet, not the whole export (the deployment's part:
docs/deploy.md, "Long responses").
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, stream_with_context
from flask_login import current_user, login_required
from sqlmodel import select

from ..store import db
from ..store import designs as store
from ..store.models import AuditEvent, Design, Revision, User, utc
from . import rules
from .liveness import beat

bp = Blueprint("export", __name__)
FORMAT = "configurator-export"


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return utc(value).astimezone(UTC).isoformat()


def export_document(user: User) -> dict:
    s = db.session()
    designs = list(s.exec(select(Design).where(Design.owner_id == user.id)
                          .order_by(Design.id)))
    ids = [d.id for d in designs]
    revs: dict[int, list[Revision]] = {i: [] for i in ids}
    events: dict[int, list[AuditEvent]] = {i: [] for i in ids}
    if ids:
        for r in s.exec(select(Revision).where(Revision.design_id.in_(ids))
                        .order_by(Revision.design_id, Revision.number)):
            revs[r.design_id].append(r)
        for e in s.exec(select(AuditEvent).where(AuditEvent.design_id.in_(ids))
                        .order_by(AuditEvent.at, AuditEvent.id)):
            events[e.design_id].append(e)
    actors = {e.actor_id for evs in events.values() for e in evs}
    names = {u.id: (u.name or u.email, u.role) for u in
             s.exec(select(User).where(User.id.in_(actors)))} if actors else {}
    out = []
    for d in designs:
        out.append({
            "id": d.id, "name": d.name, "product_type": d.product_type, "status": d.status,
            "archived": d.archived, "revision": d.version, "quiz_answers": d.quiz_answers,
            "created_at": _time(d.created_at), "updated_at": _time(d.updated_at),
            "submitted_at": _time(d.submitted_at),
            "revisions": [{
                "number": r.number, "created_at": _time(r.created_at), "locked": r.locked,
                "valid": r.valid, "errors": r.errors, "warnings": r.warnings,
                "rules_version": r.rules_version, "formula": r.document,
                "findings": r.report.get("findings", []), "report": r.report,
                "sheet_sha256": r.pdf_sha256,
            } for r in revs[d.id]],
            "audit": [{
                "revision": e.revision, "from": e.from_status, "to": e.to_status,
                "comment": e.comment, "at": _time(e.at),
                "by": names.get(e.actor_id, ("", ""))[0],
                "by_role": names.get(e.actor_id, ("", ""))[1],
            } for e in events[d.id]],
        })
    return {"format": FORMAT, "format_version": 1, "exported_at": _time(datetime.now(UTC)),
            "user": {"email": user.email, "name": user.name},
            "rules_version_now": rules().version, "designs": out}


def _dump(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _filename(ext: str) -> str:
    return f"configurator-designs-{datetime.now(UTC):%Y%m%d}.{ext}"


@bp.route("/designs/export.json")
@login_required
def export_json():
    resp = Response(_dump(export_document(current_user)), mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return resp


class _Sink:
    """A write-only file for zipfile that hands its bytes out as they come (streaming)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, b) -> int:
        self.chunks.append(bytes(b))
        return len(b)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def zip_chunks(doc: dict):
    """designs.json, then one sheet after the other, each sent as soon as it is rendered."""
    from .sheets import render_sheet

    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("designs.json", _dump(doc))
        yield sink.take()
        for item in doc["designs"]:
            beat()  # alive: the document and the sheets so far are sent
            d = db.session().get(Design, item["id"])
            rev = store.revision(d)
            if rev is None:
                continue
            name = f"sheets/design-{d.id}-rev{rev.number}.pdf"
            try:
                pdf, _digest, _cached = render_sheet(d, rev)
            except Exception:  # one sheet must not cost the whole export
                current_app.logger.exception("export: sheet of design %s failed", d.id)
                z.writestr(name.replace(".pdf", "-NOT-RENDERED.txt"),
                           "This sheet could not be rendered; download it from the design's "
                           "page or ask the lab.\n")
            else:
                z.writestr(zipfile.ZipInfo(name, date_time=rev.created_at.timetuple()[:6]), pdf,
                           compress_type=zipfile.ZIP_STORED)  # PDFs are compressed already
            yield sink.take()
            beat()  # this worker is alive: gunicorn's --timeout is per sheet, not per ZIP
    yield sink.take()


@bp.route("/designs/export.zip")
@login_required
def export_zip():
    """Streamed: the first bytes leave at once, so neither the proxy nor the client times out
    while the sheets not cached yet are rendered (0.2–0.8 s each)."""
    doc = export_document(current_user)
    resp = Response(stream_with_context(zip_chunks(doc)), mimetype="application/zip")
    resp.headers["Content-Disposition"] = f'attachment; filename="{_filename("zip")}"'
    return resp
