"""The engine: a :class:`Formula` and a :class:`RuleSet` in, a :class:`Report` out.

It knows nothing of Flask, SQL or PDF. It never raises on a formula that
:func:`parse_formula` accepted: everything wrong with it is a finding.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import NamedTuple

from ..days import day_text
from ..rules.category import CATEGORY_NAMES, question
from ..rules.model import Base, Ingredient, Rule, RuleSet
from .checks import Context, fmt, ph_problem, window_text
from .compose import Draft, compose
from .formula import Formula
from .plan import plan_for
from .report import Finding, FixAction, Line, Report

DEFAULT_PRODUCT = ("leave-on", "face", "")  # the strictest reading when the type is unknown


class Product(NamedTuple):
    """What the product is, as the rules read it (:func:`resolve_product`)."""

    application: str
    area: str
    form: str
    type_id: str | None  # the product type's id, None when given by its fields
    age: str  # "" for adults


def resolve_product(formula: Formula, rs: RuleSet, out: list[Finding]) -> Product:
    """The formula's product, as :func:`check` reads it; a finding joins ``out`` for an
    unknown product type (checked as a leave-on face product)."""
    return Product(*_product(formula, rs, out))


def resolve_base(formula: Formula, rs: RuleSet, out: list[Finding]) -> Base | None:
    """The formula's base, as :func:`check` reads it; a finding joins ``out`` for an
    unknown one."""
    return _base(formula, rs, out)


def base_suits(base: Base, rs: RuleSet, product: Product) -> bool:
    """Whether ``base`` is meant for the product (a ``base-unsuitable`` warning if not)."""
    return _suits(base, rs, product.application, product.area, product.type_id)


def _product(formula: Formula, rs: RuleSet,
             out: list[Finding]) -> tuple[str, str, str, str | None, str]:
    """(application, area, form, product type id, age): ``age`` is "" for adults."""
    spec = formula.product_type
    age = "" if spec.age == "adults" else spec.age
    if spec.id is None:
        return spec.application or "leave-on", spec.area or "face", spec.form, None, age
    pt = rs.product_types.get(spec.id)
    if pt is None:
        out.append(Finding(
            "error", "unknown-reference", "product-type", (),
            f"Unknown product type {spec.id!r}; checked as a leave-on face product.",
            "", "Choose a product type from the catalog (configurator catalog)."))
        return (*DEFAULT_PRODUCT, None, age)
    return pt.application, pt.area, pt.form, pt.id, (age if spec.age else pt.age)


def _base(formula: Formula, rs: RuleSet, out: list[Finding]) -> Base | None:
    if formula.base is None:
        return None
    base = rs.bases.get(formula.base)
    if base is None:
        out.append(Finding("error", "unknown-reference", "base", (),
                           f"Unknown base {formula.base!r}.", "",
                           "Choose a base from the catalog, or give the whole formula."))
    return base


def _suits(base: Base, rs: RuleSet, app: str, area: str, pt_id: str | None) -> bool:
    if not base.suits:
        return True
    if pt_id is not None:
        return pt_id in base.suits
    return any(rs.product_types[s].application == app and rs.product_types[s].area == area
               for s in base.suits if s in rs.product_types)


def _use_range(ing: Ingredient, p: float, above: bool) -> Finding:
    """The warning for an addition above (or below) its usual use range."""
    usual_max = fmt(ing.use_max if above else (ing.use_max or 100))
    to = ing.use_max if above else ing.use_min
    return Finding(
        "warning", "use-range", f"catalog-{ing.id}-use", (ing.inci,),
        f"{ing.inci} at {fmt(p)} % is {'above' if above else 'below'} its usual use level "
        f"({fmt(ing.use_min or 0)}–{usual_max} %){'' if above else '; it may do little'}.",
        "Ingredient catalog", f"{'Lower' if above else 'Raise'} {ing.inci} to {fmt(to)} %",
        FixAction("set-percent", ing.inci, to))


def _ph_window(ing: Ingredient, ph: float) -> Finding | None:
    """The warning for a target pH outside an ingredient's catalog pH window."""
    problem = ph_problem(ph, (ing.inci,), ing.ph_min, ing.ph_max)
    if problem is None:
        return None
    message, fix, action = problem
    return Finding("warning", "ph-window", f"catalog-{ing.id}-ph", (ing.inci,),
                   message, "Ingredient catalog", fix, action)


