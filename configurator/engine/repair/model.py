"""The formula as a mixed-integer program: how each rule becomes rows (rules/README.md,
"How rules become constraints of the repair").

Variables: per row and per option (the row's own ingredient, or an alternative) a
binary *presence* ``y`` and a continuous strength ``x`` (``x ≤ 100·y``); per
candidate base a binary ``b``; the target pH as one continuous variable. Every
ingredient's % in the product is then linear: the rows' ``x``, the bases'
composition times ``b``, the q.s. ingredient's room less the additions. Rules are
rows over those sums, or implications (presence ⇒ bound) written with a big M.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ...rules.kinds import UPPER_LIMITS
from ...rules.model import Base, Ingredient, Rule, RuleSet
from ..checks import fmt, window_text
from ..formula import Addition, Formula
from ..report import Report
from .options import alternatives, profiled
from .program import Expr, OutOfTime, Program
from .values import RuleRef, Wish

CHANGE = 1000.0  # one changed row outweighs any sum of relative changes (each ≤ 1)
REMOVAL = 0.5  # removing a row costs more than swapping it: a swap keeps the need
SMALLEST = 0.01  # the least strength proposed for an ingredient with no usual minimum


@dataclass
class Slot:
    """One formula row the program may change."""

    row: int
    addition: Addition
    iid: str | None  # None: a name the catalog does not know
    p0: float
    out_group: str = ""  # "catalog"/"totals": the row cannot stay (an unknown name, a stray q.s.)
    alts: tuple[str, ...] = ()


@dataclass
class Task:
    """Everything the program needs from the formula, prepared once per repair."""

    formula: Formula
    rs: RuleSet
    product: tuple  # application, area, form, product type id (or None), age ("" adults)
    bases: tuple[Base, ...]
    base0: str | None  # the formula's base id (known or not)
    ph0: float | None  # the effective target pH (the formula's, else the base's)
    slots: list[Slot]
    whole_qs: str | None  # a whole formula's balancing ingredient
    wishes: tuple[Wish, ...]
    headroom: float = 0.0
    cuts: list[frozenset] = field(default_factory=list)  # presence patterns the engine refused
    lone: frozenset[str] = frozenset()  # ingredients only one option of one row can bring
    in_bases: frozenset[str] = frozenset()  # ingredients a candidate base holds
    deadline: float = math.inf  # time.monotonic() after which no solve starts
    refused: Report | None = None  # the engine's last report on an answer it refused
    frozen: frozenset[int] = frozenset()  # rows no finding names: held first (see search)
    solves: int = 0  # programs solved so far (a budget that, unlike time, gives one answer)

    def solve(self, built: Built):
        """The program's answer (None: infeasible) within what is left of the deadline."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise OutOfTime
        self.solves += 1
        return built.prog.solve(min(left, 10.0))


@dataclass
class Built:
    """A program and how to read its answer."""

    prog: Program
    options: dict[int, list[tuple[str, int, int]]]  # slot row -> [(iid, y, x)]
    out: dict[int, int]  # row that cannot stay -> its presence variable
    base_vars: list[tuple[Base, int]]
    ph: int | None
    groups: dict[str, RuleRef]  # the rule groups the program enforces, in order
    members: dict[str, frozenset[str]]  # group -> ingredient ids (and "ph"/"base") it concerns


def _names(rs: RuleSet, ids, most: int = 3) -> str:
    names = sorted(rs.ingredients[i].inci for i in ids)
    return ", ".join(names[:most]) + (" …" if len(names) > most else "")


def rule_text(r: Rule, rs: RuleSet, here: frozenset[str]) -> str:
    """What a rule demands, in words, naming the ingredients of this formula it concerns."""
    who = _names(rs, r.member_set & here) if r.member_set & here else _names(rs, r.member_set)
    where = f" in {r.when.describe()}" if r.when is not None and r.when.describe() else ""
    if r.kind == "prohibited":
        return f"{who} is prohibited{where}"
    if r.kind in UPPER_LIMITS:
        what = f"total {r.expressed_as}" if r.expressed_as and r.kind == "group-total" else who
        return f"{what} at most {fmt(r.max)} %{where}"
    if r.kind == "min-concentration":
        return f"{who} at least {fmt(r.min)} %{where}"
    if r.kind == "ph-window":
        return f"{who} needs pH {window_text(r.min, r.max)}"
    if r.kind == "incompatible":
        return (f"{_names(rs, r.first & here) or _names(rs, r.first)} not with "
                f"{_names(rs, r.second & here) or _names(rs, r.second)}")
    if r.kind == "requires":
        return f"{who} needs one of {_names(rs, r.then)}"
    return r.message or r.id


