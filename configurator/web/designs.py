"""The client's designs: dashboard, the one-page editor, live validation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..days import DayError, dated_rules, day_or_today, day_text
from ..derived import per_rule_set
from ..engine import advise, check, parse_formula
from ..errors import FormulaError
from ..store import designs as store
from . import rules
from .catalog_search import catalog_index, hits, why_matched
from .forms import (
    AGE_AREAS,
    MAX_ROWS,
    apply_action,
    choices,
    design_form,
    form_data,
    formdata_document,
    row_cells,
    to_document,
    whole_number,
)
from .summary import base_room, human, summary_view

bp = Blueprint("designs", __name__)
bp.add_app_template_global(human, "human_number")
bp.add_app_template_global(row_cells, "row_cells")


class NewDesignForm(FlaskForm):
    name = StringField("Design name", validators=[DataRequired(), Length(max=200)])
    # No type is preselected: the list is alphabetical, so its first entry is a
    # children's product (stricter rules), which nobody should get by not choosing.
    product_type = SelectField("Product type",
                               validators=[DataRequired("Choose a product type.")])
    base = SelectField("Base", validate_choice=False)


class RenameForm(FlaskForm):
    name = StringField("New name", validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """Only the CSRF token: duplicate, archive, submit."""


@bp.route("/")
def home():
    """Each role's own start page (issue 17): the lab its queue, R&D the rules in force."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOMES.get(current_user.role, "designs.dashboard")))


HOMES = {"lab": "lab.queue", "rnd": "rnd.home"}  # clients and admins: their designs


@bp.route("/designs")
@login_required
def dashboard():
    archived = request.args.get("archived") == "1"
    designs = store.visible_designs(current_user, archived)
    comments = store.last_comments([d.id for d in designs])
    return render_template("designs/dashboard.html", designs=designs, archived=archived,
                           action_form=ActionForm(), last_comment=lambda d: comments.get(d.id, ""))


def _own(design_id: int):
    d = store.get_own(current_user, design_id)
    if d is None:
        abort(404)
    return d