def _base_checks(ctx: Context, d: Draft, base: Base, out: list[Finding]) -> None:
    """What a base can carry: its pH range, total additions, the oil phase, water-only
    ingredients."""
    ings = ctx.rs.ingredients
    added = d.added
    ph = ctx.ph
    if ph is not None and ((base.ph_min is not None and ph < base.ph_min - 1e-9)
                           or (base.ph_max is not None and ph > base.ph_max + 1e-9)):
        # the base's thickener, emulsifier and preservative were chosen for its range
        # (rules/bases.yaml says why for each): outside it the base may thin out,
        # separate or be under-preserved
        _message, fix, action = ph_problem(ph, (base.name,), base.ph_min, base.ph_max)
        out.append(Finding(
            "warning", "ph-window", f"base-{base.id}-ph", (),
            f"Target pH {fmt(ph)} is outside the working pH range of the base {base.name} "
            f"({window_text(base.ph_min, base.ph_max)}): its thickener, emulsifier and preservative system are made for "
            "that range; outside it the base may thin out, separate or be under-preserved.",
            f"Base “{base.name}”", f"{fix}, or choose a base made for pH {fmt(ph)}.", action))
    total = sum(added.values())
    if total > base.capacity_additions + 1e-9:
        out.append(Finding(
            "error", "base-capacity", f"base-{base.id}", (),
            f"The additions total {fmt(total)} %; the base {base.name} carries at most "
            f"{fmt(base.capacity_additions)} %.", f"Base “{base.name}”",
            f"Reduce the additions by {fmt(total - base.capacity_additions)} %{_REPAIR}"))
    oil = {i: p for i, p in added.items() if ings[i].is_oil_phase}
    oil_total = sum(oil.values())
    aqueous = any(ings[i].solubility == "water" and p >= 5 for i, p in d.from_base.items())
    if oil and base.capacity_oil <= 0:
        for iid in oil:
            out.append(Finding(
                "error", "solubility", f"base-{base.id}", (ings[iid].inci,),
                f"{ings[iid].inci} is oil-soluble and the base {base.name} has no oil phase "
                "to carry it.", f"Base “{base.name}”",
                f"Remove {ings[iid].inci}, or choose an emulsion or oil base.",
                FixAction("remove", ings[iid].inci)))
    elif oil_total > base.capacity_oil + 1e-9:
        out.append(Finding(
            "error", "base-capacity", f"base-{base.id}-oil", tuple(ings[i].inci for i in oil),
            f"The oil-phase additions total {fmt(oil_total)} %; the base {base.name} "
            f"carries at most {fmt(base.capacity_oil)} %.", f"Base “{base.name}”",
            f"Reduce the oil-phase additions by {fmt(oil_total - base.capacity_oil)} %{_REPAIR}"))
    if not aqueous:
        for iid in added:
            if ings[iid].solubility == "water" and iid not in d.from_base:
                out.append(Finding(
                    "error", "solubility", f"base-{base.id}", (ings[iid].inci,),
                    f"{ings[iid].inci} dissolves only in water and the base {base.name} is "
                    "anhydrous.", f"Base “{base.name}”",
                    f"Remove {ings[iid].inci}, or choose a water-based base.",
                    FixAction("remove", ings[iid].inci)))


# a fix that needs a choice (what to cut) points to the repair, which makes it
_REPAIR = ("; “Make it valid” (configurator repair, POST /api/v1/repair) proposes the "
           "nearest formula that fits, and what it changes.")


