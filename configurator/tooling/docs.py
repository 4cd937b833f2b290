"""``configurator rules docs -o DIR``: the rule set as static HTML pages.

For the lab, the safety assessor and clients' regulatory people who do not read
YAML. The pages are built from the **loaded** rule set (limits in %, every
ingredient by its INCI name, tags expanded), so they show what the engine
enforces, not what a file happens to say.

* ``index.html``: rules version, files read, counts, links.
* ``ingredients.html`` and ``ingredients/<id>.html``: the lab's profiled
  ingredients, then the regulated entries that have no lab profile; each page
  lists every EU and lab rule that touches it (its limit, counted factor,
  conditions, severity and source), its CosIng reference, functions and annex
  references, the bases that contain it, the constraints that forbid it.
* ``inventory.html``: every other name of the Commission's CosIng inventory (some
  25,000) as one table (INCI name, CosIng reference, CAS, functions), with a jump
  list by initial; a link to an ingredient without a page goes to its row there.
* ``rules.html``: every rule by kind; ``bases.html``, ``product-types.html``,
  ``constraints.html``; ``quiz.html`` when the rule set has a quiz (rendered
  generically from its data, whatever its grammar).

Decisions: a page is written for each profiled ingredient and each regulated
entry: one a rule names (every member, side or partner of a rule, tag-expanded
ones included) or one the inventory gives annex references. The ~25,000 others
have nothing to say beyond their inventory row, and a page each would make the
command take minutes: they are the rows of ``inventory.html``. Jinja2 with
autoescape on, so a note or a message in a rule file is
printed as text, never read as markup; one stylesheet (``style.css``, copied
beside the pages), no script, no font or image fetched from anywhere; links
are relative, so the folder can be zipped, served by any static server or
opened from disk. File names come from ids, which the loader restricts to
``[a-z0-9-]``; they are URL-quoted anyway.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..errors import ConfiguratorError
from ..rules.inventory import kebab, label_case
from ..rules.kinds import KINDS
from ..rules.kinds.words import fmt
from ..rules.model import PHASE_NAMES, Ingredient, Rule, RuleSet
from .diff import quiz_data

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "rulesdocs"
STYLESHEET = TEMPLATES / "style.css"


class DocsError(OSError, ConfiguratorError):
    """The output folder cannot be written."""

    def __init__(self, path: str, reason: str):
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"cannot write the rules docs to {self.path}: {self.reason}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(("html",), default=True),
                      undefined=StrictUndefined, auto_reload=False, keep_trailing_newline=True)
    env.filters["pct"] = lambda v: "—" if v is None else f"{fmt(float(v))} %"
    env.filters["num"] = lambda v: "—" if v is None else fmt(float(v))
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.tests["mapping"] = lambda v: isinstance(v, dict)
    env.tests["sequence"] = lambda v: isinstance(v, list | tuple)
    return env


# --------------------------------------------------------------------------- view model


def is_eu(rule: Rule) -> bool:
    """A regulatory rule cites the Regulation first (rules/README.md: `source`)."""
    return rule.source.startswith("Regulation")


def _when(rule: Rule) -> str:
    return (rule.when.describe() if rule.when is not None else "") or "all products"


def limit_text(rule: Rule, iid: str | None = None) -> str:
    """The rule's limit in words, for one member when ``iid`` is given (with its factor):
    its kind's words (configurator/rules/kinds)."""
    kind = KINDS.get(rule.kind)
    if kind is None:
        return ""
    text = kind.words(rule).limit
    return text + kind.member_words(rule, iid) if iid else text


@dataclass
class RuleView:
    id: str
    kind: str
    severity: str
    eu: bool
    limit: str
    when: str
    source: str
    message: str
    fix: str
    label_warning: str
    members: list[tuple[str, str, str]]  # (id, INCI, factor text)
    first: list[tuple[str, str]]
    second: list[tuple[str, str]]
    then: list[tuple[str, str]]
    expr: str
    where: str


@dataclass
class Touch:
    """One rule as seen from one ingredient's page."""

    rule: RuleView
    role: str
    limit: str


@dataclass
class IngredientView:
    ing: Ingredient
    phase_name: str
    ec: tuple[str, ...] = ()  # from the CosIng inventory row, when there is one
    inn: str = ""
    ph_eur: str = ""
    regulated: str = ""  # "Annex II 1339, Annex III 14": the entries that restrict it
    touches_eu: list[Touch] = field(default_factory=list)
    touches_lab: list[Touch] = field(default_factory=list)
    bases: list[tuple[str, str, float]] = field(default_factory=list)
    constraints: list[tuple[str, str]] = field(default_factory=list)
    contains: list[tuple[str, str, float]] = field(default_factory=list)
    carried_by: list[tuple[str, str, float]] = field(default_factory=list)