class _Build:
    def __init__(self, task: Task, keep: frozenset[str], strict: bool, skip: frozenset[str],
                 frozen: frozenset[int]):
        self.t, self.keep, self.strict, self.skip = task, keep, strict, skip
        self.frozen = frozen
        self.rs = task.rs
        self.p = Program()
        self.q: dict[str, Expr] = {}
        self.pres: dict[str, list[int]] = {}
        self.additions: Expr = {}
        self.groups: dict[str, RuleRef] = {}
        self.members: dict[str, frozenset[str]] = {}
        self.ph: int | None = None
        self.pinned: set[str] = set()

    # ---- bookkeeping ------------------------------------------------------------
    def group(self, key: str, ref: RuleRef, concerns) -> bool:
        """Enter a rule group; False when this build leaves it out."""
        if key in self.skip:
            return False
        self.groups.setdefault(key, ref)
        self.members[key] = self.members.get(key, frozenset()) | frozenset(concerns)
        return True

    def amount(self, iid: str, var: int, coef: float, present: bool = True) -> None:
        e = self.q.setdefault(iid, {})
        e[var] = e.get(var, 0.0) + coef
        if present:
            self.pres.setdefault(iid, []).append(var)

    def total(self, members: dict[str, float]) -> Expr:
        out: Expr = {}
        for iid, f in members.items():
            for v, c in self.q.get(iid, {}).items():
                out[v] = out.get(v, 0.0) + c * f
        return out

    # ---- the formula's parts ----------------------------------------------------
    def build(self) -> Built:
        t, p = self.t, self.p
        if t.ph0 is not None:
            pinned = "ph" in self.keep
            self.ph = p.var(t.ph0 if pinned else 0.0, t.ph0 if pinned else 14.0)
            if not pinned:
                changed = p.binary(CHANGE)
                moved = p.var(0.0, 1.0, 1.0)
                p.add({self.ph: 1.0, changed: -14.0}, hi=t.ph0)
                p.add({self.ph: 1.0, changed: 14.0}, lo=t.ph0)
                p.add({self.ph: 1 / 14, moved: -1.0}, hi=t.ph0 / 14)
                p.add({self.ph: 1 / 14, moved: 1.0}, lo=t.ph0 / 14)
        options, out = self.rows()
        base_vars = self.bases()
        self.whole()
        self.catalog(options)
        self.rules()
        self.constraints()
        self.cuts(options, base_vars)
        return Built(p, options, out, base_vars, self.ph, self.groups, self.members)

    def rows(self) -> tuple[dict[int, list[tuple[str, int, int]]], dict[int, int]]:
        p, rs = self.p, self.rs
        options: dict[int, list[tuple[str, int, int]]] = {}
        out: dict[int, int] = {}
        self.oil: Expr = {}
        self.water: list[tuple[str, int]] = []
        self.oily: list[int] = []
        one = p.ONE
        for s in self.t.slots:
            pinned = f"row:{s.row}" in self.keep
            if s.row in self.frozen and not s.out_group and s.iid is not None:
                # a row no finding names stays as written: constants, not variables
                ing = rs.ingredients[s.iid]
                self.additions[one] = self.additions.get(one, 0.0) + s.p0
                self.amount(s.iid, one, s.p0)
                if ing.is_oil_phase:
                    self.oil[one] = self.oil.get(one, 0.0) + s.p0
                    self.oily.append(one)
                if ing.solubility == "water":
                    self.water.append((s.iid, one))
                if pinned:
                    self.pinned.add(s.iid)
                continue
            if s.iid is None or s.out_group:
                y = p.var(1.0 if pinned else 0.0, 1.0, 0.0, True)
                x = p.var(0.0, s.p0)
                p.add({x: 1.0, y: -s.p0}, 0.0, 0.0)
                self.additions[x] = 1.0
                if s.iid is not None:
                    self.amount(s.iid, x, 1.0, present=False)
                    self.pres.setdefault(s.iid, []).append(y)
                out[s.row] = y
                what = ("the ingredient catalog" if s.out_group == "catalog"
                        else "the formula's totals")
                if self.group(f"{s.out_group}:{s.row}",
                              RuleRef(s.out_group, f"{s.addition.inci} cannot stay ({what})",
                                      "Formula file contract §1"), (s.iid or "",)):
                    p.at_most({y: 1.0}, 0.0)
                continue
            if pinned:
                self.pinned.add(s.iid)
            ids = [s.iid] if pinned else [s.iid, *s.alts]
            opts = []
            for rank, iid in enumerate(ids):
                ing = rs.ingredients[iid]
                y = p.var(1.0 if pinned else 0.0, 1.0, -REMOVAL + 0.01 * rank, True)
                if pinned:
                    x = p.var(s.p0, s.p0)
                else:
                    # the use range as the row's own bounds where the row alone makes up the
                    # ingredient (the tight form of the `use:` group below)
                    alone = self.strict and iid in self.t.lone and f"use:{iid}" not in self.skip
                    floor = ing.use_min or SMALLEST if alone else _floor(
                        ing, s.p0 if rank == 0 else None, iid in self.t.in_bases)
                    top = ing.use_max if alone and ing.use_max is not None else 100.0
                    x = p.var(0.0, top)
                    p.add({x: 1.0, y: -top}, hi=0.0)
                    p.add({x: 1.0, y: -floor}, lo=0.0)
                opts.append((iid, y, x))
                self.additions[x] = 1.0
                self.amount(iid, x, 1.0, present=False)
                self.pres.setdefault(iid, []).append(y)
                if ing.is_oil_phase:
                    self.oil[x] = 1.0
                    self.oily.append(y)
                if ing.solubility == "water":
                    self.water.append((iid, y))
                if rank and not pinned:
                    self.near(x, y, ing, s.p0)
            options[s.row] = opts
            if not pinned:
                p.add({y: 1.0 for _i, y, _x in opts}, hi=1.0)
                self.changed(s, opts[0])
        return options, out

    def changed(self, s: Slot, own: tuple[str, int, int]) -> None:
        """A changed row costs CHANGE, plus its relative change (≤ 1)."""
        p = self.p
        _iid, y, x = own
        flag = p.binary(CHANGE)
        rel = p.var(0.0, 1.0, 1.0)
        p.add({y: 1.0, flag: 1.0}, lo=1.0)
        p.add({x: 1.0, flag: s.p0 - p.ub[x]}, hi=s.p0)
        if s.p0 > 0:
            p.add({x: 1.0, flag: s.p0}, lo=s.p0)
            p.add({x: 1.0 / s.p0, rel: 1.0}, lo=1.0)  # a decrease, relative to the strength
        up = max(s.p0, self.rs.ingredients[s.iid].use_max or 0.0, 1.0)
        p.add({x: 1.0 / up, rel: -1.0}, hi=s.p0 / up)  # an increase, relative to the range

    def near(self, x: int, y: int, ing: Ingredient, p0: float) -> None:
        """An alternative's strength: as near the original's as its use range allows."""
        lo = ing.use_min or SMALLEST
        aim = min(max(p0, lo), ing.use_max if ing.use_max is not None else p0)
        dev = self.p.var(0.0, 100.0, 0.1 / max(aim, SMALLEST))
        self.p.add({x: 1.0, y: -aim, dev: -1.0}, hi=0.0)
        self.p.add({x: 1.0, y: -aim, dev: 1.0}, lo=0.0)

    def bases(self) -> list[tuple[Base, int]]:
        p, t = self.p, self.t
        if not t.bases:
            return []
        pinned = "base" in self.keep
        bases = t.bases[:1] if pinned else t.bases
        if len(bases) == 1:
            chosen = [(bases[0], p.ONE)]
        else:
            chosen = [(b, p.binary(0.0 if b.id == t.base0 else CHANGE + 1.0)) for b in bases]
            p.add({v: 1.0 for _b, v in chosen}, 1.0, 1.0)
        limit: Expr = {}
        oil_limit: Expr = {}
        for b, v in chosen:
            room = 0.0
            for line in b.composition:
                if line.ingredient == b.qs:
                    room = line.percent
                    continue
                if line.percent > 0:
                    self.amount(line.ingredient, v, line.percent)
            self.amount(b.qs, v, room)
            taken = self.taken(v)
            for var, c in taken.items():
                self.amount(b.qs, var, -c, present=False)
            limit[v] = min(b.capacity_additions, room) - t.headroom
            oil_limit[v] = b.capacity_oil
        rs = self.rs
        ref = RuleRef(f"base-{bases[0].id}", "the additions fit in the base "
                      + " / ".join(f"{b.name} ≤ {fmt(b.capacity_additions)} %" for b, _v in chosen),
                      f"Base {bases[0].id}")
        if self.group("capacity", ref, ("base",)):
            # pairs, not a merged dict: held rows and a single base both sit on ONE
            p.add([*self.additions.items(), *((v, -c) for v, c in limit.items())], hi=0.0)
        ref = RuleRef(f"base-{bases[0].id}-oil", "the oil-phase additions fit in the base's "
                      "oil phase", f"Base {bases[0].id}")
        if self.oil and self.group("capacity-oil", ref, ("base",)):
            p.add([*self.oil.items(), *((v, -c) for v, c in oil_limit.items())], hi=0.0)
        ref = RuleRef(f"base-{bases[0].id}", "oil-soluble additions need an oil phase, water-"
                      "soluble ones water", f"Base {bases[0].id}")
        for b, v in chosen:
            aqueous = any(rs.ingredients[line.ingredient].solubility == "water"
                          and line.percent >= 5 for line in b.composition)
            in_base = {line.ingredient for line in b.composition}
            bad = [y for y in self.oily] if b.capacity_oil <= 0 else []
            bad += [y for iid, y in self.water if not aqueous and iid not in in_base]
            if bad and self.group("solubility", ref, ("base",)):
                for y in bad:
                    p.add({y: 1.0, v: 1.0}, hi=1.0)
        if self.strict:
            app, area, _form, pt_id, _age = t.product
            from .options import suits

            for b, v in chosen:
                if not suits(b, rs, app, area, pt_id) and self.group(
                        "base-suits", RuleRef(f"base-{b.id}", f"the base {b.name} is meant for "
                                              "this product type", f"Base {b.id}"), ("base",)):
                    p.at_most({v: 1.0}, 0.0)
                if self.ph is not None and (b.ph_min is not None or b.ph_max is not None) \
                        and self.group(f"base-ph:{b.id}", RuleRef(
                            f"base-{b.id}-ph", f"the base {b.name} works at pH "
                            f"{window_text(b.ph_min, b.ph_max)}", f"Base {b.id}"), ("ph", "base")):
                    p.imply(v, {self.ph: 1.0}, b.ph_min, b.ph_max, big=14.0)
        return chosen

    def taken(self, v: int) -> Expr:
        """The additions when base ``v`` is chosen, else 0 (linearised: additions × b)."""
        p = self.p
        if v == p.ONE:
            return dict(self.additions)
        a = p.var(0.0, 100.0)
        p.add({a: 1.0, v: -100.0}, hi=0.0)
        p.add({a: 1.0, **{x: -c for x, c in self.additions.items()}}, hi=0.0)
        p.add({a: 1.0, v: -100.0, **{x: -c for x, c in self.additions.items()}}, lo=-100.0)
        return {a: 1.0}

    def whole(self) -> None:
        """A formula without a base totals 100 %: its q.s. row takes the rest."""
        t, p = self.t, self.p
        if t.bases or t.base0 is not None:
            return
        ref = RuleRef("formula-totals", "the ingredients total 100 %", "Formula file contract §1")
        if not self.group("totals", ref, ()):
            if t.whole_qs is not None:
                self.amount(t.whole_qs, p.ONE, 100.0)
                for v, c in self.additions.items():
                    self.amount(t.whole_qs, v, -c, present=False)
            return
        if t.whole_qs is not None:
            self.amount(t.whole_qs, p.ONE, 100.0)
            for v, c in self.additions.items():
                self.amount(t.whole_qs, v, -c, present=False)
            p.add(self.additions, hi=100.0)
        else:
            p.add(self.additions, 99.99, 100.01)

    # ---- the catalog's own windows (warnings: kept when strict) -------------------
    def catalog(self, options: dict[int, list[tuple[str, int, int]]]) -> None:
        if not self.strict:
            return
        rs, p = self.rs, self.p
        ings = rs.ingredients
        if self.ph is not None:
            for iid in sorted(self.pres):
                ing = ings.get(iid)
                if ing is None or (ing.ph_min is None and ing.ph_max is None):
                    continue
                if self.group(f"ph:{iid}", RuleRef(
                        f"catalog-{iid}-ph",
                        f"{ing.inci} works at pH {window_text(ing.ph_min, ing.ph_max)}",
                        "Ingredient catalog"), (iid, "ph")):
                    for v in self.pres[iid]:
                        p.imply(v, {self.ph: 1.0}, ing.ph_min, ing.ph_max, big=14.0)
        qs = {b.qs for b in self.t.bases} | {self.t.whole_qs}
        added: dict[str, list[int]] = {}
        for opts in options.values():
            for iid, y, _x in opts:
                added.setdefault(iid, []).append(y)
        for iid, ys in added.items():
            ing = ings[iid]
            if iid in qs or (ing.use_min is None and ing.use_max is None):
                continue
            if iid in self.t.lone and iid not in self.pinned:  # the row's own bounds (rows())
                self.group(f"use:{iid}", RuleRef(
                    f"catalog-{iid}-use", f"{ing.inci} is used at {fmt(ing.use_min or 0)}–"
                    f"{fmt(ing.use_max or 100)} %", "Ingredient catalog"), (iid,))
                continue
            if not self.group(f"use:{iid}", RuleRef(
                    f"catalog-{iid}-use", f"{ing.inci} is used at {fmt(ing.use_min or 0)}–"
                    f"{fmt(ing.use_max or 100)} %", "Ingredient catalog"), (iid,)):
                continue
            z = p.any_of(ys)
            p.imply(z, self.q[iid], ing.use_min, ing.use_max, big=100.0)

    # ---- the rules ----------------------------------------------------------------
    def rules(self) -> None:
        rs = self.rs
        app, area, form, _pt, age = self.t.product
        here = frozenset(self.pres)
        found = set(rs.always_index)
        for iid in here:
            found |= rs.rule_index.get(iid, frozenset())
        found &= rs.applicable(app, area, form, age) if age else rs.applicable(app, area, form)
        for n in sorted(found):
            r = rs.rules[n]
            if r.severity != "error" and not (self.strict and r.severity == "warning"):
                continue
            handler = _KINDS.get(r.kind)
            if handler is None:
                continue  # expressions and labelling: the engine checks them on the answer
            if r.kind == "requires" and r.severity != "error":
                # "X needs Y" advises an addition, which the repair never makes; dropping or
                # weakening X to silence the advice is no repair (retinol 1 % in a body
                # lotion goes to the 0.05 % limit, not out for want of tocopherol): the
                # warning stays in the report with its fix
                continue
            concerns = (r.member_set | r.first | r.second | r.then | r.triggers) & here
            if self.group(f"rule:{r.id}", RuleRef(r.id, rule_text(r, rs, here), r.source),
                          concerns | ({"ph"} if r.kind == "ph-window" else set())):
                handler(self, r)

    def flags(self, ids) -> list[int]:
        return [v for iid in sorted(ids) for v in self.pres.get(iid, ())]

    def prohibited(self, r: Rule) -> None:
        members = self.flags(r.member_set)
        if r.member_set <= r.triggers:  # whenever a member is there (no `applies_with`)
            for v in members:
                self.p.at_most({v: 1.0}, 0.0)
            return
        for t in self.flags(r.triggers):
            for v in members:
                self.p.add({v: 1.0, t: 1.0} if v != t else {v: 2.0}, hi=1.0)

    def limit(self, r: Rule) -> None:
        if r.max is None:
            return
        expr = self.total(r.members)
        if r.member_set <= r.triggers:
            self.p.at_most(expr, r.max)
            return
        flags = self.flags(r.triggers)
        if flags:
            big = 100.0 * max(1.0, sum(abs(f) for f in r.members.values()))
            self.p.imply(self.p.any_of(flags), expr, hi=r.max, big=big)

    def minimum(self, r: Rule) -> None:
        flags = self.flags(r.member_set & r.triggers or r.member_set)
        if r.min is None or not flags:
            return
        self.p.imply(self.p.any_of(flags), self.total(r.members), lo=r.min, big=100.0 * r.min)

    def window(self, r: Rule) -> None:
        if self.ph is None:
            return
        for v in self.flags(r.member_set):
            self.p.imply(v, {self.ph: 1.0}, r.min, r.max, big=14.0)

    def incompatible(self, r: Rule) -> None:
        first = self.flags(r.first - r.second)
        second = self.flags(r.second - r.first)
        if first and second:
            p = self.p
            p.add({p.any_of(first): 1.0, p.any_of(second): 1.0}, hi=1.0)

    def requires(self, r: Rule) -> None:
        p = self.p
        then = self.flags(r.then)
        if r.members:
            over = p.binary()
            p.add([*self.total(dict.fromkeys(r.members, 1.0)).items(), (over, -100.0)], hi=r.if_above)
        else:
            over = p.ONE
        p.add([*((v, 1.0) for v in then), (over, -1.0)], lo=0.0)  # pairs: ONE may be on both sides

    # ---- the client's constraints ----------------------------------------------------
    def constraints(self) -> None:
        rs, p = self.rs, self.p
        for cid in self.t.formula.constraints:
            key = f"constraint:{cid}"
            if key not in self.keep:
                continue
            c = rs.constraints.get(cid)
            name = c.name if c is not None else cid
            what = (f"the constraint “{name}”" if c is not None
                    else f"“{cid}” is not a constraint of the rules (rules/constraints.yaml)")
            if not self.group(key, RuleRef(f"constraint-{cid}", what, f"Constraint {name}"),
                              (key,)):
                continue
            if c is None:  # an unknown constraint id: no formula keeps it
                p.add({}, lo=1.0)
                continue
            for v in self.flags(c.forbid):
                p.at_most({v: 1.0}, 0.0)
            for tm in c.tag_max:
                p.at_most(self.total(dict.fromkeys(tm.members & self.pres.keys(), 1.0)), tm.max)
            if c.max_cost_per_kg is not None:
                prices = {iid: (rs.ingredients[iid].cost_per_kg or 0.0) / 100 for iid in self.q
                          if iid in rs.ingredients}
                p.at_most(self.total(prices), c.max_cost_per_kg)

    def cuts(self, options, base_vars) -> None:
        """Presence patterns the engine refused (rules the program cannot express)."""
        atoms: dict[tuple, int] = {}
        for row, opts in options.items():
            for iid, y, _x in opts:
                atoms[("row", row, iid)] = y
        for b, v in base_vars:
            atoms[("base", b.id)] = v
        for cut in self.t.cuts:
            if all(a in atoms for a in cut):
                self.p.add({atoms[a]: 1.0 for a in cut}, hi=len(cut) - 1)