def _constraints(formula: Formula, ctx: Context, cost: float | None, out: list[Finding]) -> None:
    rs = ctx.rs
    for cid in formula.constraints:
        c = rs.constraints.get(cid)
        if c is None:
            out.append(Finding("error", "unknown-reference", "constraint", (),
                               f"Unknown constraint {cid!r}.", "",
                               "Remove it, or choose one from the catalog."))
            continue
        bad = c.forbid & ctx.live
        for iid in ctx.present if bad else ():
            if iid in bad:
                ing = rs.ingredients[iid]
                why = sorted(t.replace("-", " ") for t in ing.tags & c.forbid_tags)
                reason = f" ({', '.join(why)})" if why else ""
                out.append(Finding(
                    "error", "constraint", f"constraint-{cid}", (ing.inci,),
                    f"{ing.inci}{reason} is not allowed under the constraint “{c.name}”.",
                    f"Constraint {c.name}", f"Remove {ing.inci}.", FixAction("remove", ing.inci)))
        for tm in c.tag_max:
            if tm.members.isdisjoint(ctx.live):
                continue  # none of its tags here: a total of 0 %
            hits = [(i, p) for i, p in ctx.present.items() if i in tm.members and p > 0]
            total = sum(p for _i, p in hits)
            if total > tm.max + 1e-9:
                names = tuple(rs.ingredients[i].inci for i, _p in hits)
                what = "/".join(sorted(tm.tags)) or ", ".join(names)
                big, bp = max(hits, key=lambda h: h[1])
                allowed = round(max(0.0, bp - (total - tm.max)), 4)
                out.append(Finding(
                    "error", "constraint", f"constraint-{cid}", names,
                    f"Total {what} at {fmt(total)} % exceeds {fmt(tm.max)} % under the "
                    f"constraint “{c.name}”.", f"Constraint {c.name}",
                    f"Lower {rs.ingredients[big].inci} to {fmt(allowed)} %",
                    FixAction("set-percent", rs.ingredients[big].inci, allowed)))
        if c.max_cost_per_kg is not None and cost is not None and cost > c.max_cost_per_kg + 1e-9:
            out.append(Finding(
                "error", "constraint", f"constraint-{cid}", (),
                f"The raw materials cost {cost:.2f} EUR/kg, over the budget of the constraint "
                f"“{c.name}” ({c.max_cost_per_kg:.2f} EUR/kg).", f"Constraint {c.name}",
                f"Lower the most expensive actives, or choose a larger budget{_REPAIR}"))


def _label(ctx: Context, d: Draft, allergens: tuple[str, ...]) -> str:
    ings = ctx.rs.ingredients
    rows: list[tuple[float, str, bool]] = []
    for iid, p in ctx.present.items():
        if p > 0:
            ing = ings[iid]
            name = _NANO.sub("", ing.inci) + " (nano)" if "nanomaterial" in ing.tags else ing.inci
            rows.append((p, name, "colourant" in ing.tags))
    for name, p in d.unknown.items():
        if p > 0:
            rows.append((p, name, False))
    listed = {r[1] for r in rows}
    for name in allergens:  # brought in by an essential oil: named after the rest
        if name not in listed:
            rows.append((0.0, name, False))
    # EU practice: descending order; under 1 % in any order (we keep descending);
    # colourants last (Regulation (EC) No 1223/2009, Article 19(1)(g)).
    rows.sort(key=_label_key)
    return ", ".join(dict.fromkeys(r[1] for r in rows))


# a nanomaterial is labelled "Name (nano)" (Article 19(1)(g)), whatever its catalog INCI
# says: "Zinc Oxide (Nano)" is printed "Zinc Oxide (nano)", never "(Nano) (nano)"
_NANO = re.compile(r"\s*\(nano\)\s*$", re.IGNORECASE)


def _label_key(r: tuple[float, str, bool]) -> tuple:
    return (r[2], -r[0], r[1])