def _pairs(rs: RuleSet, ids) -> list[tuple[str, str]]:
    return sorted(((i, rs.ingredients[i].inci) for i in ids if i in rs.ingredients),
                  key=lambda p: p[1].casefold())


def rule_view(rs: RuleSet, r: Rule) -> RuleView:
    members = sorted(((i, rs.ingredients[i].inci, "" if f == 1 else f"× {fmt(f)}")
                      for i, f in r.members.items() if i in rs.ingredients),
                     key=lambda m: m[1].casefold())
    return RuleView(
        id=r.id, kind=r.kind, severity=r.severity, eu=is_eu(r), limit=limit_text(r),
        when=_when(r), source=r.source, message=r.message, fix=r.fix,
        label_warning=r.label_warning, members=members, first=_pairs(rs, r.first),
        second=_pairs(rs, r.second), then=_pairs(rs, r.then), expr=r.expr_text,
        where=f"{r.file}:{r.line}" if r.file else "",
    )


def _view(rs: RuleSet, ing: Ingredient) -> IngredientView:
    v = IngredientView(ing, PHASE_NAMES.get(ing.phase, ing.phase), regulated=rs.regulated(ing.id))
    row = rs.inventory.rows.get(f"cosing-{ing.cosing_ref}") if rs.inventory is not None \
        and ing.cosing_ref else None
    if row is not None:
        v.ec, v.inn, v.ph_eur = row.ec, row.inn, row.ph_eur
    return v


def ingredient_views(rs: RuleSet, rules: dict[str, RuleView]) -> dict[str, IngredientView]:
    """Every built ingredient with the rules, bases and constraints that concern it."""
    views = {i.id: _view(rs, i) for i in rs.ingredients.values()}
    for r in rs.rules:
        rv = rules[r.id]
        roles: dict[str, str] = {}
        for iid in r.members:
            roles[iid] = {"requires": "if present", "declare": "labelled",
                          "ph-window": "pH window"}.get(r.kind, "limited")
        for iid in r.first | r.second:
            roles.setdefault(iid, "one of the pair")
        for iid in r.then:
            roles.setdefault(iid, "one of the required")
        for iid in r.expr_names:
            roles.setdefault(iid, "named in the expression")
        for iid in r.triggers:
            # an essential oil triggers the labelling rules of the allergens it contains
            roles.setdefault(iid, "brings a constituent it limits"
                             if r.kind == "declare" else "triggers it")
        for iid, role in roles.items():
            v = views.get(iid)
            if v is None:
                continue
            t = Touch(rv, role, limit_text(r, iid) if iid in r.members else rv.limit)
            (v.touches_eu if rv.eu else v.touches_lab).append(t)
    for b in rs.bases.values():
        for line in b.composition:
            views[line.ingredient].bases.append((b.id, b.name, line.percent))
    for c in rs.constraints.values():
        for iid in c.forbid:
            if iid in views:
                views[iid].constraints.append((c.id, c.name))
        for tm in c.tag_max:
            for iid in views:
                if iid in tm.members or views[iid].ing.tags & tm.tags:
                    views[iid].constraints.append((c.id, f"{c.name} (total ≤ {fmt(tm.max)} %)"))
    for i in rs.ingredients.values():
        for cid, p in i.contains:
            if cid in views:
                views[i.id].contains.append((cid, rs.ingredients[cid].inci, p))
                views[cid].carried_by.append((i.id, i.inci, p))
    return views


@dataclass(frozen=True)
class InventoryRow:
    """A name of the inventory without a page of its own: one row of ``inventory.html``."""

    id: str
    inci: str
    ref: str
    cas: str
    functions: str
    tags: str


def inventory_rows(rs: RuleSet, paged: set[str]) -> list[InventoryRow]:
    """Every ingredient the rule set knows and gives no page, by INCI name: the catalog's
    unprofiled names and the inventory's rows the catalog does not profile."""
    rows = rs.inventory.rows if rs.inventory is not None else {}
    catalog = [i for iid, i in rs.ingredients.items() if iid not in rows]
    covered = {i.inci.casefold() for i in catalog}
    functions: dict[tuple[str, ...], str] = {}  # few distinct lists: kebab-case them once
    out = [InventoryRow(i.id, i.inci, i.cosing_ref, ", ".join(i.cas), ", ".join(i.functions),
                        ", ".join(sorted(i.tags)))
           for i in catalog if i.id not in paged]
    for iid, row in rows.items():
        if iid in paged or row.inci.casefold() in covered:
            continue
        f = functions.get(row.functions)
        if f is None:
            f = functions[row.functions] = ", ".join(kebab(x) for x in row.functions)
        built = rs.ingredients.get(iid)  # tagged entries are built at load (Inventory.eager)
        out.append(InventoryRow(iid, label_case(row.inci), row.ref, ", ".join(row.cas), f,
                                ", ".join(sorted(built.tags)) if built is not None else ""))
    out.sort(key=lambda r: (r.inci.casefold(), r.id))
    return out