def _floor(ing: Ingredient, p0: float | None, in_base: bool) -> float:
    """The least strength a kept row may take: its usual minimum (or less, if written so);
    any, when a base brings the ingredient too (the usual range is then the total's)."""
    if in_base:
        return SMALLEST if p0 is None else min(p0, SMALLEST)
    low = ing.use_min if ing.use_min else SMALLEST
    return min(low, p0) if p0 is not None and p0 > 0 else low


_KINDS = {
    "prohibited": _Build.prohibited,
    **dict.fromkeys(UPPER_LIMITS, _Build.limit),
    "min-concentration": _Build.minimum,
    "ph-window": _Build.window,
    "incompatible": _Build.incompatible,
    "requires": _Build.requires,
}
EXPRESSED = tuple(_KINDS)  # the rule kinds the program expresses (the rest: the engine's)


def build(task: Task, keep: frozenset[str], strict: bool,
          skip: frozenset[str] = frozenset(), frozen: frozenset[int] = frozenset()) -> Built:
    """The program for ``task`` keeping the wishes ``keep``; warning-level rules too when
    ``strict``; without the rule groups in ``skip``; the rows ``frozen`` held as written."""
    return _Build(task, keep, strict, skip, frozen).build()


def _implicated(formula: Formula, rs: RuleSet, before: Report) -> set[str]:
    """Ids of the rows worth a swap: those the report's errors and warnings name; with a
    budget broken, the dearest rows too (a cheaper alternative may keep the need)."""
    # a strength outside the usual range is mended by the strength, not by a swap
    named = {n.casefold() for f in before.findings
             if f.severity != "info" and f.code not in NO_SWAP for n in f.ingredients}
    ids = {iid for a in formula.ingredients if (iid := rs.lookup(a.inci)) is not None
           and (a.inci.casefold() in named or rs.ingredients[iid].inci.casefold() in named)}
    if any(f.code == "constraint" and not f.ingredients for f in before.findings):
        priced = sorted((rs.ingredients[i].cost_per_kg or 0.0, i) for a in formula.ingredients
                        if (i := rs.lookup(a.inci)) is not None)
        ids |= {i for _p, i in priced[-DEAREST:]}
    return ids