def check(formula: Formula, rs: RuleSet, on: date | None = None) -> Report:
    """Validate ``formula`` against ``rs`` as of the day ``on`` (default today): the
    composition, label and every finding. A rule that applies from a later day gives
    a ``coming-rule`` warning with that day instead of its finding."""
    out: list[Finding] = []
    app, area, form, pt_id, age = _product(formula, rs, out)
    base = _base(formula, rs, out)
    d = compose(formula, rs, base)
    out.extend(d.findings)
    for name in d.unknown:
        near = rs.suggest(name)
        out.append(Finding("error", "unknown-ingredient", "catalog", (name,),
                           f"{name} is not in the ingredient catalog.", "Ingredient catalog",
                           (f"Did you mean {' or '.join(near)}? " if near else "")
                           + f"Check the spelling of {name}, or ask R&D to add it to the catalog.",
                           FixAction("remove", name)))
    if base is not None and not _suits(base, rs, app, area, pt_id):
        out.append(Finding("warning", "base-unsuitable", f"base-{base.id}", (),
                           f"The base {base.name} is not meant for this product type.",
                           f"Base “{base.name}”", "Choose a base that suits the product type."))
    ph = formula.target_ph if formula.target_ph is not None else (base.ph_target if base else None)
    present = d.present
    live = set(present) if present and min(present.values()) > 0 else \
        {i for i, p in present.items() if p > 0}
    plan = plan_for(rs, app, area, form, age)
    ctx = Context(rs, present, live, app, area, form, ph, d.qs,
                  _tags=dict.fromkeys(rs.expr_tags, 0.0))
    # One walk over the rows: each ingredient's built-in tests (use range, pH window),
    # cost, and what it brings to this product's rules (see Plan): the rules it can
    # trigger, its summed limits, expression tags and label warnings. Then each rule
    # that can find something runs once, in rule-file order.
    hit = set(plan.always)
    sums: dict[int, float] = {}
    warned: set[int] = set()
    tags = ctx._tags
    added, qs, ings = d.added, d.qs, rs.ingredients
    entry = plan.entry
    phv = ph if ph is not None else math.nan  # NaN: no pH window test is ever true
    cost = 0.0
    for iid, p in present.items():
        if p <= 0:  # percentages are never negative: this row is absent
            continue
        e = entry[iid]  # an Entry (configurator/engine/plan.py)
        price = e.price
        cost += p * price
        if not price and not ings[iid].profiled:
            out.append(unprofiled(ings[iid]))
        if not e.use_lo <= p <= e.use_hi and iid in added and iid != qs:
            out.append(_use_range(ings[iid], p, p > e.use_hi))
        if e.ph_lo > phv or e.ph_hi < phv:
            found = _ph_window(ings[iid], phv)
            if found is not None:
                out.append(found)
        r = e.ruled  # a Ruled, or None when no rule of this product concerns it
        if r is None:
            continue
        if r.rules:
            hit.update(r.rules)
        if r.pairs:
            for n, other in r.pairs:
                if not other.isdisjoint(live):
                    hit.add(n)
        if p > r.cap:
            hit.update(r.capped)
        if r.sums:
            for n, f in r.sums:
                sums[n] = sums.get(n, 0.0) + p * f
        if r.tags:
            for t in r.tags:
                tags[t] += p
        if r.warns:
            warned.update(r.warns)
    gate = plan.gate
    for n, total in sums.items():
        if total > gate[n]:
            hit.add(n)
    all_rules = rs.rules
    fns = plan.checks
    special = plan.special
    asked: set[str] = set()
    for n in sorted(hit):
        found = fns[n](all_rules[n], ctx)
        if found:
            if n in special:  # a dated rule, or one whose category is in doubt
                found = _special(all_rules[n], found, special[n], on or date.today(),
                                 (app, area, form), asked)
            out.extend(found)
    day = on or date.today()
    for n in sorted(warned):
        r = all_rules[n]
        if r.placed_from is not None and day < r.placed_from:
            continue  # a label line a rule brings from a later day is not due yet
        out.append(Finding("info", "label-warning", r.id,
                           tuple(ings[i].inci for i in r.members if i in present),
                           f"The label must carry: “{r.label_warning}”", r.source,
                           "Add the warning to the label artwork."))
    if base is not None:
        _base_checks(ctx, d, base, out)
    cost = cost / 100 if not d.unknown else None
    _constraints(formula, ctx, cost, out)
    allergens = tuple(sorted(f.ingredients[0] for f in out if f.code == "declare-allergen"))
    out.sort(key=Finding.sort_key)
    regulations: dict[str, list[str]] = {}
    acts = rs.regulation_of
    for f in out:
        act = acts.get(f.rule)
        if act:
            got = regulations.setdefault(act, [])
            if f.rule not in got:
                got.append(f.rule)
    return Report(
        rules_version=rs.version, findings=tuple(out), checked_on=on or date.today(),
        regulations={k: tuple(v) for k, v in sorted(regulations.items())},
        allergens=tuple(dict.fromkeys(allergens)), cost_per_kg=cost,
        product={"id": pt_id or "", "application": app, "area": area, "form": form,
                 **({"age": age} if age else {})},
        base=base.id if base else None, ph=ph,
        build=lambda: (_lines(rs, d), _label(ctx, d, allergens)),
    )


