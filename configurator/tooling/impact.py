"""``configurator rules impact``: what a candidate rule set would change in the saved designs.

Every design's latest revision is checked against the rule set in force and
against the candidate, in bulk (:mod:`configurator.tooling.bulk`: numpy over
all designs at once, the per-formula engine only for the few rows it cannot
decide exactly). A design is *changed* when its verdict changes or its
findings do. Findings are compared by ``(severity, code, rule, ingredients)``;
a finding present under both rule sets counts as changed too when the rule
(or catalog entry, base or constraint) that produced it was edited, since its
numbers and message then differ (a limit moved from 1 % to 0.8 % still fires
on a design at 1.5 %, with another limit and fix).

The report groups the changed designs by rule (the finding's ``rule``
field: a rule id, or ``catalog-<id>-use``, ``base-<id>``,
``constraint-<id>`` for the built-in checks), the groups holding verdict
changes first and, in each group, the designs whose verdict changed first.
Each run is stored as an :class:`~configurator.store.models.ImpactRun`; the R&D
page shows the latest with :func:`latest_impact_run`.

Without ``--rules`` the candidate is the folder in force as it is now on
disk, compared with the verdicts and findings stored with each revision when
it was saved (those may come from several older rule versions).

With ``--on DATE`` it answers another question: which saved designs, valid
today, a rule coming into force by DATE breaks (:mod:`configurator.tooling.coming`).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ..cli import add_format_opt, add_rules_opt, day_arg
from ..collector import paused
from ..derived import per_rule_set

Key = tuple[str, str, str, tuple[str, ...]]


# --------------------------------------------------------------------------- progress


class Progress:
    """A small progress bar on stderr: redrawn in place on a terminal, by quarters otherwise."""

    def __init__(self, total: int, label: str, stream=None, width: int = 30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._shown = -1
        self._t0 = time.perf_counter()

    def __call__(self, k: int) -> None:
        self.done = min(self.total, self.done + k)
        frac = self.done / self.total
        if self.tty:
            step = int(frac * 200)
            if step == self._shown and self.done < self.total:
                return
            self._shown = step
            bar = "#" * int(frac * self.width)
            self.stream.write(f"\r{self.label} [{bar:<{self.width}}] {self.done}/{self.total}")
            if self.done >= self.total:
                self.stream.write(f" {time.perf_counter() - self._t0:.1f}s\n")
        else:
            step = int(frac * 4)
            if step == self._shown:
                return
            self._shown = step
            self.stream.write(f"{self.label}: {self.done}/{self.total} ({frac:.0%})\n")
        self.stream.flush()


# --------------------------------------------------------------------------- comparison


def _signature(obj: Any) -> Any:
    """What a rule (or catalog entry, base, constraint) says, without where it was written."""
    if obj is None:
        return None
    if dataclasses.is_dataclass(obj):
        skip = {"expr", "native", "file", "line"}
        return tuple((f.name, _signature(getattr(obj, f.name)))
                     for f in dataclasses.fields(obj) if f.name not in skip)
    if isinstance(obj, dict):
        return tuple(sorted((k, _signature(v)) for k, v in obj.items()))
    if isinstance(obj, frozenset | set):
        return tuple(sorted(obj, key=repr))
    if isinstance(obj, list | tuple):
        return tuple(_signature(x) for x in obj)
    return obj


@per_rule_set
def _rules_by_id(rs) -> dict:
    return {r.id: r for r in rs.rules}


@per_rule_set
def _rule_signatures(rs) -> dict:
    """A rule's :func:`_signature` by the rule's identity, worked out when first asked:
    :func:`scope` asks every rule's where two sets' rules differ in where they are written
    (another folder: every rule), before the workers fork, and :func:`compare` asks again in
    each of them for every rule its designs' findings name (thousands: issue 19)."""
    return {}


def _rule_signature(rs, rule) -> Any:
    memo = _rule_signatures(rs)
    got = memo.get(id(rule))
    if got is None:
        got = memo[id(rule)] = _signature(rule)
    return got


def definition(rs, group: str, memo: dict | None = None) -> Any:
    """The signature of whatever produces findings under ``group`` (a finding's ``rule``).

    ``memo``: signatures already worked out for ``rs`` in this comparison (a base's and
    its composition's ingredients are shared by its groups and by other bases); a dict
    of one call, never kept beside the rule set (issue 19)."""
    if rs is None:
        return None
    if memo is None:
        memo = {}

    def sig(kind: str, key: str, obj: Any) -> Any:
        k = (kind, key)
        got = memo.get(k, memo)
        if got is memo:
            got = memo[k] = _signature(obj)
        return got
    by_id = _rules_by_id(rs)
    if group in by_id:
        return _rule_signature(rs, by_id[group])
    if group.startswith("catalog-"):
        for suffix, fields in (("-use", ("use_min", "use_max", "inci")),
                               ("-ph", ("ph_min", "ph_max", "inci"))):
            if group.endswith(suffix):
                ing = rs.ingredients.get(group[len("catalog-"):-len(suffix)])
                return None if ing is None else tuple(getattr(ing, f) for f in fields)
    if group.startswith("base-"):
        bid = group[len("base-"):]
        bid = bid[:-len("-oil")] if bid.endswith("-oil") and bid not in rs.bases else bid
        base = rs.bases.get(bid)
        return None if base is None else sig("base", bid, base) + (
            tuple(sig("ing", ln.ingredient, rs.ingredients[ln.ingredient])
                  for ln in base.composition),)
    if group.startswith("constraint-"):
        return _signature(rs.constraints.get(group[len("constraint-"):]))
    return None


def _finding(k: Key) -> dict:
    return {"severity": k[0], "code": k[1], "rule": k[2], "ingredients": list(k[3])}