DEAREST = 5  # rows offered a cheaper swap when the budget is broken
NO_SWAP = ("use-range", "duplicate-ingredient", "unknown-ingredient")


def prepare(formula: Formula, rs: RuleSet, pins, before: Report, headroom: float = 0.0) -> Task:
    """The :class:`Task` of a formula: its rows, candidate bases, pH and wishes."""
    from .options import candidate_bases

    implicated = _implicated(formula, rs, before)
    named = {n.casefold() for f in before.findings if f.severity != "info" for n in f.ingredients}
    # a finding about the whole (capacity, totals, budget) may take any row: none is held
    whole = any(f.severity == "error" and not f.ingredients for f in before.findings)

    seen = before.product  # the engine's reading of the product type (its defaults too)
    product = (seen["application"], seen["area"], seen["form"], seen.get("id") or None,
               seen.get("age", ""))
    base = rs.bases.get(formula.base) if formula.base else None
    ph0 = formula.target_ph if formula.target_ph is not None else (
        base.ph_target if base is not None else None)
    pinned_ids = {rs.lookup(n) or n.casefold() for n in pins.rows}
    written = {rs.lookup(a.inci) for a in formula.ingredients}
    slots: list[Slot] = []
    wishes: list[Wish] = []
    whole_qs = None
    qs_kept: str | None = None
    for n, a in enumerate(formula.ingredients):
        iid = rs.lookup(a.inci)
        if a.qs:
            if formula.base is None and whole_qs is None and iid is not None:
                whole_qs = iid
                continue
            if base is not None and iid == base.qs:
                qs_kept = iid
                continue
            slots.append(Slot(n, a, iid, 0.0, "totals"))
        else:
            alts = ()
            if iid in implicated:
                alts = tuple(k for k in alternatives(rs, iid) if k not in written)
            slots.append(Slot(n, a, iid, a.percent or 0.0,
                              "catalog" if iid is None else "", alts))
        if iid in pinned_ids or (iid is None and a.inci.casefold() in pinned_ids):
            pct = "q.s." if a.qs else f"{fmt(a.percent or 0)} %"
            wishes.append(Wish(f"row:{n}", f"{a.inci} {pct}"))
    # every base the product type allows, a pinned one too: the pin is the wish ``base``,
    # kept by the program (``bases()``) and dropped like any other wish to find a conflict
    # and its ways out (a vegan lip balm on a pinned beeswax base clashes *with the base*)
    bases = candidate_bases(rs, formula.base, product[0], product[1], product[3], False)
    if qs_kept is not None:  # an explicit q.s. row of the base's solvent: keep that solvent
        bases = tuple(b for b in bases if b.qs == qs_kept)
    if pins.ph and ph0 is not None:
        wishes.append(Wish("ph", f"pH {fmt(ph0)}"))
    if pins.base and formula.base:
        wishes.append(Wish("base", f"the base {base.name if base else formula.base}"))
    for cid in formula.constraints:
        c = rs.constraints.get(cid)
        wishes.append(Wish(f"constraint:{cid}", c.name if c is not None else cid))
    frozen = frozenset() if whole else frozenset(
        s.row for s in slots if s.iid is not None and not s.out_group
        and s.addition.inci.casefold() not in named
        and rs.ingredients[s.iid].inci.casefold() not in named)
    count: dict[str, int] = {}
    for s in slots:
        for iid in (s.iid, *s.alts) if s.iid is not None and not s.out_group else ():
            count[iid] = count.get(iid, 0) + 1
    in_bases = {line.ingredient for b in bases for line in b.composition} | {whole_qs}
    lone = frozenset(i for i, n in count.items() if n == 1 and i not in in_bases)
    return Task(formula, rs, product, bases, formula.base, ph0, slots, whole_qs,
                tuple(wishes), headroom, lone=lone, in_bases=frozenset(in_bases),
                frozen=frozen)


__all__ = ["EXPRESSED", "Built", "Task", "build", "prepare", "profiled"]
