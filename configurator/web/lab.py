"""The lab's side: the review queue, the review page, the decisions.

States: draft → submitted → in_review → changes_requested | approved | rejected;
a client's new save after changes_requested and a new submit start again. An
approved revision is locked for good. Every transition is in the audit log.

A draft is its owner's alone: the queue never lists one, whatever the filter.
Separation of duties (``LAB_SEPARATION_OF_DUTIES``, on by default): nobody starts
or decides the review of a design they own (and so submitted), admin included; a
one-person lab may turn it off (``CONFIGURATOR_SEPARATION_OF_DUTIES=0``).
"""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..engine import check, parse_formula
from ..store import db
from ..store import designs as store
from ..store.models import STATUSES, Design, User, now
from . import rules
from .auth import role_required
from .forms import choices, whole_number
from .review import actors, person, revision_diff, rules_label, sent_back

bp = Blueprint("lab", __name__, url_prefix="/lab")
bp.add_app_template_global(rules_label, "rules_label")  # the lab's and R&D's pages
LAB = ("lab", "admin")
QUEUE_DEFAULT = ("submitted", "in_review")
QUEUE_STATUSES = tuple(s for s in STATUSES if s != "draft")  # a draft is its owner's alone


class DecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=choices([
        ("approved", "Approve"), ("changes_requested", "Request changes"), ("rejected", "Reject")]))
    comment = TextAreaField("Comment (required)", validators=[DataRequired(), Length(max=5000)])


class StartForm(FlaskForm):
    """Only the CSRF token."""


@bp.route("/")
@role_required(*LAB)
def queue():
    status = request.args.get("status", "")
    statuses = (status,) if status in QUEUE_STATUSES else QUEUE_DEFAULT
    q = select(Design, User).join(User, User.id == Design.owner_id).where(
        Design.status.in_(statuses), Design.archived == False)  # noqa: E712
    days = request.args.get("older_than", "")
    n = whole_number(days, 0, 9999)
    if n is not None:
        q = q.where(Design.submitted_at <= now() - timedelta(days=n))
    rows = db.session().exec(q.order_by(Design.submitted_at.asc().nulls_last(), Design.id)).all()
    return render_template("lab/queue.html", rows=rows, status=status if statuses == (status,)
                           else "", days=days if n is not None else "", statuses=QUEUE_STATUSES,
                           caption=queue_caption(statuses, n), not_listed=status if status and
                           statuses != (status,) else "")


def queue_caption(statuses: tuple[str, ...], days: int | None) -> str:
    """What the queue lists, in words: the caption always matches the filter."""
    what = ("Designs waiting for review (submitted or in review)" if statuses == QUEUE_DEFAULT
            else f"Designs {statuses[0].replace('_', ' ')}")
    if days:
        what += f", submitted at least {days} day{'s' if days != 1 else ''} ago"
    return what + ", oldest submission first"


def _design(design_id: int) -> Design:
    d = db.session().get(Design, design_id)
    if d is None or d.status == "draft":
        abort(404)  # the lab sees designs once they were submitted
    return d


def own_design(design: Design) -> bool:
    """True when separation of duties keeps the current user off this design's review."""
    return bool(current_app.config.get("LAB_SEPARATION_OF_DUTIES", True)) and \
        design.owner_id == current_user.id


def _reviewable(design_id: int) -> Design:
    """The design for a review action; 403 on one's own design (separation of duties)."""
    design = _design(design_id)
    if own_design(design):
        abort(403)
    return design


def finding_changes(old: dict, new: dict) -> tuple[list[dict], list[dict]]:
    """Findings that appeared and disappeared between two reports."""
    def key(f):
        return (f["code"], f["rule"], tuple(f["ingredients"]), f["severity"])

    before = {key(f): f for f in old.get("findings", [])}
    after = {key(f): f for f in new.get("findings", [])}
    return ([f for k, f in after.items() if k not in before],
            [f for k, f in before.items() if k not in after])


def request_summary(document: dict, rs) -> list[tuple[str, str]]:
    """What the client asked for, as (label, text) rows for the review page.

    The lab decides on these as much as on the findings (issue 17): they were only
    in the PDF. Constraint ids are shown by their names; a field left empty says so.
    """
    batch = document.get("batch") or {}
    cons = [rs.constraints[c].name if c in rs.constraints else c
            for c in document.get("constraints", [])]
    ph = document.get("target_ph")
    units_fill = " × ".join(str(v) for v in (batch.get("units"), batch.get("fill")) if v)
    pt, base = document.get("product_type", ""), document.get("base", "")
    if isinstance(pt, dict):  # described rather than named: application, area, form
        pt = " ".join(str(pt[k]) for k in ("application", "area", "form") if pt.get(k))
    elif pt in rs.product_types:
        pt = f"{rs.product_types[pt].name} ({pt})"
    if base in rs.bases:
        base = f"{rs.bases[base].name} ({base})"
    return [("Product type", pt),
            ("Base", base or "none"),
            ("Target pH", "not set" if ph is None else f"{ph:g}" if isinstance(ph, float | int)
             else str(ph)),
            ("Constraints", ", ".join(cons) or "none"),
            ("Batch size", batch.get("size") or "not set"),
            ("Units and fill", units_fill or "not set"),
            ("Client's notes", document.get("notes") or "none")]


@bp.route("/designs/<int:design_id>", methods=["GET", "POST"])
@role_required(*LAB)
def review(design_id: int):
    design = _reviewable(design_id) if request.method == "POST" else _design(design_id)
    rev = store.revision(design)
    owner = db.session().get(User, design.owner_id)
    form = DecisionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Choose a decision and write a comment.", "error")
        elif design.status != "in_review":
            flash("Start the review first (or it was decided meanwhile).", "error")
        elif store.transition(current_user, design, form.decision.data, form.comment.data.strip(),
                              allowed_from=("in_review",)):
            flash(f"Decision recorded: {form.decision.data.replace('_', ' ')}.", "info")
            return redirect(url_for("lab.review", design_id=design.id), 303)
        else:
            flash("The design changed meanwhile; nothing was recorded.", "error")
    now_report = check(parse_formula(rev.document), rules()).to_dict()
    added, removed = finding_changes(rev.report, now_report)
    audit = store.audit(design)
    back = sent_back(design, rev)
    return render_template("lab/review.html", design=design, rev=rev, owner=owner, form=form,
                           start_form=StartForm(), now_report=now_report, added=added,
                           asked=request_summary(rev.document, rules()),
                           removed=removed, audit=audit, own=own_design(design),
                           actors=actors(audit), person=person,
                           sent_back=back[0] if back else None,
                           diff=revision_diff(back[1], rev, rules()) if back else None,
                           rules_label=rules_label,
                           rules_changed=rev.rules_version != now_report["rules_version"]), \
        400 if form.errors else 200


@bp.route("/designs/<int:design_id>/start", methods=["POST"])
@role_required(*LAB)
def start(design_id: int):
    design = _reviewable(design_id)
    if not StartForm().validate_on_submit():
        abort(400)
    if store.transition(current_user, design, "in_review", "", allowed_from=("submitted",)):
        flash("Review started.", "info")
    else:
        flash(f"Already {design.status.replace('_', ' ')}.", "info")
    return redirect(url_for("lab.review", design_id=design.id), 303)