def initial(name: str) -> str:
    """The jump-list letter of a name: A–Z, or "#" for one that starts otherwise."""
    c = name[:1].upper()
    return c if "A" <= c <= "Z" else "#"


def build_context(rs: RuleSet) -> dict[str, Any]:
    """Everything the templates show, computed once."""
    rules = {r.id: rule_view(rs, r) for r in rs.rules}
    by_kind: dict[str, list[RuleView]] = {}
    for r in rs.rules:
        by_kind.setdefault(r.kind, []).append(rules[r.id])
    views = ingredient_views(rs, rules)
    paged = {iid for iid, v in views.items()
             if v.ing.profiled or v.touches_eu or v.touches_lab or v.ing.annexes}
    ingredients = sorted((views[i].ing for i in paged),
                         key=lambda i: (not i.profiled, i.inci.casefold(), i.id))
    inventory = inventory_rows(rs, paged)
    letters: dict[str, str] = {}  # initial -> the id of the first row with it
    for row in inventory:
        letters.setdefault(initial(row.inci), row.id)
    pt_bases = {p: [b for b in rs.bases.values() if p in b.suits] for p in rs.product_types}
    return {
        "rs": rs,
        "version": rs.version,
        "files": list(rs.files),
        "rules": rules,
        "kinds": [(k, KINDS[k].title or k, by_kind[k]) for k in KINDS if k in by_kind]
                 + [(k, k, v) for k, v in by_kind.items() if k not in KINDS],
        "ingredients": ingredients,
        "profiled": sum(1 for i in ingredients if i.profiled),
        "views": views,
        "paged": paged,
        "inventory": inventory,
        "letters": letters,
        "initial": initial,
        "inventory_size": len(rs.inventory.rows) if rs.inventory is not None else 0,
        "bases": list(rs.bases.values()),
        "product_types": list(rs.product_types.values()),
        "pt_bases": pt_bases,
        "constraints": list(rs.constraints.values()),
        "quiz": quiz_data(rs),
        "inci": lambda iid: rs.ingredients[iid].inci if iid in rs.ingredients else iid,
        "eu_count": sum(1 for r in rs.rules if is_eu(r)),
        "phase_names": PHASE_NAMES,
    }


# --------------------------------------------------------------------------- writing


def write_docs(rs: RuleSet, out: str | Path) -> list[Path]:
    """Render every page into ``out`` (created if needed); return the files written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DocsError(str(out), "it is a file, not a folder")
    env = _env()
    ctx = build_context(rs)
    paged = ctx["paged"]
    # where a link to an ingredient goes: its page, or its row of the inventory's table
    env.globals["href"] = lambda iid: (f"ingredients/{quote(iid, safe='')}.html" if iid in paged
                                       else f"inventory.html#{quote(iid, safe='')}")
    pages: list[tuple[str, str, dict[str, Any]]] = [
        ("index.html", "index.html", {}),
        ("ingredients.html", "ingredients.html", {}),
        ("inventory.html", "inventory.html", {}),
        ("rules.html", "rules.html", {}),
        ("bases.html", "bases.html", {}),
        ("product-types.html", "product_types.html", {}),
        ("constraints.html", "constraints.html", {}),
    ]
    if ctx["quiz"] is not None:
        pages.append(("quiz.html", "quiz.html", {}))
    for ing in ctx["ingredients"]:
        pages.append((f"ingredients/{ing.id}.html", "ingredient.html", {"v": ctx["views"][ing.id]}))
    written: list[Path] = []
    try:
        (out / "ingredients").mkdir(parents=True, exist_ok=True)
        for name, template, extra in pages:
            root = "../" * name.count("/")
            html = env.get_template(template).render(**ctx, **extra, root=root, page=name)
            path = out / name
            path.write_text(html, encoding="utf-8")
            written.append(path)
        shutil.copyfile(STYLESHEET, out / "style.css")
        written.append(out / "style.css")
    except OSError as exc:
        raise DocsError(str(out), exc.strerror or str(exc)) from None
    return written