def _own_action(design_id: int):
    """The user's design for a one-button action, after its CSRF check."""
    d = _own(design_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return d


@bp.route("/designs/new", methods=["GET", "POST"])
@login_required
def new():
    rs = rules()
    form = NewDesignForm()
    form.product_type.choices = choices([("", "Choose a product type…")] + [
        (p.id, p.name) for p in sorted(rs.product_types.values(), key=lambda p: p.name)])
    form.base.choices = choices([("", "No base: I give the whole formula")] + [
        (b.id, b.name) for b in sorted(rs.bases.values(), key=lambda b: b.name)])
    if form.validate_on_submit():
        doc = {"name": form.name.data.strip(), "product_type": form.product_type.data,
               "ingredients": []}
        if form.base.data:
            if form.base.data not in rs.bases:
                form.base.errors = ["Unknown base."]
                return render_template("designs/new.html", form=form), 400
            doc["base"] = form.base.data
        else:
            doc["ingredients"] = [{"inci": "Aqua", "qs": True}]
        d = store.create(current_user, parse_formula(doc), rs)
        flash(f"Design “{d.name}” created.", "info")
        return redirect(url_for("designs.edit", design_id=d.id))
    return render_template("designs/new.html", form=form), 400 if form.errors else 200


def _evaluate(form, formdata=None, pending=None):
    """(document, report or None, problems, formula) for the form as it stands, checked as
    of the day the form's "Check as of" field names (today when it names none).
    ``pending`` (a list, posted form data only): rows without a strength yet are left out
    of the check and listed there (see forms.formdata_document)."""
    doc, where = to_document(form) if formdata is None else formdata_document(formdata, pending)
    try:
        formula = parse_formula(doc, "form")
    except FormulaError as exc:
        return doc, None, [_problem_text(p, where) for p in exc.problems], None
    return doc, check(formula, rules(), _check_day()[0]), [], formula


def _check_day() -> tuple[date, str]:
    """(the day to check as of, a note when the posted day could not be read).

    The "Check as of" field is a date input: a browser sends "" or YYYY-MM-DD. Only
    the live check uses it; a saved revision's report is always for the day it is saved.
    """
    text = (request.form.get("on") or "")[:40] if request.method == "POST" else ""
    try:
        return day_or_today(text), ""
    except DayError as exc:
        return date.today(), f"Check as of: {exc}; checked as of today instead."


def _day_view(report) -> dict:
    """What the panel shows beside the findings: the day checked for, the day each coming
    rule applies from (rule id → "7 Jun 2027"), a note about an unreadable day."""
    day, note = _check_day()
    soon = [f for f in (report.findings if report is not None else ()) if f.code == "coming-rule"]
    dated = dated_rules(rules()) if soon else {}  # a walk over every rule: only when needed
    coming = {f.rule: day_text(dated[f.rule].placed_from) for f in soon if f.rule in dated}
    return {"check_on": day.isoformat(), "checked_on": day_text(day), "coming": coming,
            "day_note": note}


def _problem_text(p, where: list[int]) -> str:
    msg = p.message
    if p.path.startswith("ingredients[") and "]" in p.path:
        i = int(p.path[12:p.path.index("]")])
        if i < len(where):
            msg = f"Row {where[i] + 1}: {msg}"
    return msg


def _summary(report, doc, problems=(), pending=()):
    """The live summary's view (web/summary.py) for a checked document."""
    constraints = doc.get("constraints") or () if isinstance(doc, dict) else ()
    return summary_view(report, rules(), constraints, problems, pending)


def _pending_hints(pending) -> list[tuple[int, str]]:
    """(form row, hint) for each row that has a name and no strength yet."""
    return [(i, f"Row {i + 1}: {name[:120]}: give its strength (5 %, 5000 ppm, 2 g/kg) "
                f"or tick q.s.; it is left out of the check until then.") for i, name in pending]


def _render_editor(design, form, status=200, conflict=None, repair=False, submit_note=""):
    doc, report, problems, formula = _evaluate(form)
    rs = rules()
    fixed = _repair(formula, _pins(request.form)) if repair else None
    query = (request.form.get("q") or "").strip()[:60] if request.method == "POST" else ""
    catalog = _advice_items(rs, formula, report, query) if query else None
    return render_template(
        "designs/edit.html", design=design, form=form, report=report, problems=problems, rs=rs,
        conflict=conflict, action_form=ActionForm(), catalog=catalog, result=fixed,
        pins=_pins(request.form) if repair else [], query=query, rename_form=RenameForm(name=design.name),
        revisions=store.revisions(design), audit=store.audit(design),
        editable=design.status in store.EDITABLE and not design.archived,
        summary=_summary(report, doc, problems), pending=[], submit_note=submit_note,
        saved_state=request.method == "GET", profiled_options=profiled_options(rs),
        age_areas=AGE_AREAS, product_ages=_product_ages(rs), **_day_view(report)), status


def _product_ages(rs) -> dict[str, list[str]]:
    """Product type id → [area, age] for the editor's script: it shows the Age select for a
    face, body or hair product and sets it to the type's own age when the type changes."""
    return {p.id: [p.area, p.age or "adults"] for p in rs.product_types.values()}


@bp.route("/designs/<int:design_id>", methods=["GET", "POST"])
@login_required
def edit(design_id: int):
    design = _own(design_id)
    rs = rules()
    if request.method == "GET":
        rev = store.revision(design)
        return _render_editor(design, design_form(rs, None, form_data(rev.document, design.version)))
    form = design_form(rs, request.form)
    if "add_row" in request.form:  # without JavaScript: one more empty row
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if len(data["rows"]) < MAX_ROWS:
            data["rows"] = [*data["rows"], {"inci": "", "amount": "", "qs": False}]
        return _render_editor(design, design_form(rs, None, data))
    for kind in ("fix", "add", "remove"):
        if kind in request.form:
            data = {k: v for k, v in form.data.items() if k != "csrf_token"}
            try:
                data = apply_action(data, kind, request.form[kind][:300])
            except ValueError:
                abort(400)
            return _render_editor(design, design_form(rs, None, data))
    if request.form.get("action") == "repair":  # without JavaScript: the diff, read-only
        return _render_editor(design, form, repair=True)
    if request.form.get("action") == "submit":
        return _save_and_submit(design, form)
    if request.form.get("action") != "save":
        form.validate()
        _batch_check(form)
        return _render_editor(design, form)
    if not form.validate():
        return _render_editor(design, form, 400)
    doc, report, problems, formula = _evaluate(form)
    if formula is None or _batch_check(form, formula, report):
        return _render_editor(design, form, 400)
    expected = whole_number(form.version.data, 1)
    if expected is None:  # the form's own check said so already; this keeps the two in step
        abort(400)
    try:
        rev = store.save(current_user, design, formula, expected, rs)
    except store.Conflict as exc:
        return _render_editor(design, form, 409, conflict=str(exc))
    except store.Locked as exc:
        flash(str(exc), "error")
        return redirect(url_for("designs.edit", design_id=design.id), 303)
    flash(f"Saved as revision {rev.number}.", "info")
    return redirect(url_for("designs.edit", design_id=design.id), 303)


def _save_and_submit(design, form):
    """"Submit revision N" from the editor acts on what is on screen (issue 17): the form
    as shown is saved as a new revision first when it differs from the latest one, then
    submitted; when it cannot be (unreadable, an error, a batch mismatch, saved elsewhere)
    nothing is submitted, the page says why and the edits stay on screen."""
    rs = rules()
    if design.status not in store.EDITABLE or design.archived:
        flash(f"Already {design.status.replace('_', ' ')}: nothing to do.", "info")
        return redirect(url_for("designs.edit", design_id=design.id), 303)
    refuse = "Not submitted: "
    if not form.validate():
        return _render_editor(design, form, 400, submit_note=refuse + "a field on screen is "
                              "not valid (marked below). Your edits are kept, not saved.")
    doc, report, problems, formula = _evaluate(form)
    if formula is None or _batch_check(form, formula, report):
        return _render_editor(design, form, 400, submit_note=refuse + "the formula on screen "
                              "cannot be checked as it is (see below). Your edits are kept, "
                              "not saved.")
    if not report.valid:
        n = sum(f.severity == "error" for f in report.findings)
        return _render_editor(design, form, 400, submit_note=(
            f"{refuse}the formula on screen has {n} error{'s' if n != 1 else ''}; the lab "
            "reviews valid formulas only. Fix them (or “Make it valid”) and submit again. "
            "Your edits are kept, not saved."))
    expected = whole_number(form.version.data, 1)
    if expected is None:
        abort(400)
    latest = store.revision(design)
    try:
        if expected != design.version or not _same_formula(formula, latest.document, rs):
            latest = store.save(current_user, design, formula, expected, rs)
            flash(f"Saved as revision {latest.number}.", "info")
    except store.Conflict as exc:
        return _render_editor(design, form, 409, conflict=str(exc),
                              submit_note=refuse + "this design was saved elsewhere meanwhile.")
    except (store.Locked, FormulaError) as exc:
        flash(f"{refuse}{exc}", "error")
        return redirect(url_for("designs.edit", design_id=design.id), 303)
    if not latest.valid:
        flash(refuse + "the saved revision has errors under the rules in force.", "error")
    elif store.transition(current_user, design, "submitted", "", allowed_from=store.EDITABLE):
        flash(f"Revision {design.version} submitted for lab review; it is locked.", "info")
    else:
        flash("The design changed meanwhile; nothing was submitted.", "error")
    return redirect(url_for("designs.edit", design_id=design.id), 303)


def _same_formula(formula, saved: dict, rs) -> bool:
    """Whether the form on screen says what the saved revision says: both as formula
    documents, an age that is the product type's own left out (the editor shows and
    posts it; a design saved without one means the same)."""
    def norm(f) -> dict:
        doc = f.to_document()
        pt = doc.get("product_type")  # an id, or the fields of one (a dict)
        own = rs.product_types.get(pt) if isinstance(pt, str) else None
        if doc.get("age") == ((own.age if own else "") or "adults"):
            doc.pop("age")
        return doc
    try:
        return norm(formula) == norm(parse_formula(saved, "saved"))
    except FormulaError:
        return False


def _batch_check(form, formula=None, report=None) -> bool:
    """Put a batch size that does not match units × fill on the batch size field (issue 17:
    50 kg against 1000 × 30 mL passed); True when it does not match."""
    if formula is None:
        _doc, report, _problems, formula = _evaluate(form)
    if formula is None or formula.batch is None or report is None:
        return False
    from ..engine.batch import density, fill_mismatch

    why = fill_mismatch(formula.batch, density(report, rules()))
    if why:
        form.batch_size.errors = [*form.batch_size.errors, why]
    return why is not None


@bp.route("/designs/preview", methods=["POST"])
@login_required
def preview_any():
    """Live validation: the findings panel for the posted form (touches no design), with
    the live summary for the editor to move into view (a <template> at its end)."""
    pending: list = []
    doc, report, problems, _f = _evaluate(None, request.form, pending)
    return render_template("designs/_panel.html", report=report, problems=problems, editable=True,
                           summary=_summary(report, doc, problems, pending),
                           pending=_pending_hints(pending), **_day_view(report))


def _repair(formula, pins: list[str]):
    """"Make it valid" on a parsed formula (None: the form cannot be read)."""
    from ..engine.repair import Pins, repair

    return repair(formula, rules(), Pins.parse(pins)) if formula is not None else None


def _pins(formdata) -> list[str]:
    """The pins the diff carries (one per line: a row's INCI name, "ph", "base")."""
    return [p.strip()[:200] for p in (formdata.get("pins") or "").split("\n")[:200] if p.strip()]


@bp.route("/designs/repair", methods=["POST"])
@login_required
def repair_preview():
    """The nearest valid formula to the posted form, as a diff to accept (touches no design)."""
    _doc, _report, problems, formula = _evaluate(None, request.form)
    pins = _pins(request.form)
    return render_template("designs/_repair.html", result=_repair(formula, pins),
                           problems=problems, pins=pins)


@bp.route("/designs/<int:design_id>/preview", methods=["POST"])
@login_required
def preview(design_id: int):
    _own(design_id)
    return preview_any()


@bp.route("/designs/<int:design_id>/advice", methods=["POST"])
@login_required
def advice(design_id: int):
    _own(design_id)
    rs = rules()
    _doc, report, _problems, formula = _evaluate(None, request.form)
    items = _advice_items(rs, formula, report, (request.form.get("q") or "").strip()[:60])
    return render_template("designs/_catalog.html", items=items, rs=rs)


class InFormula:
    """A search hit already in the formula: shown as such, not offered again (issue 17:
    "niacin" said "No ingredient matches" with Niacinamide in the formula)."""

    def __init__(self, iid: str, inci: str, percent: float, from_base: float):
        self.ingredient, self.inci, self.in_formula = iid, inci, True
        self.percent, self.from_base = human(percent), from_base > 0 and percent <= from_base


class AdviceList(list):
    """The catalog's advice, with the hits already in the formula (``present``) and what
    the query matched of each when not its INCI name (``why``: id → "synonym: …")."""

    present: list
    why: dict


def _advice_items(rs, formula, report, query: str):
    """The engine's advice for the ingredients matching ``query``: the catalog's and the
    CosIng inventory's, profiled ones first (configurator/web/catalog_search.py). Hits
    already in the formula are listed apart; no line offers more than the base can still
    carry (issue 17: a line offered 67.15 % in a base that carries 15 % of additions)."""
    out = AdviceList()
    out.present, out.why = [], {}
    if formula is None:
        return out
    index = catalog_index(rs)
    present = {line.ingredient: line for line in report.composition if line.ingredient}
    found = [index.ids[n] for n in index.search(query)[:60 + len(present)]]
    out.present = [InFormula(iid, present[iid].inci, present[iid].percent,
                             present[iid].from_base) for iid in found if iid in present][:10]
    ids = [iid for iid in found if iid not in present][:60]
    for iid in ids:
        rs.materialize(iid)  # the advice tries each in the formula: a built ingredient
    room = base_room(report, rs)
    for iid in ids:
        ing = rs.ingredients.get(iid)
        why = why_matched(rs, ing, query) if ing is not None else ""
        if why:
            out.why[iid] = why
    for a in advise(formula, rs, ids, report=report):
        if room is not None:
            ing = rs.ingredients.get(a.ingredient)
            cap = room[1] if ing is not None and ing.is_oil_phase else room[0]
            if a.max_percent is None or a.max_percent > cap:
                a = replace(a, max_percent=round(cap, 4))
            if cap <= 1e-9 and a.ok:
                a = replace(a, ok=False, reasons=(
                    "The base has no room left for it: the additions already take all it "
                    "carries.",))
            elif a.strength > cap:
                a = replace(a, strength=round(cap, 4))
        out.append(a)
    return out


_PROFILED_SHIPPED = 600  # the most names the editor page carries (issue 19: a flat page)


@per_rule_set
def profiled_options(rs) -> Markup:
    """The editor's datalist: the lab's profiled names as <option>s, built once per rule
    set (was a sort of every built entry on each page). A catalog of more than
    ``_PROFILED_SHIPPED`` profiled names ships none: the page stays the same size however
    large the catalog grows, and the script fills the list from ``GET /designs/catalog``
    as a name is typed (it does so for every catalog: from the second letter)."""
    names = sorted((i.inci for i in rs.ingredients.values() if i.profiled), key=str.casefold)
    if len(names) > _PROFILED_SHIPPED:
        return Markup("")
    return Markup("".join(f'<option value="{escape(n)}"></option>' for n in names))


@bp.route("/designs/catalog")
@login_required
def catalog_search():
    """The catalog search as JSON (``?q=…&limit=…``): the editor's name suggestions, so the
    page need not carry 30,000 names. Profiled ingredients first, each marked."""
    rs = rules()
    query = (request.args.get("q") or "")[:200]
    limit = whole_number(request.args.get("limit"))
    limit = 20 if limit is None else max(1, min(limit, 100))
    found = catalog_index(rs).search(query)
    return {"query": query, "total": len(found),
            "results": [h.as_json() for h in hits(rs, found[:limit], query)]}


@bp.route("/designs/<int:design_id>/rename", methods=["POST"])
@login_required
def rename(design_id: int):
    design = _own(design_id)
    form = RenameForm()
    if not form.validate_on_submit():
        flash("A name is 1 to 200 characters.", "error")
        return redirect(url_for("designs.edit", design_id=design.id), 303)
    store.rename(current_user, design, form.name.data.strip())
    flash("Renamed.", "info")
    return redirect(url_for("designs.edit", design_id=design.id), 303)


@bp.route("/designs/<int:design_id>/duplicate", methods=["POST"])
@login_required
def duplicate(design_id: int):
    design = _own_action(design_id)
    copy = store.duplicate(current_user, design, rules())
    flash(f"Duplicated as “{copy.name}”.", "info")
    return redirect(url_for("designs.edit", design_id=copy.id), 303)


@bp.route("/designs/<int:design_id>/archive", methods=["POST"])
@login_required
def archive(design_id: int):
    design = _own_action(design_id)
    archived = request.form.get("undo") != "1"
    try:
        store.set_archived(current_user, design, archived)
    except store.Locked:
        flash(f"This design is {design.status.replace('_', ' ')}: it can be archived once the "
              "lab has decided.", "error")
        return redirect(url_for("designs.dashboard"), 303)
    flash("Archived." if archived else "Restored from the archive.", "info")
    return redirect(url_for("designs.dashboard"), 303)


@bp.route("/designs/<int:design_id>/submit", methods=["POST"])
@login_required
def submit(design_id: int):
    design = _own_action(design_id)
    rev = store.revision(design)
    if design.status not in store.EDITABLE:
        flash(f"Already {design.status.replace('_', ' ')}: nothing to do.", "info")
    elif not rev.valid:
        flash("Fix the errors of the latest saved revision before submitting it.", "error")
    elif store.transition(current_user, design, "submitted", "",
                          allowed_from=store.EDITABLE):
        flash(f"Revision {design.version} submitted for lab review; it is locked.", "info")
    else:
        flash("The design changed meanwhile; nothing was submitted.", "error")
    return redirect(url_for("designs.edit", design_id=design.id), 303)