def unprofiled(ing: Ingredient) -> Finding:
    """The one warning for an INCI name known from the CosIng inventory only."""
    what = ", ".join(f.replace("-", " ") for f in ing.functions[:4]) or "no function listed"
    annex = f"; regulated: {', '.join(ing.annexes)}" if ing.annexes else ""
    ref = f"CosIng ref. {ing.cosing_ref}; " if ing.cosing_ref else ""
    return Finding(
        "warning", "unprofiled-ingredient", f"inventory-{ing.id}", (ing.inci,),
        f"{ing.inci} is a known INCI name ({ref}{what}{annex}), but the lab has no profile "
        "for it: its cost, usual use level, phase and density are unknown, so the cost shown "
        "leaves it out.", "European Commission, CosIng inventory",
        f"Ask R&D to add a profile for {ing.inci} to the catalog.")


def _special(rule: Rule, found: list[Finding], special: tuple, on: date,
             product: tuple[str, str, str], asked: set[str]) -> list[Finding]:
    """A dated rule checked before its day warns with the day; a rule that applies only
    because the product's category is in doubt asks the question (once per category)."""
    dated, doubts = special
    out = list(found)
    if dated and rule.placed_from is not None and on < rule.placed_from:
        act = _act(rule)
        later = (f" (and from {day_text(rule.available_from)} not made available)"
                 if rule.available_from else "")
        out = [Finding(
            "warning", "coming-rule", f.rule, f.ingredients,
            f"From {day_text(rule.placed_from)} this design breaks {act}: a product that "
            f"does not comply may not be placed on the EU market from that day{later}. "
            f"{f.message}", f.source, f.fix, f.action) for f in found
            if f.severity in ("error", "warning")]
    for cat in doubts:
        if cat in asked or not out:
            continue
        asked.add(cat)
        limit = f" ({_act(rule)}{f': {fmt(rule.max)} %' if rule.max is not None else ''})"
        out.append(Finding(
            "warning", "category-question", rule.id, out[0].ingredients,
            f"{question(cat)[:-1]}{limit}? The form {product[2] or '(none given)'!r} does not "
            f"say, so the product was checked as {CATEGORY_NAMES.get(cat, cat)} wherever "
            "that is the stricter reading.", rule.source,
            "Name the form precisely in the product type (e.g. 'body lotion', 'body wash', "
            "'baby lotion') so that only the limits of that category apply."))
    return out


def _act(rule: Rule) -> str:
    """"REACH Annex XVII entry 70" / "Annex III entry 376" from a rule's source."""
    m = re.search(r"Annex ([IVX]+), entr(?:y|ies) (\w+)", rule.source)
    where = f"Annex {m.group(1)} entry {m.group(2)}" if m else rule.id
    if "1907/2006" in rule.source or "REACH" in rule.regulation:
        return "REACH " + where
    return where


def _lines(rs: RuleSet, d: Draft) -> tuple[Line, ...]:
    ings, from_base, qs = rs.ingredients, d.from_base, d.qs
    new = tuple.__new__  # a NamedTuple built without its keyword machinery (hot path)
    rows = []
    for iid, p in d.present.items():
        ing = ings[iid]
        rows.append(new(Line, (ing.inci, p, ing.phase, ing.functions, iid,
                               from_base.get(iid, 0.0), iid == qs)))
    for name, p in d.unknown.items():
        rows.append(new(Line, (name, p, "", (), None, 0.0, name == qs)))
    rows.sort(key=_line_key)
    return tuple(rows)


def _line_key(r: Line) -> tuple:
    return (r[2] or "Z", -r[1], r[0])
