"""The repair: solve, let the engine judge, refuse what it refused, solve again.

The program expresses most rule kinds exactly (see ``model.EXPRESSED``); the rest
(general expressions) are checked by the engine on each answer. When the engine
finds an error on an answer, the presence pattern that broke it is cut off and
the program is solved again: **the engine's verdict is the only verdict**.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from ...rules.model import RuleSet
from ..engine import check
from ..formula import Addition, Formula
from ..report import Finding, Report
from .model import Built, Task, build, prepare
from .program import OutOfTime
from .values import Change, Conflict, Pins, Repair, RuleRef, WayOut, Wish

MAX_ROUNDS = 8  # solves per search before giving up on the engine's agreement
TIME_LIMIT = 5.0  # seconds of solving per repair, conflict and ways out included


@dataclass(frozen=True)
class Answer:
    formula: Formula
    changes: tuple[Change, ...]
    report: Report
    rounds: int


def repair(formula: Formula, rs: RuleSet, pins: Pins | None = None,
           headroom: float = 0.0, seconds: float = TIME_LIMIT) -> Repair:
    """The nearest formula to ``formula`` that keeps every rule, the pins and the constraints.

    Nearest: the fewest changed rows (a row, the target pH and the base each count
    one), then the smallest relative change. ``headroom`` (% w/w) is left free in the
    base's capacity. When the pinned wishes rule out every formula, the answer holds
    the :class:`Conflict`: the fewest wishes that cannot all hold, and the ways out.
    After ``seconds`` of solving the answer is ``unresolved`` (a request never hangs).
    """
    before = check(formula, rs)
    task = prepare(formula, rs, pins or Pins(), before, headroom)
    task.deadline = time.monotonic() + seconds
    try:
        got = _repair(task, before)
    except OutOfTime:
        got = Repair("unresolved", None, (), before, why="out of time")
    unmatched = _unmatched(formula, rs, pins or Pins(), task)
    return replace(got, unmatched=unmatched) if unmatched else got


def _unmatched(formula: Formula, rs: RuleSet, pins: Pins, task: Task) -> tuple[str, ...]:
    """The pins that hold nothing: a name no row has, a pH or base the formula lacks."""
    rows = {rs.lookup(a.inci) or a.inci.casefold() for a in formula.ingredients}
    out = [p for p in sorted(pins.rows) if (rs.lookup(p) or p.casefold()) not in rows]
    if pins.ph and task.ph0 is None:
        out.append("ph")
    if pins.base and not formula.base:
        out.append("base")
    return tuple(out)


def _repair(task: Task, before: Report) -> Repair:
    everything = frozenset(w.key for w in task.wishes)
    found = _search(task, before, everything, strict=True)
    if isinstance(found, Answer):
        status = "repaired" if found.changes else "unchanged"
        return Repair(status, found.formula, found.changes, found.report, None, found.rounds)
    lenient = _search(task, before, everything, strict=False)
    if isinstance(lenient, Answer):
        # error-free formulas exist; when the program proved that none keeps the warnings
        # too, say which wishes force one (none, when no formula at all keeps them: a
        # rule only an addition could keep, the warnings of the report say which)
        conflict = None
        if found is None and _infeasible(task, before, frozenset(), True) is False:
            conflict = _conflict(task, before, everything, strict=True)
        return Repair("repaired-with-warnings", lenient.formula, lenient.changes,
                      lenient.report, conflict, lenient.rounds)
    if lenient is None:
        if task.refused is not None:  # the cuts of the engine's refusals closed every way
            return Repair("unresolved", None, (), task.refused, why=ENGINE)
        if _infeasible(task, before, frozenset(), False):
            return Repair("unresolved", None, (), before,
                          why=NO_CHANGE)
        conflict = _conflict(task, before, everything, strict=False)
        if conflict.wishes:
            return Repair("conflict", None, (), None, conflict)
        if task.refused is not None:  # refusals met while looking for the conflict
            return Repair("unresolved", None, (), task.refused, why=ENGINE)
        return Repair("unresolved", None, (), before, conflict,
                      why=NO_CHANGE)
    # the engine kept finding errors that no change of rows, pH or base removes (a rule
    # only an addition could keep, e.g. a sunscreen without a UV filter): say which
    return Repair("unresolved", None, (), lenient.report, why=ENGINE)


ENGINE = "the engine finds errors no change of the rows, the pH or the base removes"
# the program proved it: with every wish given up (pins, constraints), no change of the
# rows, the pH or the base keeps every rule. The repair only changes what the formula
# lists, so what is missing is an ingredient (a sunscreen with no UV filter) or another
# product type. (It said "no formula of this product type keeps every rule", which was
# not true: a sunscreen with a UV filter keeps them.)
NO_CHANGE = ("no change of the rows, the pH or the base keeps every rule: an ingredient "
             "the formula does not list is needed, or another product type")


@dataclass(frozen=True)
class Refused:
    """The engine refused every answer the program gave; its last report."""

    report: Report


def _search(task: Task, before: Report, keep: frozenset[str], strict: bool,
            hold: bool = True) -> Answer | Refused | None:
    """An engine-approved answer; None when the program has none; :class:`Refused` when
    the engine kept finding errors (after ``MAX_ROUNDS`` solves).

    The rows no finding names are first held as written (``task.frozen``): the program
    is then a few binaries, not a hundred; only when that finds nothing the engine
    accepts are all rows opened (a change elsewhere can need one of them to move)."""
    if hold and task.frozen:
        got = _solve_loop(task, before, keep, strict, task.frozen)
        if isinstance(got, Answer):
            return got
    return _solve_loop(task, before, keep, strict, frozenset())


def _solve_loop(task: Task, before: Report, keep: frozenset[str], strict: bool,
                frozen: frozenset[int]) -> Answer | Refused | None:
    report = before
    for rounds in range(1, MAX_ROUNDS + 1):
        built = build(task, keep, strict, frozen=frozen)
        x = task.solve(built)
        if x is None:
            return None
        formula, changes = _decode(task, built, x, keep, before)
        report = check(formula, task.rs)
        errors = report.errors
        if not errors:
            return Answer(formula, changes, report, rounds)
        task.refused = report
        cut = _cut(built, x, errors, task.rs)
        if not cut or cut in task.cuts:
            return Refused(report)
        task.cuts.append(cut)
    return Refused(report)


def _cut(built: Built, x, errors: tuple[Finding, ...], rs: RuleSet) -> frozenset:
    """The presence pattern behind the engine's first error: its ingredients' chosen rows
    (and the base), never to be chosen together again."""
    named = {n.casefold() for f in errors[:1] for n in f.ingredients}
    chosen = []
    for row, opts in built.options.items():
        for iid, y, _x in opts:
            if x[y] > 0.5:
                chosen.append((("row", row, iid), rs.ingredients[iid].inci.casefold()))
    atoms = [a for a, inci in chosen if inci in named]
    if not atoms:  # an error on the whole (a base, a total): refuse this whole pattern
        atoms = [a for a, _inci in chosen]
    atoms += [("base", b.id) for b, v in built.base_vars if v != built.prog.ONE and x[v] > 0.5]
    return frozenset(atoms)


def _down(v: float, decimals: int) -> float:
    s = 10**decimals
    return math.floor(v * s + 1e-3) / s


def _up(v: float, decimals: int) -> float:
    s = 10**decimals
    return math.ceil(v * s - 1e-3) / s


def _settle(v: float, old: float, decimals: int) -> float:
    """A solved value as a formulator writes it, rounded away from ``old`` (the way the
    rule that moved it pushed), so rounding never undoes the move."""
    if abs(v - old) <= 10**-(decimals + 2):
        return old
    return _down(v, decimals) if v < old else _up(v, decimals)


def _decode(task: Task, built: Built, x, keep: frozenset[str],
            before: Report) -> tuple[Formula, tuple[Change, ...]]:
    rs, f = task.rs, task.formula
    rows: list[Addition] = []
    changes: list[Change] = []
    for n, a in enumerate(f.ingredients):
        if n in built.out:
            if x[built.out[n]] > 0.5:
                rows.append(a)
            else:
                changes.append(Change("remove", n, a.inci, a.percent if not a.qs else "q.s.",
                                      None, why=_why(before, {a.inci}, rs)))
            continue
        opts = built.options.get(n)
        if opts is None:  # a q.s. row that stays
            rows.append(a)
            continue
        pick = next(((iid, xv) for iid, y, xv in opts if x[y] > 0.5), None)
        old = a.percent or 0.0
        if pick is None:
            changes.append(Change("remove", n, a.inci, old, None,
                                  why=_why(before, {a.inci}, rs)))
            continue
        iid, xv = pick
        if iid == opts[0][0]:
            new = _settle(float(x[xv]), old, 4)
            rows.append(a if new == old else Addition(a.inci, new))
            if new != old:
                changes.append(Change("set-percent", n, a.inci, old, new,
                                      why=_why(before, {a.inci}, rs)))
            continue
        ing = rs.ingredients[iid]
        new = round(float(x[xv]), 4)
        rows.append(Addition(ing.inci, new))
        changes.append(Change("swap", n, a.inci, old, new, ing.inci,
                              why=_why(before, {a.inci}, rs)
                              + (f"{ing.inci} does the same ({', '.join(ing.functions[:2])}).",)))
    base = f.base
    for b, v in built.base_vars:
        if x[v] > 0.5:
            base = b.id
    if base != f.base:
        old_name = rs.bases[f.base].name if f.base in rs.bases else f.base
        changes.append(Change("set-base", None, "", old_name, rs.bases[base].name, base,
                              why=_why(before, set(), rs, codes=("base-capacity", "solubility",
                                                                 "base-unsuitable"))))
    ph = f.target_ph
    if built.ph is not None:
        new_ph = _settle(float(x[built.ph]), task.ph0, 2)
        natural = rs.bases[base].ph_target if base in rs.bases else None
        ph = None if f.target_ph is None and natural is not None and new_ph == natural else new_ph
        if new_ph != task.ph0:
            changes.append(Change("set-ph", None, "", task.ph0, new_ph,
                                  why=_why(before, set(), rs, codes=("ph-window",))))
    constraints = tuple(c for c in f.constraints if f"constraint:{c}" in keep)
    out = replace(f, ingredients=tuple(rows), base=base, target_ph=ph, constraints=constraints)
    return out, tuple(changes)


def _why(before: Report, names: set[str], rs: RuleSet, codes: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The original report's findings behind a change, by ingredient or by code; when none
    names it, the findings about the whole formula (capacity, budget, totals)."""
    keys = {n.casefold() for n in names}
    for n in names:
        ing = rs.resolve(n)
        if ing is not None:
            keys.add(ing.inci.casefold())
    serious = [f for f in before.findings if f.severity in ("error", "warning")]
    hits = [f.message for f in serious
            if (keys and any(i.casefold() in keys for i in f.ingredients))
            or (codes and f.code in codes)]
    if not hits and not codes:
        hits = [f.message for f in serious if not f.ingredients]
    return tuple(dict.fromkeys(hits))