def compare(items: list[dict], old: list[tuple[bool, list[Key]]], new: list[tuple[bool, list[Key]]],
            old_rs, new_rs) -> tuple[list[dict], list[dict]]:
    """(verdict changes, groups by rule) between two lists of (valid, finding keys)."""
    groups: dict[str, dict[int, dict]] = {}
    verdicts: list[dict] = []
    defs: dict[str, bool] = {}

    old_rules = _rules_by_id(old_rs) if old_rs is not None else {}
    new_rules = _rules_by_id(new_rs)
    old_memo: dict = {}
    new_memo: dict = {}

    def edited(group: str) -> bool:
        got = defs.get(group)
        if got is None:
            a, b = old_rules.get(group), new_rules.get(group)
            if a is not None and b is not None and (a is b or a == b):
                got = False  # the same rule, field for field: the same definition
            else:
                got = (old_rs is not None and
                       definition(old_rs, group, old_memo) != definition(new_rs, group, new_memo))
            defs[group] = got
        return got

    # a design with the same verdict and findings on both sides is unchanged unless one of
    # its findings comes from an edited rule: the groups those findings name, each once
    same = [ov == nv and ok == nk for (ov, ok), (nv, nk) in zip(old, new, strict=True)]
    hot = {g for g in {k[2] for (_v, ok), s in zip(old, same, strict=True) if s for k in ok}
           if edited(g)}
    todo = [(item, ov, ok, nv, nk)
            for item, (ov, ok), (nv, nk), s in zip(items, old, new, same, strict=True)
            if not s or hot and not hot.isdisjoint([k[2] for k in ok])]
    # the edited groups among the findings of the designs that may have changed, each asked
    # once (not once a finding: tens of thousands of designs change under a common rule)
    kin = {g for g in {k[2] for _i, _ov, ok, _nv, _nk in todo for k in ok} if edited(g)}
    for item, ov, ok, nv, nk in todo:
        so, sn = set(ok), set(nk)
        if len(so) == len(ok) and len(sn) == len(nk):  # no finding twice (the usual case):
            added = [k for k in nk if k not in so]     # what the Counters below give, in
            removed = [k for k in ok if k not in sn]   # their order, by set lookups
            changed = [k for k in ok if k[2] in kin and k in sn] if kin else []
        else:  # a finding twice on a side: counted
            co, cn = Counter(ok), Counter(nk)
            added = list((cn - co).elements())
            removed = list((co - cn).elements())
            changed = [k for k in (co & cn).elements() if k[2] in kin]
        verdict = None if ov == nv else {"was_valid": bool(ov), "now_valid": bool(nv)}
        if verdict:
            verdicts.append({**item, **verdict})
        if not (added or removed or changed or verdict):
            continue
        touched: dict[str, dict] = {}
        for what, keys in (("added", added), ("removed", removed), ("changed", changed)):
            for k in keys:
                entry = touched.setdefault(k[2], {**item, "verdict": verdict,
                                                  "added": [], "removed": [], "changed": []})
                entry[what].append(_finding(k))
        if not touched:  # a verdict change always has a finding change; kept for safety
            touched["(verdict)"] = {**item, "verdict": verdict, "added": [], "removed": [],
                                    "changed": []}
        for group, entry in touched.items():
            groups.setdefault(group, {})[item["design"]] = entry
    out = []
    for group, by_design in groups.items():
        rows = sorted(by_design.values(), key=lambda e: (e["verdict"] is None, e["design"]))
        out.append({"rule": group, "verdict_changes": sum(e["verdict"] is not None for e in rows),
                    "designs": rows})
    out.sort(key=lambda g: (-g["verdict_changes"], -len(g["designs"]), g["rule"]))
    verdicts.sort(key=lambda v: (v["now_valid"], v["design"]))
    return verdicts, out


# --------------------------------------------------------------------------- scope


