"""R&D's side: the rule set in force, the catalog, the rules, the last impact report.

Everything here reads the :class:`~configurator.rules.holder.RuleSetHolder` of the
app (``current`` and the ``problems`` of the last failed reload); nothing here
changes a rule file. The only action is "reload now", which asks the holder to
load the folder again: a broken edit never goes into force, the page lists its
``file:line`` problems and says which version the app is still serving.

Decisions:

* The catalog is every ingredient the rule set knows: the lab's profiled ones
  first, then the annex substances and the whole CosIng inventory (~31,000
  entries), an inventory entry marked "no lab profile". Search is
  :mod:`configurator.web.catalog_search` (an index built once per rule set, 2-12 ms
  a query) over INCI name, id, synonyms, trade names, INN and Ph. Eur. names, the
  annexes' names, CAS and EC numbers, CosIng reference, tags and functions, ranked
  exact > prefix > substring > tag/function. The query is NFKC-normalised and
  case-folded, control characters dropped, and cut to ``MAX_QUERY`` characters
  (with a note) so no input can make a page fail.
* An inventory entry's page is built from the inventory (not added to the rule
  set): its CosIng reference, functions, CAS/EC numbers and annex references, each
  reference with the rules that cite that entry, and the rules that name it.
* Pages are plain GET links (``?q=…&page=N``): they work without JavaScript; a
  page number that is not a positive integer means page 1, one past the end
  means the last page.
* A rule's "source annex" is read from its ``source`` text (``Annex V, entry
  29``, the form the loader demands of a regulatory source); a rule without one
  (lab practice, a paper, "each Annex V limit still applies") is filed under "other".
* "Loaded at" is the holder's ``loaded_at`` (this worker's swap time); the
  problems of a broken edit are the holder's, with ``problems_at``. Each
  worker process has its own holder: "reload now" reloads the worker that
  answers, the others follow through their own per-request look at the files
  (``RULES_CHECK_SECONDS``; with it negative, only a restart brings them along).
* The impact report is read from the last ``ImpactRun`` row
  (:func:`configurator.tooling.impact.latest_impact_run`); at most
  ``IMPACT_LIMIT`` designs are listed per group so a big run stays a page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..derived import per_rule_set
from ..errors import RuleSetError
from ..rules.holder import ANNEX_RE  # a regulatory source as the loader demands it
from ..rules.kinds import KINDS
from ..rules.model import PHASE_NAMES, Rule, RuleSet
from .auth import role_required
from .catalog_search import catalog_index, hits, ingredient_of

bp = Blueprint("rnd", __name__, url_prefix="/rnd")
RND = ("rnd", "admin")
PER_PAGE = 25
MAX_QUERY = 200
IMPACT_LIMIT = 100  # designs shown per group of the impact report (the CLI's JSON has them all)
IMPACT_WEB_MAX = 20_000  # designs an impact run started from the page may check (in the request)
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
KIND_ORDER = tuple(KINDS)  # the kinds' table order


class ReloadForm(FlaskForm):
    """Only the CSRF token."""


class PromoteForm(FlaskForm):
    """Promote the refused edit: the version R&D looked at, and why its coverage may go."""

    version = HiddenField(validators=[DataRequired(), Length(max=80)])
    reason = TextAreaField("Reason (required, recorded)",
                           validators=[DataRequired(), Length(max=2000)])


# ---- the rule set in force ---------------------------------------------------------

def _holder():
    return current_app.extensions["rules"]


def short(version: str) -> str:
    """``sha256:0bc421d2b1d2`` (enough to tell versions apart on a page)."""
    return version[:19]


@bp.context_processor
def _rnd_helpers():
    holder = current_app.extensions["rules"]
    return {"holder": holder, "rs": holder.current, "short": short, "limit_text": limit_text,
            "annex_of": annex_of, "phase_names": PHASE_NAMES, "num": num}


# ---- input cleaning ------------------------------------------------------------------

def clean_query(raw: str) -> tuple[str, bool]:
    """Normalised, case-folded search text, and whether it was cut to ``MAX_QUERY``."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    cut = len(text) > MAX_QUERY
    return text[:MAX_QUERY], cut


def page_number(raw: str | None) -> int:
    raw = (raw or "").strip()
    if raw.isascii() and raw.isdigit():
        return max(1, int(raw)) if len(raw) <= 9 else 10**9  # clamped to the last page later
    return 1


@dataclass
class Page:
    items: list
    number: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * PER_PAGE)