# ---- the conflict ------------------------------------------------------------------------
def _infeasible(task: Task, before: Report, keep: frozenset[str], strict: bool) -> bool:
    return not isinstance(_search(task, before, keep, strict, hold=False), Answer)


def _irreducible(task: Task, before: Report, among: frozenset[str], strict: bool) -> list[Wish]:
    """An irreducible infeasible subset of the wishes ``among``: a deletion filter (a wish
    leaves the set when the rest is still infeasible without it) that tries whole runs of
    wishes first, halving a run that cannot go. Sixty pinned rows of which one clashes cost
    a dozen solves, not sixty. Every wish kept was tried alone against a superset of the
    final set, so none of them can go: the set is irreducible."""
    keep = [w for w in task.wishes if w.key in among]
    i, size = 0, max(1, len(keep) // 2)
    while i < len(keep):
        size = min(size, len(keep) - i)
        run = {w.key for w in keep[i:i + size]}
        if _infeasible(task, before, frozenset(w.key for w in keep if w.key not in run), strict):
            del keep[i:i + size]  # the rest clash without the run: it goes
        elif size > 1:
            size //= 2
        else:  # this wish is part of the clash
            i += 1
            size = max(1, (len(keep) - i) // 2)
    return keep


MOST_DROPPED = 6  # wishes a way out gives up at most
MOST_WAYS = 4  # ways out of more than one wish
# programs solved looking for ways out of more than one wish (a count, not seconds: the
# same formula always gets the same answer; ~30-50 ms each)
EXTRA_SOLVES = 40


def _conflict(task: Task, before: Report, everything: frozenset[str], strict: bool) -> Conflict:
    """An irreducible infeasible subset of the wishes, its rules and the ways out."""
    wishes = _irreducible(task, before, everything, strict)
    keep = frozenset(w.key for w in wishes)
    rules, per_wish = _rules_behind(task, keep, strict, wishes)
    wishes = [replace(w, rules=per_wish.get(w.key, ())) for w in wishes]
    ways, also = _ways_out(task, before, everything, strict, wishes)
    return Conflict(tuple(wishes), rules, "warning" if strict else "error", ways, also)


def _ways_out(task: Task, before: Report, everything: frozenset[str], strict: bool,
              first: list[Wish]) -> tuple[tuple[WayOut, ...], tuple[tuple[Wish, ...], ...]]:
    """The fewest wishes to give up, and what the repair gives then: each wish of the
    conflict alone first; when the rest still clash (Retinol and Salicylic Acid both pinned
    against "pregnancy-safe": dropping one leaves the other), that wish with one of each
    further clash (a hitting-set search, breadth first, so every way out is minimal).

    A way out of a ``warning`` conflict must end the warning too: an error-free formula
    exists already. Returns the ways out and the further clashes met."""
    if not first:
        return (), ()
    levels = (True,) if strict else (True, False)
    order = {w.key: n for n, w in enumerate(task.wishes)}
    named = {w.key: w for w in task.wishes} | {w.key: w for w in first}
    clashes = [frozenset(w.key for w in first)]
    ways: list[WayOut] = []
    done: list[frozenset[str]] = []
    seen: set[frozenset[str]] = set()
    frontier = [frozenset()]
    stop = 0
    for size in range(1, MOST_DROPPED + 1):
        if size == 2:  # the budget counts from the first way out of two wishes
            stop = task.solves + EXTRA_SOLVES
        nxt = []
        for drop in frontier:
            clash = next(c for c in clashes if not c & drop)
            for key in sorted(clash, key=order.__getitem__):
                d = drop | {key}
                if d in seen or any(f <= d for f in done):
                    continue
                seen.add(d)
                if size > 1 and (len(ways) - len(first) >= MOST_WAYS or task.solves > stop):
                    return tuple(ways), _more(clashes, named, order)
                if any(not c & d for c in clashes):  # a known clash still holds
                    nxt.append(d)
                    continue
                try:
                    got, kept = _way(task, before, everything - d, levels)
                    if got is None:
                        clash_d = _irreducible(task, before, everything - d, strict)
                        if not clash_d:  # cannot be: the conflict's search proved otherwise
                            continue
                        clashes.append(frozenset(w.key for w in clash_d))
                except OutOfTime:
                    if size == 1:
                        raise
                    return tuple(ways), _more(clashes, named, order)
                if got is None:
                    nxt.append(d)
                    continue
                keys = sorted(d, key=order.__getitem__)
                ways.append(WayOut(named[keys[0]], got.changes, kept,
                                   tuple(named[k] for k in keys[1:])))
                done.append(d)
        frontier = nxt
        if not frontier:
            break
    return tuple(ways), _more(clashes, named, order)


def _way(task: Task, before: Report, keep: frozenset[str],
         levels: tuple[bool, ...]) -> tuple[Answer | None, bool]:
    """The repair keeping only the wishes ``keep``: warning-free if it can, else error-free
    (when ``levels`` allows); None when there is none."""
    for level in levels:
        got = _search(task, before, keep, level)
        if isinstance(got, Answer):
            return got, level
    return None, False


def _more(clashes: list[frozenset[str]], named: dict[str, Wish],
          order: dict[str, int]) -> tuple[tuple[Wish, ...], ...]:
    return tuple(tuple(named[k] for k in sorted(c, key=order.__getitem__))
                 for c in clashes[1:] if c)


def _concerns(task: Task, w: Wish) -> set[str]:
    if w.key.startswith("row:"):
        a = task.formula.ingredients[int(w.key[4:])]
        return {task.rs.lookup(a.inci) or a.inci}
    return {w.key}


GLOBAL = ("capacity", "capacity-oil", "totals")  # rule groups that concern every row


def _rules_behind(task: Task, keep: frozenset[str], strict: bool,
                  wishes: list[Wish]) -> tuple[tuple[RuleRef, ...], dict[str, tuple[str, ...]]]:
    """The fewest rule groups that still make the wishes clash (a deletion filter over the
    program's rule groups, those about the wishes' ingredients, pH, base and totals first)."""
    built = build(task, keep, strict)
    touched = set().union(*(_concerns(task, w) for w in wishes)) if wishes else set()

    def about(key: str) -> bool:
        return key in GLOBAL or bool(built.members.get(key, frozenset()) & touched)

    def clash(skip: set[str]) -> bool:
        return task.solve(build(task, keep, strict, frozenset(skip))) is None

    skip = {key for key in built.groups if not about(key)}
    if not clash(skip):
        skip = set()
    for key in built.groups:
        if key not in skip and clash(skip | {key}):
            skip.add(key)
    found = [ref for key, ref in built.groups.items() if key not in skip]
    per_wish: dict[str, list[str]] = {}
    for key, ref in built.groups.items():
        if key in skip:
            continue
        for w in wishes:
            if key in GLOBAL or _concerns(task, w) & built.members.get(key, frozenset()):
                per_wish.setdefault(w.key, []).append(ref.rule)
    return tuple(found), {k: tuple(v) for k, v in per_wish.items()}