@dataclasses.dataclass(frozen=True)
class Scope:
    """What two rule sets do not share, when that is all they differ in (:func:`scope`):
    the rules (their positions in each set's ``rules`` and their ids), the catalog
    entries, bases, product types and constraints (ids) that differ."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    ids: tuple[str, ...]
    ingredients: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    product_types: tuple[str, ...] = ()  # (on one side only, or written otherwise)
    constraints: tuple[str, ...] = ()
    names: bool = False  # the names the two sets know differ (a synonym added, say)

    @property
    def recompose(self) -> bool:
        """Whether the designs checked in full compose otherwise under the old set (those
        on an edited base, of an edited product type, asking for an edited constraint (one
        of one set only is unknown to the other), or writing a name the two sets read
        otherwise)."""
        return bool(self.bases or self.product_types or self.constraints or self.names)


def _catalog_diff(a, b) -> tuple | None:
    """(the catalog entries, bases, product types and constraints two rule sets write
    differently, whether the names they know differ), when they build the same entries at
    load from the same inventory; None when they do not. Bases and constraints may be
    added, removed or moved (a design's base and the constraints it asks for are numbered
    afresh for the old side, and the designs on, or naming, one of one set only are
    checked in full: it differs). A name is read only by the
    designs that write it, which is asked per name (:func:`_touched`); a tag only through
    the entries carrying it and the rules and constraints naming it (each resolved at load
    into what it reads: an entry, rule or constraint it changes differs itself), so the set
    of all tags may differ (a tag no entry had before). A base is read only by the designs on
    it (its lines, pH, room, the products it suits), a product type by the designs of that
    type and, through a base's ``suits``, by the designs on that base whose product is
    written out rather than named, a constraint by the designs asking for it."""
    if a.loaded != b.loaded:
        return None
    ia, ib = a.inventory, b.inventory
    if (ia is None) != (ib is None) or (ia is not None and ia.digest != ib.digest):
        return None
    ings_a, ings_b = a.ingredients, b.ingredients
    pa, pb = a.product_types, b.product_types
    return (tuple(sorted(i for i in a.loaded if ings_a[i] != ings_b[i])),
            tuple(sorted(k for k in a.bases.keys() | b.bases.keys()
                         if a.bases.get(k) != b.bases.get(k))),
            tuple(sorted(k for k in pa.keys() | pb.keys() if pa.get(k) != pb.get(k))),
            tuple(sorted(k for k in a.constraints.keys() | b.constraints.keys()
                         if a.constraints.get(k) != b.constraints.get(k))),
            a.names != b.names)


def _composed_for_both(formulas, rows, old_rs, new_rs, progress) -> tuple:
    """(old, new): the designs composed once, under ``new_rs``, and taken for the old side
    with the rows left to the engine as the old set's rules leave them (as composing under
    it gives them): where :func:`scope` holds, every design composes alike under both but
    for those rows (and those it sends to the full check otherwise)."""
    import numpy as np

    from .bulk import compose_formulas
    from .bulk.compose import special_rows

    new_d = compose_formulas(formulas, new_rs, progress=progress, rows=rows)
    old_d = dataclasses.replace(new_d, rs=old_rs)
    if list(old_rs.bases) != list(new_rs.bases):  # (a base added, removed or moved: each
        # design's base numbered as the old set numbers it; one on a base of one set only
        # is composed afresh, Scope.recompose)
        at = {b: j for j, b in enumerate(old_rs.bases)}
        old_d.base = np.array([at.get(b, -1) for b in new_rs.bases] + [-1],
                              new_d.base.dtype)[new_d.base]
    if list(old_rs.constraints) != list(new_rs.constraints):  # (the same, for the
        at = {c: j for j, c in enumerate(new_rs.constraints)}  # constraints asked for)
        cons = np.zeros((new_d.n, len(old_rs.constraints)), bool)
        for k, c in enumerate(old_rs.constraints):
            if c in at:
                cons[:, k] = new_d.cons[:, at[c]]
        old_d.cons = cons
    old_d.force = special_rows(old_d)
    if progress is not None:
        progress(len(formulas))
    return old_d, new_d


def _moved(old: list[str], new: list[str]) -> set[str]:
    """The fewest of these ids (the same ones in two orders) whose moving turns the order
    ``old`` into ``new``: those off a longest run of ``new`` kept in ``old``'s order (a
    longest increasing subsequence of their old positions, by patience sorting)."""
    if old == new:
        return set()
    import bisect

    at = {rid: k for k, rid in enumerate(old)}
    seq = [at[rid] for rid in new]
    tails: list[int] = []  # the least last position of an increasing run of each length
    tail_at: list[int] = []  # where in seq that run ends
    before = [-1] * len(seq)  # each position's predecessor in its run
    for i, v in enumerate(seq):
        j = bisect.bisect_left(tails, v)
        if j == len(tails):
            tails.append(v)
            tail_at.append(i)
        else:
            tails[j] = v
            tail_at[j] = i
        before[i] = tail_at[j - 1] if j else -1
    kept = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        kept.add(new[i])
        i = before[i]
    return set(new) - kept


def _may_ask(rule) -> bool:
    """Whether a rule can ask a category question: only one whose products are named by a
    form, category or age (``When.doubts``) can."""
    w = rule.when
    return w is not None and any(x is not None for x in (w.form, w.not_form, w.category,
                                                        w.not_category, w.age))


def scope(old_rs, new_rs) -> Scope | None:
    """The rules, catalog entries and bases a candidate changes, when that is all it
    changes; None otherwise.

    A design's findings are its findings of each rule (each rule's check reads the
    formula, the product and the catalog entries of the ingredients the design lists, never
    another rule's result), plus the checks of no rule (use ranges, pH windows, the base,
    constraints), which read the same entries. One thing links rules: a category question
    is asked once per design, by the first rule (in file order) that finds something in
    that category. So, when two rule sets name and compose every formula alike
    (:func:`_catalog_diff`), a design that lists no differing catalog entry (composed: its
    base's lines too) and in which no differing rule finds anything, under either set, has
    the same findings under both: it is unchanged, and only the other designs need
    checking in full (:func:`_compared`). A rule differs when it is on one side only or
    when what it says (:func:`_signature`: where it is written aside) differs (an entry's
    edited tags change the rules reading them too), and when it may ask a question
    (:func:`_may_ask`) and is among the fewest such shared rules whose moving gives the
    candidate's order (:func:`_moved`): where none of those finds anything it asks
    nothing, and the others ask in the same order as before. The other rules may move
    freely (findings are compared as sets). Ids written twice in either set give no scope
    (every design is checked in full; the loader refuses such a set).
    A design on a base the candidate edits, of a product type it edits (or on a base
    suiting one, its product written out), asking for a constraint it edits or writing a
    name the two sets read as different entries (or one as none) is checked in full too,
    composed under each set (the other designs compose alike under both)."""
    diff = None if old_rs is None or new_rs is None else _catalog_diff(old_rs, new_rs)
    if diff is None:
        return None
    entries, bases, product_types, constraints, names = diff
    old_by, new_by = _rules_by_id(old_rs), _rules_by_id(new_rs)
    if len(old_by) != len(old_rs.rules) or len(new_by) != len(new_rs.rules):
        return None
    changed = set(old_by).symmetric_difference(new_by)
    for rid, a in old_by.items():
        b = new_by.get(rid)
        if (b is not None and a is not b and a != b
                and _rule_signature(old_rs, a) != _rule_signature(new_rs, b)):
            changed.add(rid)
    # the shared rules that may ask, in another order: the fewest whose moving gives the
    # candidate's order count as changed (a design in which one finds something is checked
    # in full; where none does, none of them asks, and the others ask as before)
    changed |= _moved([r.id for r in old_rs.rules if r.id not in changed and _may_ask(r)],
                      [r.id for r in new_rs.rules if r.id not in changed and _may_ask(r)])
    return Scope(tuple(n for n, r in enumerate(old_rs.rules) if r.id in changed),
                 tuple(n for n, r in enumerate(new_rs.rules) if r.id in changed),
                 tuple(sorted(changed)), entries, bases, product_types, constraints, names)


# --------------------------------------------------------------------------- running


def _check_all(formulas, rs, progress: Callable[[int], None] | None, table=None, checker=None,
               rows=None, designs=None):
    from .bulk import BulkChecker, compose_formulas

    # a pass allocates a few hundred thousand tuples and lists, none in a cycle; a full
    # collection walked every object alive (~660,000 for 20,000 designs), 0.2 s every
    # other pass (issue 19)
    with paused():
        if checker is None:
            checker = BulkChecker(rs)
        if designs is None:  # (else: these formulas as composed already)
            designs = compose_formulas(formulas, rs, progress=progress, rows=rows)
        res = checker.run(designs, progress=progress)
        keys = res.keys(table)
        return [(bool(v), k) for v, k in zip(res.valid.tolist(), keys, strict=True)], res, checker


PARALLEL_MIN = 4_000  # designs: below this one process (a fork costs more than it saves)


def default_workers() -> int:
    """The processes ``configurator rules impact`` uses: the CPUs, at most 2 (each also
    needs both rule sets' checkers, built once before the fork and shared)."""
    return max(1, min(2, os.cpu_count() or 1))


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def passes(old_rs) -> int:
    """Progress steps per design: two stages (compose, check) of each rule set checked
    (the stored side is not checked)."""
    return (2 if old_rs is not None else 1) * 2


def _compared(items, formulas, old_rs, new_rs, stored, progress, checkers=(None, None),
              documents: bool = False, scoped: Scope | None = None):
    """(verdict changes, groups, fallback rows, unreadable, designs checked, designs checked
    in full) of one process over these designs (``documents``: ``formulas`` are stored
    documents, parsed here; ``scoped``: see :func:`scope`)."""
    from .bulk.compose import formula_rows
    from .bulk.naming import KeyTable

    unreadable: list[dict] = []
    rows = None
    if isinstance(items, StoredDesigns):  # (read here: in this worker)
        items, formulas, stored = items.read()
    if documents:
        items, formulas, stored, unreadable, rows = parsed(items, formulas, stored)
        if unreadable and progress is not None:  # (the bar counted every design's passes)
            progress(len(unreadable) * passes(old_rs))
    fallback = {}
    checked = len(items)
    with paused():  # (as in _check_all: the comparison too)
        table = KeyTable()  # both passes: equal keys are one object, compared by identity
        if rows is None:  # what both passes read of the formulas, once
            rows = formula_rows(formulas)
        composed = (None, None)
        if scoped is not None and old_rs is not None:
            keep, composed, derive, old_only = _touched(formulas, rows, old_rs, new_rs,
                                                        scoped, progress, checkers)
            items = [items[i] for i in keep]
            progress = None  # (the bar counted these designs' passes already)
            if not keep:
                return [], [], {"old": 0, "new": 0}, unreadable, checked, 0
            # composed already (the engine asks the formulas for the rows it checks), but
            # under the old set where the kept designs compose otherwise (Scope.recompose)
            composed = tuple(d.take(keep) for d in composed)
            rows = None
            if scoped.recompose:
                composed = (None, composed[1])
                formulas = [formulas[i] for i in keep]
            checkers = (None, None)  # (those of the changed rules only, if any: the whole sets)
            if derive is not None and derive[keep].any():  # checked in full under the
                # candidate alone, the old side derived (_touched, _derived)
                return _derived_compared(items, formulas, keep, composed, derive, old_only,
                                         old_rs, new_rs, scoped, table, unreadable, checked)
        if old_rs is not None:
            old, res, _c = _check_all(formulas, old_rs, progress, table, checkers[0], rows,
                                      composed[0])
            fallback["old"] = len(res.fallback)
        else:
            old = stored or []
        new, res, _c = _check_all(formulas, new_rs, progress, table, checkers[1], rows,
                                  composed[1])
        fallback["new"] = len(res.fallback)
        verdicts, groups = compare(items, old, new, old_rs, new_rs)
    return verdicts, groups, fallback, unreadable, checked, len(items)


def _derived_compared(items, formulas, keep, composed, derive, old_only, old_rs, new_rs,
                      scoped: Scope, table, unreadable, checked) -> tuple:
    """:func:`_compared`'s result over the kept designs, some of whose old sides are derived
    (:func:`_touched`): every kept design checked in full under the candidate, the others
    under the old set too."""
    import numpy as np

    new, res, _c = _check_all(formulas, new_rs, None, table, None, None, composed[1])
    fallback = {"new": len(res.fallback), "old": 0}
    sub = np.nonzero(~derive[keep])[0]  # (positions among the kept designs)
    old_sub: list = []
    if len(sub):
        if composed[0] is None:  # composed afresh (Scope.recompose)
            old_sub, res, _c = _check_all([formulas[j] for j in sub.tolist()], old_rs, None,
                                          table)
        else:
            old_sub, res, _c = _check_all(formulas, old_rs, None, table, None, None,
                                          composed[0].take(sub))
        fallback["old"] = len(res.fallback)
    old = _derived(new, old_sub, sub, keep, old_only, table, frozenset(scoped.ids))
    verdicts, groups = compare(items, old, new, old_rs, new_rs)
    return verdicts, groups, fallback, unreadable, checked, len(items)


def _touched(formulas, rows, old_rs, new_rs, scoped: Scope, progress, checkers
             ) -> tuple[list[int], tuple, Any, Any]:
    """(the designs in which a rule of ``scoped`` finds something under either rule set,
    which the bulk checker leaves to the engine for one of those rules, or which use what
    ``scoped`` names otherwise (a catalog entry, base, product type, constraint, a name
    read otherwise): positions, ascending; every design composed under each set, the old
    side's right for the others only; which designs only a changed rule touches, found
    exactly by the checks of those rules (bool, every design; None: none may be derived);
    those checks' result under the old set, or None). Every other design has the same
    findings under both (:func:`scope`).

    A design only a changed rule touches (none of the rest above) has the same findings
    under both sets but for the changed rules' own: :func:`_compared` checks it in full
    under the candidate alone and takes its old findings as those, the changed rules'
    swapped for theirs under the old set (:func:`_derived`)."""
    import numpy as np

    from .bulk import BulkChecker
    from .bulk.compose import special_rows

    if not (scoped.ids or scoped.ingredients or scoped.bases or scoped.product_types
            or scoped.constraints or scoped.names):  # nothing differs: no
        if progress is not None:                                         # design can change
            progress(len(formulas) * passes(old_rs))
        return [], (None, None), None, None
    hit = np.zeros(len(formulas), bool)  # (touched otherwise than by a changed rule's finding)
    found_by = np.zeros(len(formulas), bool)  # a changed rule finds something, exactly
    old_only = None
    # the formulas compose alike under both sets (scope()), but for the rows each leaves
    # to the engine and the designs on an edited base or product type or writing a name
    # read otherwise: those are hit below, and their old side composed afresh (_compared)
    composed = old_d, new_d = _composed_for_both(formulas, rows, old_rs, new_rs, progress)
    if scoped.ingredients:  # the designs listing an entry written differently (composed)
        col = {c: j for j, c in enumerate(new_d.cols)}
        edited = np.zeros(len(new_d.cols) + 1, bool)
        edited[[col[i] for i in scoped.ingredients]] = True
        hit |= edited[new_d.pres_ids].any(1)
    first = ([formulas[i] for i in rows.combos]  # (one design per type and base)
             if scoped.bases or scoped.product_types else [])
    if scoped.bases:  # the designs on an edited (added, removed) base, or naming one
        edited_ids = set(scoped.bases)
        edited = np.array([b in edited_ids for b in new_rs.bases] + [False], bool)  # (-1: none)
        hit |= edited[new_d.base]
        hit |= np.array([f.base in edited_ids for f in first] + [False], bool)[rows.combo]
    if scoped.product_types:  # of an edited type, or written out on a base suiting one
        types = set(scoped.product_types)
        suits = {k for rs in (old_rs, new_rs) for k, b in rs.bases.items()
                 if types.intersection(b.suits)}
        edited = np.array([f.product_type.id in types
                           or (f.product_type.id is None and f.base in suits) for f in first]
                          + [False], bool)
        hit |= edited[rows.combo]
    if scoped.constraints:  # the designs asking for an edited (added, removed) constraint
        edited_ids = set(scoped.constraints)
        pos = [j for j, c in enumerate(new_rs.constraints) if c in edited_ids]
        if pos:
            hit |= new_d.cons[:, pos].any(1)
        named = [bool(edited_ids.intersection(formulas[i].constraints)) for i in rows.cons_lists]
        hit |= np.array(named + [False], bool)[rows.cons]  # (the last: none asked for)
    if scoped.names:  # the designs writing a name the two sets read otherwise
        other = np.array([old_rs.lookup(nm) != new_rs.lookup(nm) for nm in rows.names], bool)
        hit[rows.fid[other[rows.name]]] = True
    for rs, designs, checker, only in ((old_rs, old_d, checkers[0], scoped.old),
                                       (new_rs, new_d, checkers[1], scoped.new)):
        if not only:  # no rule differs: only the listing above and the forced rows
            hit |= special_rows(designs, only)
            if progress is not None:
                progress(len(formulas))
            continue
        if checker is None:
            checker = BulkChecker(rs, only=only)
        res = checker.run(designs, fallback=False, progress=progress, only=only)
        if rs is old_rs:
            old_only = res
        for found, _spec in res.blocks:
            found_by[found] = True
        hit[res.undecided] = True  # rows the checks of these rules cannot decide
        # rows composed for the engine on account of these rules (a day to come, a category
        # in doubt) or of a name without a column; those forced for other rules only are
        # decided exactly for these
        hit |= special_rows(designs, only)
    derive = found_by & ~hit if _derivable(scoped) else None
    return np.nonzero(hit | found_by)[0].tolist(), composed, derive, old_only


_BUILT_IN = ("base", "catalog", "constraint", "formula-", "inventory-")  # the checks of no rule


def _derivable(scoped: Scope) -> bool:
    """Whether a finding's group tells a changed rule's findings from the rest: no changed
    rule's id reads as the group of a check of no rule (``base-…``, ``catalog-…``)."""
    return not any(rid.startswith(_BUILT_IN) for rid in scoped.ids)


def _derived(new: list, old_sub: list, sub, keep: list[int], old_only, table,
             changed: frozenset[str]) -> list:
    """The old side of the kept designs: checked in full at the positions ``sub`` (``old_sub``,
    in their order), else the design's findings under the candidate
    with the changed rules' swapped for theirs under the old set (``old_only``'s, by group)
    and its verdict from them (valid: no error, as the engine's :class:`Report` says)."""
    old: list = [None] * len(keep)
    for j, got in zip(sub.tolist(), old_sub, strict=True):
        old[j] = got
    theirs: dict[int, list] = {}  # design -> the changed rules' findings under the old set
    if old_only is not None:  # (their blocks named alone: not every design's composition)
        import numpy as np

        from .bulk.naming import Namer

        rr, kk = Namer(old_only.designs, old_only.column_names(), table).blocks(old_only.blocks)
        if rr:
            got = table.keys
            for r, k in zip(np.concatenate(rr).tolist(), np.concatenate(kk).tolist(),
                            strict=True):
                theirs.setdefault(r, []).append(got[k])
    for j, i in enumerate(keep):
        if old[j] is not None:
            continue
        keys = [k for k in new[j][1] if k[2] not in changed]
        keys += [k for k in theirs.get(i, ()) if k[2] in changed]
        keys.sort()
        old[j] = (not any(k[0] == "error" for k in keys), keys)
    return old


def merge(parts: list[tuple]) -> tuple[list[dict], list[dict], dict, list[dict], int, int]:
    """The results of :func:`_compared` over consecutive slices of the designs, as one
    process over them all gives it (sorted as :func:`compare` sorts; the unreadable
    designs in the slices' order)."""
    verdicts = [v for p in parts for v in p[0]]
    verdicts.sort(key=lambda v: (v["now_valid"], v["design"]))
    by_group: dict[str, dict] = {}
    for _v, groups, *_rest in parts:
        for g in groups:
            got = by_group.setdefault(g["rule"], {})
            for e in g["designs"]:
                got[e["design"]] = e  # (a design listed twice: the later one, as compare)
    out = []
    for group, by_design in by_group.items():
        rows = sorted(by_design.values(), key=lambda e: (e["verdict"] is None, e["design"]))
        out.append({"rule": group, "verdict_changes": sum(e["verdict"] is not None for e in rows),
                    "designs": rows})
    out.sort(key=lambda g: (-g["verdict_changes"], -len(g["designs"]), g["rule"]))
    fallback: dict[str, int] = {}
    for p in parts:
        for k, v in p[2].items():
            fallback[k] = fallback.get(k, 0) + v
    return (verdicts, out, fallback, [u for p in parts for u in p[3]],
            sum(p[4] for p in parts), sum(p[5] for p in parts))


class WorkerDied(RuntimeError):
    """A forked worker of ``rules impact`` stopped without its result."""


def _child(conn, items, formulas, old_rs, new_rs, stored, report_progress, checkers,
           documents, scoped=None) -> None:
    """A forked worker: its slice's result (or its error) through ``conn``; progress too."""
    import traceback

    try:
        progress = (lambda k: conn.send(("progress", k))) if report_progress else None
        out = _compared(items, formulas, old_rs, new_rs, stored, progress, checkers, documents,
                        scoped=scoped)
        conn.send(("result", out))
    except BaseException as exc:  # noqa: BLE001 (told to the parent, which raises)
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def _forked(items, formulas, old_rs, new_rs, stored, progress, workers: int,
            documents: bool = False, scoped: Scope | None = None):
    """:func:`_compared` over ``workers`` consecutive slices of the designs, the first in
    this process, each other one in a forked child; merged (:func:`merge`). The rule sets'
    checkers are built once, before the fork, and shared by all."""
    from .bulk import BulkChecker

    with paused():  # (the children's results too: many small objects, none in a cycle)
        if scoped is None:
            checkers = (BulkChecker(old_rs) if old_rs is not None else None, BulkChecker(new_rs))
        elif scoped.ids:  # the changed rules only (a worker with designs to check in full
            # compiles both sets whole: _compared)
            checkers = (BulkChecker(old_rs, only=scoped.old), BulkChecker(new_rs, only=scoped.new))
        else:
            checkers = (None, None)  # nothing to check
        return _forked_paused(items, formulas, old_rs, new_rs, stored, progress, workers,
                              checkers, documents, scoped)


def _forked_paused(items, formulas, old_rs, new_rs, stored, progress, workers, checkers,
                   documents=False, scoped=None):
    import multiprocessing
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context("fork")
    n = len(items)
    cuts = [n * k // workers for k in range(workers + 1)]

    def part(k: int) -> tuple:
        lo, hi = cuts[k], cuts[k + 1]
        if isinstance(items, StoredDesigns):  # (each worker reads its own slice)
            return items[lo:hi], None, old_rs, new_rs, None
        return (items[lo:hi], formulas[lo:hi], old_rs, new_rs,
                None if stored is None else stored[lo:hi])

    children = []  # (process, its end of the pipe, its slice)
    results: dict[int, tuple] = {}
    try:
        for k in range(1, workers):
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_child, args=(send, *part(k), progress is not None, checkers,
                                                 documents, scoped),
                            name=f"rules-impact-{k}", daemon=True)
            p.start()
            send.close()  # (the child holds the only writing end: its death is an EOF here)
            children.append((p, recv, k))

        def drain(block: bool) -> None:
            """Take what the children sent: progress (passed on), results, errors."""
            pending = [c for c in children if c[2] not in results]
            while pending:
                ready = wait([c[1] for c in pending], timeout=None if block else 0)
                if not ready:
                    return
                for p, recv, k in pending:
                    if recv not in ready:
                        continue
                    try:
                        what, value = recv.recv()
                    except EOFError:
                        p.join(timeout=5)
                        lo, hi = cuts[k], cuts[k + 1]
                        raise WorkerDied(f"rules impact: the worker process checking designs "
                                         f"{lo + 1}-{hi} of {n} stopped without a result "
                                         f"(exit code {p.exitcode})") from None
                    if what == "progress":
                        progress(value)
                    elif what == "result":
                        results[k] = value
                    else:
                        raise WorkerDied(f"rules impact: the worker process checking designs "
                                         f"{cuts[k] + 1}-{cuts[k + 1]} of {n} failed: {value}")
                pending = [c for c in children if c[2] not in results]

        def mine(k: int) -> None:
            progress(k)
            drain(False)

        results[0] = _compared(*part(0), mine if progress is not None else None, checkers,
                               documents, scoped=scoped)
        drain(True)
    finally:
        for p, recv, _k in children:
            if p.is_alive() and _k not in results:
                p.kill()
            p.join()
            recv.close()
    return merge([results[k] for k in range(workers)])


def impact(items: list[dict], formulas: list, old_rs, new_rs, stored: list | None = None,
           progress: Callable[[int], None] | None = None, workers: int = 1,
           documents: bool = False, scoped: bool = True) -> dict:
    """The impact report of ``new_rs`` over ``formulas`` (one per item), against ``old_rs``.

    ``items`` describe the designs (``design``, ``name``, ``revision``,
    ``status``); with ``old_rs`` None the old side is ``stored``: each
    revision's (valid, finding keys) as saved.

    ``workers`` > 1 (the command: :func:`default_workers`): from :data:`PARALLEL_MIN`
    designs on, and where processes can be forked, the designs are split into that many
    consecutive slices, each checked and compared in a process of its own (the first in
    this one); only the comparisons travel back, merged into the very report one process
    gives (tests/tooling/test_impact_parallel.py). A worker that dies raises
    :class:`WorkerDied`.

    ``documents`` (the command): ``formulas`` are the documents as stored
    (:func:`latest_designs` with ``parse=False``), parsed in each slice, so that the
    workers share the parse too; the unreadable ones are left out of the check and listed
    under ``unreadable`` in the report.

    ``scoped`` (the default): only the designs a candidate's changes may touch are checked
    in full (:func:`scope`), each composed once for both sets; False: every design checked
    in full, composed under each set on its own (the reference
    tests/tooling/test_impact_scope.py holds the rest to).
    """
    t0 = time.perf_counter()
    sc = scope(old_rs, new_rs) if scoped else None
    workers = max(1, min(workers, len(items) // max(1, PARALLEL_MIN // 2)))
    if workers > 1 and len(items) >= PARALLEL_MIN and _can_fork():
        verdicts, groups, fallback, unreadable, checked, in_full = _forked(
            items, formulas, old_rs, new_rs, stored, progress, workers, documents, sc)
    else:
        verdicts, groups, fallback, unreadable, checked, in_full = _compared(
            items, formulas, old_rs, new_rs, stored, progress, documents=documents, scoped=sc)
    changed = {e["design"] for g in groups for e in g["designs"]}
    report = {
        "old_version": old_rs.version if old_rs is not None else "(as saved)",
        "new_version": new_rs.version,
        "designs_checked": checked,
        "designs_changed": len(changed),
        "verdict_changes": verdicts,
        "groups": groups,
        "fallback_rows": fallback,
        # the rules the candidate changes, when that is all it changes (scope()): every
        # design was checked against those, and in full only where one finds something
        "scope": None if sc is None else {"rules_changed": list(sc.ids),
                                          "catalog_entries_changed": list(sc.ingredients),
                                          "bases_changed": list(sc.bases),
                                          "product_types_changed": list(sc.product_types),
                                          "constraints_changed": list(sc.constraints),
                                          "names_changed": sc.names,
                                          "designs_checked_in_full": in_full},
        "seconds": round(time.perf_counter() - t0, 3),
    }
    if documents:
        report["unreadable"] = unreadable
    return report


def _stored_keys(report: dict) -> list[Key]:
    out = []
    for f in report.get("findings", []):
        out.append((f.get("severity", ""), f.get("code", ""), f.get("rule", ""),
                    tuple(f.get("ingredients", []))))
    return sorted(out)


def latest_designs(db, stored: bool = True, parse: bool = True,
                   ids: tuple[int, int] | None = None) -> tuple[list[dict], list, list, list[dict]]:
    """(items, formulas, stored (valid, keys), unreadable) for every design's latest revision
    (``db``: a Session or a Connection).

    Read as plain rows, only the columns used (no ORM objects: 50,000 designs took ~9 s
    that way, most of a ``rules impact`` run; nor the models: :mod:`..store.tables`); with
    ``stored`` False (the command given a candidate: both sides are checked) the saved
    verdicts and reports are not read, and the third list is empty. The documents are
    read as their JSON text and parsed by :func:`parsed`; with ``parse`` False the second
    list holds that text and unreadable is empty: :func:`impact` with ``documents=True``
    parses them in each worker's slice. ``ids``: only the designs from the first id to the
    second, both included (:class:`StoredDesigns`)."""
    from sqlalchemy import Text, cast

    from ..store.tables import DESIGNS, REVISIONS

    d, r = DESIGNS.c, REVISIONS.c
    cols = [d.id, d.name, d.status, d.archived, r.number, cast(r.document, Text)]
    if stored:
        cols += [r.valid, r.report]
    q = _latest(*cols)
    if ids is not None:
        q = q.where(d.id >= ids[0], d.id <= ids[1])
    items, docs, saved = [], [], []
    with paused():  # (tens of thousands of new objects kept: no collection pays off)
        for row in _connection(db).execute(q):
            items.append({"design": row[0], "name": row[1], "revision": row[4],
                          "status": row[2], "archived": row[3]})
            docs.append(row[5])
            if stored:
                saved.append((bool(row[6]), _stored_keys(row[7] or {})))
    if not parse:
        return items, docs, saved, []
    items, formulas, kept, unreadable, _rows = parsed(items, docs, saved if stored else None)
    return items, list(formulas), kept or [], unreadable


def _connection(db):
    """The Connection of ``db`` (a Session, or a Connection already)."""
    from sqlalchemy.engine import Connection

    return db if isinstance(db, Connection) else db.connection()


def _latest(*cols):
    """SELECT ``cols`` of every design joined to its latest revision, by design id."""
    from sqlalchemy import select

    from ..store.tables import DESIGNS, REVISIONS

    d, r = DESIGNS.c, REVISIONS.c
    return (select(*cols)
            .select_from(DESIGNS.join(REVISIONS, (r.design_id == d.id) & (r.number == d.version)))
            .order_by(d.id))


def design_ids(db) -> list[int]:
    """The ids of the designs that have a latest revision, ascending (what
    :func:`latest_designs` reads, without reading it)."""
    from ..store.tables import DESIGNS

    return list(_connection(db).execute(_latest(DESIGNS.c.id)).scalars())


class StoredDesigns:
    """The latest revisions of some designs in a database, read when first used (the
    command's ``items`` for :func:`impact`): sliced by position before the workers fork,
    each slice is read by the worker checking it, in parallel (half the read's time off
    the command's start at two workers, issue 19). A slice reads the designs whose ids lie
    from its first to its last: one saved meanwhile within that range is read too (the
    app may be running: each slice is read as it stands when its worker gets to it)."""

    def __init__(self, url: str, ids: list[int], stored: bool):
        self.url, self.ids, self.stored = url, ids, stored

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, part: slice) -> StoredDesigns:
        return StoredDesigns(self.url, self.ids[part], self.stored)

    def read(self) -> tuple[list[dict], list, list | None]:
        """(items, the documents as stored, the stored (valid, keys) or None)."""
        if not self.ids:
            return [], [], [] if self.stored else None
        from ..store import db

        engine = db.make_engine(self.url)  # (its own: not a connection of the process forked)
        try:
            with engine.connect() as conn:
                items, docs, saved, _none = latest_designs(
                    conn, self.stored, parse=False, ids=(self.ids[0], self.ids[-1]))
        finally:
            engine.dispose()
        return items, docs, saved if self.stored else None


def parsed(items: list[dict], documents: list, stored: list | None):
    """(items, formulas, stored, unreadable, rows) of a slice read with ``parse=False``: each
    document (its JSON text, or already a mapping) parsed as :func:`latest_designs` parses
    it; an unreadable one (not JSON, or not a formula) leaves the slice, with its problem.
    The formulas are a lazy sequence (``DocumentFormulas``: each parsed when asked for) and
    ``rows`` their :func:`~configurator.tooling.bulk.compose.formula_rows`, read straight
    from the documents (``document_rows``: no object per formula or row, issue 19)."""
    from ..engine import parse_formula
    from ..errors import ConfiguratorError
    from .bulk.compose import document_rows

    keep, docs, unreadable = [], [], []

    def where(item: dict) -> str:
        return f"design {item['design']} revision {item['revision']}"

    with paused():
        for i, (item, doc) in enumerate(zip(items, documents, strict=True)):
            if isinstance(doc, str):  # the JSON text as stored
                try:
                    doc = json.loads(doc)
                except ValueError:
                    unreadable.append((i, {**item, "problem": f"{where(item)}: the stored "
                                                              "document is not JSON"}))
                    continue
            keep.append(i)
            docs.append(doc)
        left: set[int] = set()

        def parse(k: int, doc):
            item = items[keep[k]]
            try:
                return parse_formula(doc, where(item))
            except ConfiguratorError as exc:
                left.add(k)
                unreadable.append((keep[k], {**item, "problem": str(exc)}))
                return None

        rows, formulas = document_rows(docs, parse)
    unreadable = [u for _i, u in sorted(unreadable, key=lambda e: e[0])]
    if len(keep) == len(items) and not left:
        return items, formulas, stored, unreadable, rows
    keep = [i for k, i in enumerate(keep) if k not in left]
    return ([items[i] for i in keep], formulas,
            None if stored is None else [stored[i] for i in keep], unreadable, rows)


def run_impact(database_url: str, candidate_dir: str | None, rules_dir: str | None = None,
               progress: bool = True, save: bool = True, stream=None, workers: int = 1) -> dict:
    """Run the impact analysis over a database; store and return the report (``workers``:
    see :func:`impact`; the command gives :func:`default_workers`). On a plain connection,
    not an ORM session (:mod:`..store.tables`)."""
    from ..rules import default_rules_dir, load_rules
    from ..store import db

    in_force = rules_dir or os.environ.get("CONFIGURATOR_RULES") or str(default_rules_dir())
    # the run's report (9 MB where 23,666 designs change) is the one JSON value this engine
    # writes: encoded by orjson, 0.01 s where the standard library's takes 0.06 s
    engine = db.make_engine(database_url, json_serializer=_json_text)
    try:
        db.upgrade(engine)
        if candidate_dir is not None:
            old_rs, new_rs = load_rules(in_force), load_rules(candidate_dir)
        else:
            old_rs, new_rs = None, load_rules(in_force)
        with engine.connect() as conn:
            # the designs are read and their documents parsed in the workers' slices
            designs = StoredDesigns(database_url, design_ids(conn), stored=old_rs is None)
            conn.rollback()  # (the read's transaction ends here, not after the run)
            bar = (Progress(passes(old_rs) * len(designs), "rules impact", stream)
                   if progress and len(designs) else None)
            report = impact(designs, None, old_rs, new_rs, None, bar, workers=workers,
                            documents=True)
            unreadable = report.pop("unreadable")
            report["rules_dir"] = str(in_force)
            report["candidate_dir"] = str(candidate_dir or in_force)
            report["unreadable"] = unreadable
            if save:
                save_run(conn, report)
        return report
    finally:
        engine.dispose()


def _json_text(value: Any) -> str:
    """``value`` as JSON text, by orjson (read back as ``json.loads`` reads the standard
    library's)."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def save_run(db, report: dict) -> int:
    """Store ``report`` (:func:`impact`'s, with its folders) as an impact run, committed
    (``db``: a Session or a Connection); sets and returns its ``run_id``."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from ..store.tables import IMPACT_RUNS

    q = insert(IMPACT_RUNS).values(
        created_at=datetime.now(UTC), old_version=report["old_version"][:80],
        new_version=report["new_version"][:80], candidate_dir=report["candidate_dir"][:1000],
        designs_checked=report["designs_checked"], designs_changed=report["designs_changed"],
        report=report).returning(IMPACT_RUNS.c.id)
    run_id = _connection(db).execute(q).scalar_one()
    db.commit()
    report["run_id"] = run_id
    return run_id


def latest_impact_run(session):
    """The most recent :class:`ImpactRun` (its ``report`` is :func:`impact`'s dict), or None."""
    from sqlmodel import select

    from ..store.models import ImpactRun

    q = select(ImpactRun).order_by(ImpactRun.created_at.desc(), ImpactRun.id.desc())
    return session.exec(q).first()


# --------------------------------------------------------------------------- output


def _short(version: str) -> str:
    return version[:19] + "…" if version.startswith("sha256:") else version


def _fk(f: dict) -> str:
    ings = ", ".join(f["ingredients"])
    return f"{f['severity']} {f['code']}" + (f" [{ings}]" if ings else "")


def format_text(report: dict) -> str:
    out = [f"Impact of {report['candidate_dir']} ({_short(report['new_version'])}) "
           f"against {_short(report['old_version'])}",
           f"{report['designs_checked']} designs checked (latest revisions), "
           f"{report['designs_changed']} changed, {len(report['verdict_changes'])} verdicts changed."]
    for u in report.get("unreadable", []):
        out.append(f"  design #{u['design']} revision {u['revision']} cannot be read: {u['problem']}")
    if report["verdict_changes"]:
        out.append("")
        out.append("Verdict changes:")
        for v in report["verdict_changes"]:
            out.append(f"  #{v['design']} {v['name']!r} r{v['revision']} ({v['status']}): "
                       f"{'valid' if v['was_valid'] else 'NOT valid'} → "
                       f"{'valid' if v['now_valid'] else 'NOT valid'}")
    if report["groups"]:
        out.append("")
        out.append("By rule:")
    for g in report["groups"]:
        n = len(g["designs"])
        out.append(f"  {g['rule']} ({n} design{'s' if n != 1 else ''}"
                   + (f", {g['verdict_changes']} verdict change{'s' if g['verdict_changes'] != 1 else ''}"
                      if g["verdict_changes"] else "") + ")")
        for e in g["designs"]:
            bits = []
            if e["verdict"]:
                bits.append("valid → NOT valid" if not e["verdict"]["now_valid"]
                             else "NOT valid → valid")
            bits += [f"+ {_fk(f)}" for f in e["added"]]
            bits += [f"- {_fk(f)}" for f in e["removed"]]
            bits += [f"~ {_fk(f)} (rule edited)" for f in e["changed"]]
            out.append(f"    #{e['design']} {e['name']!r} r{e['revision']}: " + "; ".join(bits))
    fb = report.get("fallback_rows", {})
    out.append("")
    out.append(f"Checked in bulk in {report['seconds']} s; rows left to the per-formula engine: "
               + ", ".join(f"{k} {v}" for k, v in fb.items()) + ".")
    sc = report.get("scope")
    if sc is not None:
        said = [f"{len(sc.get(key) or ())} {what}" for key, what in (
            ("rules_changed", "rule(s)"), ("catalog_entries_changed", "catalog entr(ies)"),
            ("bases_changed", "base(s)"), ("product_types_changed", "product type(s)"),
            ("constraints_changed", "constraint(s)"))]
        if sc.get("names_changed"):
            said.append("the names it knows")
        out.append(f"The candidate changes {', '.join(said[:-1])} and {said[-1]}, nothing "
                   "else: every design was checked against the changed rules, and the "
                   f"{sc['designs_checked_in_full']} in which one finds something, which "
                   "list a changed entry, stand on a changed base, are of a changed product "
                   "type, ask for a changed constraint or write a name the two read "
                   "otherwise (or which only the engine decides) against both rule sets in "
                   "full.")
    return "\n".join(out)


def write_json(report: dict, stream) -> None:
    """``report`` as JSON on ``stream``: its fields one per line, and each item of a list of
    objects (a verdict change, a design of a group, an unreadable design) on a line of its
    own, written compactly. The same JSON as ``json.dump(report, indent=2)`` gives, read
    back, in a fraction of the time: ``json.dump`` with ``indent`` runs the pure-Python
    encoder, and a report that lists tens of thousands of designs took ~0.8 s to print
    indented at 50,000 designs (issue 19); one design a line stays readable and greppable.
    Each piece is encoded by orjson: 23,666 designs listed, 9 ms against 75 ms for the
    standard library's C encoder (docs/performance.md)."""
    one = _json_text

    def rows(items: list, pad: str) -> str:
        if not items:
            return "[]"
        return "[\n" + ",\n".join(pad + "  " + x for x in items) + "\n" + pad + "]"

    def value(v: Any, pad: str) -> str:
        if isinstance(v, list) and v and all(type(x) is dict for x in v):
            if all(isinstance(x.get("designs"), list) for x in v):  # the groups: by rule
                heads = [{k: w for k, w in g.items() if k != "designs"} for g in v]
                return rows([one(h)[:-1] + (", " if h else "") + '"designs": '
                             + rows([one(e) for e in g["designs"]], pad + "  ") + "}"
                             for h, g in zip(heads, v, strict=True)], pad)
            return rows([one(x) for x in v], pad)
        return one(v)

    fields = [f"  {one(k)}: {value(v, '  ')}" for k, v in report.items()]
    stream.write("{\n" + ",\n".join(fields) + "\n}\n")


def cmd_rules_impact(args: argparse.Namespace) -> int:
    from ..errors import ConfiguratorError

    url = args.database or os.environ.get("DATABASE_URL")
    if not url:  # the app's own SQLite file (the store's default), if the app ever ran
        from ..store.db import default_url

        url = default_url()
        file = Path(url.removeprefix("sqlite:///"))
        if not file.exists():
            print(f"configurator: no database at {file}; give --database "
                  "URL or set DATABASE_URL", file=sys.stderr)
            return 2
    if args.rules is not None and not Path(args.rules).is_dir():
        print(f"configurator: {args.rules} is not a folder of rule files", file=sys.stderr)
        return 2
    if args.on is not None and args.on <= date.today():
        print(f"configurator: --on {args.on.isoformat()}: give a day after today "
              f"({date.today().isoformat()}); rules in force today already apply",
              file=sys.stderr)
        return 2
    try:
        if args.on is not None:  # the designs a coming date breaks (tooling/coming.py)
            return _coming(url, args)
        # no cyclic collection for the run: each full one walked both rule sets, the
        # inventory and every design read, ~0.2 s at 50,000 designs, where reference
        # counting frees all that a run makes; what it made is frozen after (the first
        # collection once the collector is back would walk it all) (issue 19)
        was = gc.isenabled()
        gc.disable()
        try:
            report = run_impact(url, args.rules, progress=not args.quiet,
                                workers=default_workers())
        finally:
            gc.freeze()
            if was:
                gc.enable()
    except ConfiguratorError:
        raise
    except Exception as exc:  # a database that does not answer: a message, not a traceback
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            print(f"configurator: the database cannot be used: {str(exc).splitlines()[0]}",
                  file=sys.stderr)
            return 2
        raise
    if args.format == "json":
        write_json(report, sys.stdout)
    else:
        print(format_text(report))
    return 0


def _coming(url: str, args: argparse.Namespace) -> int:
    from ..rules import default_rules_dir
    from .coming import format_text as coming_text
    from .coming import run_coming

    rules_dir = args.rules or os.environ.get("CONFIGURATOR_RULES") or str(default_rules_dir())
    report = run_coming(url, rules_dir, args.on)
    if args.format == "json":
        write_json(report, sys.stdout)
    else:
        print(coming_text(report))
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """``configurator rules impact`` (configurator/cli.py's COMMANDS table calls it)."""
    add_rules_opt(p, "the candidate rules folder (default: the folder in force, against the "
                     "verdicts stored with each revision)")
    p.add_argument("--database", metavar="URL", help="default: DATABASE_URL, else the app's SQLite")
    add_format_opt(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--on", type=day_arg, metavar="YYYY-MM-DD",
                   help="instead: the saved designs valid today that the rules coming into "
                        "force by this day break (the rules of --rules, else those in force)")
    p.set_defaults(func=cmd_rules_impact)