def paginate(items: list, number: int) -> Page:
    pages = max(1, -(-len(items) // PER_PAGE))
    number = min(max(1, number), pages)
    return Page(items[(number - 1) * PER_PAGE:number * PER_PAGE], number, pages, len(items))


# ---- catalog search ------------------------------------------------------------------

def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


def search_catalog(rs: RuleSet, query: str, tag: str = "") -> list[int]:
    """Positions in the catalog index matching ``query`` (and carrying ``tag``), best first."""
    return catalog_index(rs).search(query, tag)


_CITED = re.compile(r"\bAnnex ([IVX]+), entr(?:y|ies) (\w+)(?: and (\w+))?")


@per_rule_set
def annex_citations(rs: RuleSet) -> dict[str, list[Rule]]:
    """``"II/1339"`` (CosIng's form of an annex reference) -> the rules whose source cites
    that entry (built once per rule set)."""
    got: dict[str, list[Rule]] = {}
    for r in rs.rules:
        for annex, *entries in _CITED.findall(r.source or ""):
            for e in filter(None, entries):
                got.setdefault(f"{annex}/{e}", []).append(r)
    return got


def annex_refs(cosing: tuple[str, ...], regulated: str) -> list[str]:
    """The annex entries of an ingredient as CosIng writes them ("III/325"): those the
    inventory lists and those the rules enforce on it ("Annex III 325"), in annex order."""
    refs = set(cosing) | {f"{a}/{e}" for a, e in re.findall(r"Annex ([IVX]+) (\w+)", regulated)}

    def key(ref: str) -> tuple:
        annex, entry = ref.split("/", 1)
        digits = re.match(r"\d+", entry)
        return annex_key(annex), int(digits.group(0)) if digits else 0, entry

    return sorted(refs, key=key)


# ---- rules: how they read ------------------------------------------------------------

def num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.6g}"


def annex_of(rule: Rule) -> str:
    """``"V"`` for "…, Annex V, entry 29"; ``""`` for a rule without an annex."""
    m = ANNEX_RE.search(rule.source or "")
    return m.group(1) if m else ""


def annex_key(annex: str) -> tuple[int, str]:
    return ROMAN.get(annex, 99), annex


def _inci_sorted(rs: RuleSet, ids) -> list[str]:
    return sorted(rs.ingredients[i].inci for i in ids if i in rs.ingredients)


def limit_text(rule: Rule, rs: RuleSet | None = None) -> str:
    """What the rule asks, in one line (its kind's words: configurator/rules/kinds)."""
    kind = KINDS.get(rule.kind)
    if kind is None:
        return ""
    return kind.words(rule, (lambda ids: _inci_sorted(rs, ids)) if rs is not None else None).prose


def roles_in(rule: Rule, iid: str) -> list[str]:
    """How an ingredient takes part in a rule."""
    roles = []
    if iid in rule.members:
        factor = rule.members[iid]
        if rule.kind == "requires":
            roles.append("its presence triggers the requirement")
        else:
            roles.append("counted" + (f" × {num(factor)}" if factor != 1 else ""))
    if iid in rule.first or iid in rule.second:
        roles.append("one side of the pair")
    if iid in rule.then:
        roles.append("satisfies the requirement")
    if iid in rule.expr_names:
        roles.append("named in the expression")
    if not roles and iid in rule.triggers:
        roles.append("brings in a constituent it covers" if rule.kind == "declare"
                     else "its presence makes the rule run")
    return roles


def rules_touching(rs: RuleSet, iid: str) -> list[tuple[Rule, list[str]]]:
    out = []
    for r in rs.rules:
        roles = roles_in(r, iid)
        if roles == ["its presence makes the rule run"] and len(r.triggers) * 10 >= len(
                rs.ingredients) * 9:
            roles = ["runs on nearly every formula (any of its tags)"]
        if roles:
            out.append((r, roles))
    out.sort(key=lambda t: (KIND_ORDER.index(t[0].kind) if t[0].kind in KIND_ORDER else 99,
                            t[0].id))
    return out


def filter_rules(rs: RuleSet, kind: str, annex: str, query: str) -> list[Rule]:
    q = _fold(query)
    out = []
    for r in rs.rules:
        if kind and r.kind != kind:
            continue
        if annex:
            a = annex_of(r)
            if (annex == "other" and a) or (annex != "other" and a != annex):
                continue
        if q and not (q in _fold(r.id) or q in _fold(r.source) or q in _fold(r.message)
                      or any(q in _fold(rs.ingredients[i].inci) for i in r.triggers | set(r.members)
                             if i in rs.ingredients)):
            continue
        out.append(r)
    return out


# ---- pages ---------------------------------------------------------------------------

@bp.route("/")
@role_required(*RND)
def home():
    holder = _holder()
    rs = holder.current
    kinds = {}
    annexes = {}
    for r in rs.rules:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
        a = annex_of(r) or "other"
        annexes[a] = annexes.get(a, 0) + 1
    return render_template(
        "rnd/home.html", loaded=getattr(holder, "loaded_at", None),
        problems=list(holder.problems), problems_at=getattr(holder, "problems_at", None),
        kinds=sorted(kinds.items(), key=lambda kv: KIND_ORDER.index(kv[0])
                     if kv[0] in KIND_ORDER else 99),
        annexes=sorted(annexes.items(), key=lambda kv: (kv[0] == "other", annex_key(kv[0]))),
        auto_reload=current_app.config.get("RULES_CHECK_SECONDS", -1) >= 0,
        form=ReloadForm(), pending=holder.pending,
        promote_form=PromoteForm(version=holder.pending.version) if holder.pending else None)


@bp.route("/promote", methods=["POST"])
@role_required(*RND)
def promote():
    """Put the refused edit into force though it drops coverage; the reason is recorded."""
    form = PromoteForm()
    if not form.validate_on_submit():
        flash("Write the reason for the promotion; nothing was changed.", "error")
        return home(), 400
    holder = _holder()
    try:
        verdict = holder.promote(form.version.data, form.reason.data, current_user.email)
    except RuleSetError as exc:
        flash(f"Not promoted: the folder no longer loads ({len(exc.problems)} problem(s)).",
              "error")
        return redirect(url_for("rnd.home"), 303)
    if verdict.ok:
        flash(f"Version {short(verdict.version)} promoted and in force; reason recorded.", "info")
    else:
        flash("Not promoted: " + "; ".join(verdict.problems), "error")
    return redirect(url_for("rnd.home"), 303)


@bp.route("/reload", methods=["POST"])
@role_required(*RND)
def reload():
    if not ReloadForm().validate_on_submit():
        abort(400)
    holder = _holder()
    before = holder.current.version
    try:
        changed = holder.reload()
    except Exception as exc:  # an unreadable folder must not become a 500
        current_app.logger.exception("rules reload failed")
        flash(f"The rules folder could not be read ({type(exc).__name__}: {exc}); "
              f"the app is still serving version {short(before)}.", "error")
        return redirect(url_for("rnd.home"), 303)
    now_version = holder.current.version
    if holder.problems:
        flash(f"The edit has {len(holder.problems)} problem(s); the app is still serving "
              f"version {short(now_version)}.", "error")
    elif changed:
        flash(f"Version {short(now_version)} is now in force (was {short(before)}).", "info")
    else:
        flash(f"No change: version {short(now_version)} is still in force.", "info")
    return redirect(url_for("rnd.home"), 303)


@bp.route("/catalog")
@role_required(*RND)
def catalog():
    rs = _holder().current
    query, cut = clean_query(request.args.get("q", ""))
    tag = request.args.get("tag", "")
    bad_tag = bool(tag) and tag not in rs.all_tags
    if bad_tag:
        tag = ""
    page = paginate(search_catalog(rs, query, tag), page_number(request.args.get("page")))
    page.items = hits(rs, page.items, query)
    return render_template("rnd/catalog.html", q=query, cut=cut, tag=tag, bad_tag=bad_tag,
                           page=page, tags=sorted(rs.all_tags), max_query=MAX_QUERY,
                           inventory_size=len(rs.inventory.rows) if rs.inventory else 0)


@bp.route("/catalog/<string:iid>")
@role_required(*RND)
def ingredient(iid: str):
    rs = _holder().current
    ing = ingredient_of(rs, iid)
    if ing is None:
        found = rs.lookup(iid) if len(iid) <= MAX_QUERY else None
        if found is None:
            abort(404)
        return redirect(url_for("rnd.ingredient", iid=found), 301)
    bases = [(b, line.percent) for b in rs.bases.values() for line in b.composition
             if line.ingredient == iid]
    constraints = []
    for c in rs.constraints.values():
        if iid in c.forbid:
            tags = sorted(ing.tags & c.forbid_tags)
            constraints.append((c, "forbidden" + (f" (tag {', '.join(tags)})" if tags else "")))
        for tm in c.tag_max:
            if iid in tm.members:
                constraints.append((c, f"counts toward {', '.join(sorted(tm.tags)) or 'a group'} "
                                       f"≤ {num(tm.max)} %"))
    in_materials = [(m, pct) for m in rs.ingredients.values() for cid, pct in m.contains
                    if cid == iid]
    inv = rs.inventory
    row = inv.rows.get(f"cosing-{ing.cosing_ref}") if inv is not None and ing.cosing_ref else None
    citations = annex_citations(rs)
    regulated = rs.regulated(iid)
    annexes = [(ref, citations.get(ref, [])) for ref in annex_refs(ing.annexes, regulated)]
    return render_template("rnd/ingredient.html", ing=ing, touching=rules_touching(rs, iid),
                           bases=bases, constraints=constraints, in_materials=in_materials,
                           row=row, annexes=annexes, regulated=regulated)


@bp.route("/rules")
@role_required(*RND)
def rule_list():
    rs = _holder().current
    kind = request.args.get("kind", "")
    kinds = [k for k in KIND_ORDER if any(r.kind == k for r in rs.rules)]
    if kind not in kinds:
        kind = ""
    annexes = sorted({annex_of(r) for r in rs.rules} - {""}, key=annex_key)
    annex = request.args.get("annex", "")
    if annex not in annexes and annex != "other":
        annex = ""
    query, cut = clean_query(request.args.get("q", ""))
    found = filter_rules(rs, kind, annex, query)
    page = paginate(found, page_number(request.args.get("page")))
    return render_template("rnd/rules.html", page=page, kind=kind, kinds=kinds, annex=annex,
                           annexes=annexes, q=query, cut=cut)


@bp.route("/rules/<string:rid>")
@role_required(*RND)
def rule(rid: str):
    rs = _holder().current
    found = next((r for r in rs.rules if r.id == rid), None)
    if found is None:
        abort(404)
    extra = found.triggers - set(found.members) - found.first - found.second
    return render_template("rnd/rule.html", rule=found, extra=extra)


# ---- the last impact report ----------------------------------------------------------

def _latest_impact():
    """The last impact run, or None."""
    from ..store import db
    from ..tooling.impact import latest_impact_run

    return latest_impact_run(db.session())


@bp.route("/impact")
@role_required(*RND)
def impact():
    run = _latest_impact()
    rule_ids = {r.id for r in _holder().current.rules}
    return render_template("rnd/impact.html", run=run, rule_ids=rule_ids, limit=IMPACT_LIMIT,
                           form=ImpactForm(), max_designs=IMPACT_WEB_MAX)


class ImpactForm(FlaskForm):
    """Only the CSRF token: the candidate is the rules folder as it is on disk."""


@bp.route("/impact/run", methods=["POST"])
@role_required(*RND)
def run_impact():
    """An impact run from the web (issue 17): the rules folder as it is on disk now.

    The candidate is never a path from the request (the page must not read any folder
    of the server): it is the folder the app serves, which holds R&D's edit until it
    goes live. When that folder is the set in force, the run compares each revision's
    stored findings, as ``configurator rules impact`` without ``--rules`` does. It runs
    in the request, so it is capped at ``IMPACT_WEB_MAX`` designs (the command has no cap).
    """
    from ..rules import load_rules
    from ..store import db
    from ..tooling.impact import impact as impact_report
    from ..tooling.impact import latest_designs, save_run

    if not ImpactForm().validate_on_submit():
        abort(400)
    holder = _holder()
    try:
        candidate = load_rules(holder.directory)
    except RuleSetError as exc:
        flash(f"The rules folder on disk does not load ({len(exc.problems)} problem(s)); "
              "fix them first (see Rules in force).", "error")
        return redirect(url_for("rnd.impact"), 303)
    except Exception as exc:  # an unreadable folder must not become a 500
        current_app.logger.exception("impact: the rules folder could not be read")
        flash(f"The rules folder could not be read ({type(exc).__name__}); no run.", "error")
        return redirect(url_for("rnd.impact"), 303)
    in_force = holder.current
    session = db.session()
    same = candidate.version == in_force.version
    # the stored documents, read as the command reads them (documents=True: straight into
    # the bulk arrays, each formula parsed only where it is needed)
    items, docs, stored, _none = latest_designs(session, stored=same, parse=False)
    if len(items) > IMPACT_WEB_MAX:
        flash(f"{len(items)} designs are more than a page runs ({IMPACT_WEB_MAX}); run "
              f"'configurator rules impact --rules {holder.directory}' instead.", "error")
        return redirect(url_for("rnd.impact"), 303)
    report = impact_report(items, docs, None if same else in_force, candidate,
                           stored if same else None, documents=True)
    unreadable = report.pop("unreadable")
    report.update(rules_dir=str(holder.directory), candidate_dir=str(holder.directory),
                  unreadable=unreadable, started_by=current_user.email)
    save_run(session, report)
    flash(f"Impact run done: {report['designs_changed']} of {report['designs_checked']} design(s) "
          f"change, {len(report['verdict_changes'])} verdict(s) change.", "info")
    return redirect(url_for("rnd.impact"), 303)
