"""Designs composed once into rows of a matrix (designs × catalog ingredients, % w/w).

The per-formula part of the bulk checker: each design's names resolved, base expanded
and q.s. balanced exactly as :func:`configurator.engine.check` does (through the
engine's public functions), with the findings of that stage; or, for designs given as
arrays (a base plus additions), the same composition vectorized.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ...engine.compose import compose
from ...engine.engine import base_suits, resolve_base, resolve_product, unprofiled
from ...engine.formula import Addition, Formula, ProductSpec
from ...engine.plan import plan_for
from ...engine.report import Finding, Report
from ...rules.model import RuleSet

Key = tuple[str, str, str, tuple[str, ...]]  # (severity, code, rule, ingredients)


def finding_key(f: Finding) -> Key:
    return (f.severity, f.code, f.rule, tuple(f.ingredients))


def report_keys(report: Report) -> list[Key]:
    return sorted(finding_key(f) for f in report.findings)


@dataclass
class Designs:
    """Designs composed against one rule set, one row each (see :func:`compose_formulas`).

    ``pres_*`` hold each design's composition in the engine's order (the
    composition dict's insertion order), padded with column ``m`` (a dummy)
    and 0.0; ``add_*`` the client's additions the same way.
    """

    rs: RuleSet
    cols: list[str]  # ingredient ids, sorted: column j of the matrix
    products: list[tuple[str, str, str, str]]  # (application, area, form, age)
    pidx: np.ndarray  # int32 (n,) index into products
    base: np.ndarray  # int32 (n,) index into list(rs.bases), -1 without a base
    qs: np.ndarray  # int32 (n,) column of the q.s. ingredient, -1 if none in the catalog
    ph: np.ndarray  # float64 (n,), nan when no pH applies
    cons: np.ndarray  # bool (n, len(rs.constraints)): the constraints each design asks for
    pres_ids: np.ndarray  # int32 (n, Kp)
    pres_vals: np.ndarray  # float64 (n, Kp)
    add_ids: np.ndarray  # int32 (n, Ka)
    add_vals: np.ndarray  # float64 (n, Ka)
    known: np.ndarray  # bool (n,): no ingredient unknown to the catalog (the cost exists)
    pre: dict[int, list[Key]]  # findings of the composition stage, by row
    pre_error: np.ndarray  # bool (n,): one of them is an error
    formula: Callable[[int], Formula]  # the formula of a row (for the fallback)
    pres_added: np.ndarray | None = None  # bool (n, Kp): the entry is among the client's additions
    # bool (n,): rows only the engine checks exactly: an ingredient without a column (an
    # inventory name first met after load), or a rule with a coming day or an uncertain
    # category that one of its ingredients triggers (findings that depend on the day and
    # on the questions asked)
    force: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.pidx)


def columns(rs: RuleSet) -> tuple[list[str], dict[str, int]]:
    # the ingredients built at load: an inventory name first met in a formula later has no
    # column (its design is checked by the engine, see Designs.force)
    cols = sorted(rs.loaded or rs.ingredients)
    return cols, {c: j for j, c in enumerate(cols)}


def _pad(rows: list[list[tuple[int, float]]], m: int) -> tuple[np.ndarray, np.ndarray]:
    k = max((len(r) for r in rows), default=0) or 1
    ids = np.full((len(rows), k), m, dtype=np.int32)
    vals = np.zeros((len(rows), k), dtype=np.float64)
    for i, r in enumerate(rows):
        if r:
            ids[i, :len(r)] = [c for c, _v in r]
            vals[i, :len(r)] = [v for _c, v in r]
    return ids, vals


def compose_formulas(formulas: Sequence[Formula], rs: RuleSet,
                     progress: Callable[[int], None] | None = None) -> Designs:
    """Compose each formula once, exactly as :func:`check` does, into a :class:`Designs`.

    This is the per-formula part (a Python loop, ~10 µs a design): names
    resolved, base expanded, q.s. balanced, and the findings of that stage
    (unknown names and references, totals, duplicate rows, base room and
    suitability) taken from the engine's own functions.
    """
    cols, col = columns(rs)
    m = len(cols)
    base_ids = list(rs.bases)
    base_pos = {b: i for i, b in enumerate(base_ids)}
    cons_ids = list(rs.constraints)
    cons_pos = {c: i for i, c in enumerate(cons_ids)}
    products: dict[tuple[str, str, str, str], int] = {}
    n = len(formulas)
    pidx = np.zeros(n, np.int32)
    basev = np.full(n, -1, np.int32)
    qsv = np.full(n, -1, np.int32)
    ph = np.full(n, np.nan)
    cons = np.zeros((n, len(cons_ids)), bool)
    known = np.ones(n, bool)
    pre: dict[int, list[Key]] = {}
    pres_rows: list[list[tuple[int, float]]] = []
    flags: list[list[bool]] = []
    add_rows: list[list[tuple[int, float]]] = []
    force = np.zeros(n, bool)
    special: dict[tuple[str, str, str, str], frozenset[str]] = {}
    ings = rs.ingredients
    for i, formula in enumerate(formulas):
        out: list[Finding] = []
        product = resolve_product(formula, rs, out)
        app, area, form, _pt_id, age = product
        base = resolve_base(formula, rs, out)
        d = compose(formula, rs, base)
        out.extend(d.findings)
        for name in d.unknown:
            out.append(Finding("error", "unknown-ingredient", "catalog", (name,), ""))
        if base is not None and not base_suits(base, rs, product):
            out.append(Finding("warning", "base-unsuitable", f"base-{base.id}", (), ""))
        for cid in formula.constraints:
            if cid in cons_pos:
                cons[i, cons_pos[cid]] = True
            else:
                out.append(Finding("error", "unknown-reference", "constraint", (), ""))
        if out:
            pre[i] = [finding_key(f) for f in out]
        pidx[i] = products.setdefault((app, area, form, age), len(products))
        if base is not None:
            basev[i] = base_pos[base.id]
        if d.qs is not None and d.qs in col:
            qsv[i] = col[d.qs]
        p = formula.target_ph if formula.target_ph is not None else (
            base.ph_target if base else None)
        if p is not None:
            ph[i] = p
        known[i] = not d.unknown
        key = (app, area, form, age)
        trig = special.get(key)
        if trig is None:
            trig = special[key] = _special_triggers(rs, key)
        if not trig.isdisjoint(d.present) or any(k not in col for k in d.present):
            force[i] = True
        lone = [finding_key(unprofiled(ings[k])) for k, v in d.present.items()
                if v > 0 and not ings[k].profiled and k in col]
        if lone:  # the engine's one warning for each (its key needs no numbers)
            pre.setdefault(i, []).extend(lone)
        pres_rows.append([(col[k], v) for k, v in d.present.items() if k in col])
        flags.append([k in d.added for k in d.present if k in col])
        add_rows.append([(col[k], v) for k, v in d.added.items() if k in col])
        if progress and i % 1000 == 999:
            progress(1000)
    if progress and n % 1000:
        progress(n % 1000)
    pres_ids, pres_vals = _pad(pres_rows, m)
    add_ids, add_vals = _pad(add_rows, m)
    pres_added = np.zeros(pres_ids.shape, bool)
    for i, f in enumerate(flags):
        pres_added[i, :len(f)] = f
    pre_error = np.zeros(n, bool)
    for i, keys in pre.items():
        pre_error[i] = any(k[0] == "error" for k in keys)
    return Designs(rs, cols, list(products), pidx, basev, qsv, ph, cons, pres_ids, pres_vals,
                   add_ids, add_vals, known, pre, pre_error, formulas.__getitem__, pres_added,
                   force)


def _special_triggers(rs: RuleSet, product: tuple[str, str, str, str]) -> frozenset[str]:
    """The ingredients that trigger a dated or category-uncertain rule of this product
    ("*" stands for every ingredient, when such a rule has no trigger)."""
    plan = plan_for(rs, *product)
    out: set[str] = set()
    today = date.today()  # the engine's default day (a rule in force since is no special case)
    for n, (dated, doubts) in plan.special.items():
        r = rs.rules[n]
        if doubts or (dated and r.placed_from is not None and r.placed_from > today):
            out |= r.triggers or {"*"}
    if "*" in out:
        return frozenset(rs.ingredients)  # every design of this product goes to the engine
    return frozenset(out)


def compose_arrays(rs: RuleSet, product_types: Sequence[str], pt: np.ndarray, base: np.ndarray,
                   add_ids: np.ndarray, add_vals: np.ndarray, ph: np.ndarray,
                   cons: np.ndarray) -> Designs:
    """Vectorized composition of designs given as arrays: a base plus distinct additions.

    ``pt`` indexes ``product_types`` (ids of ``rs``), ``base`` indexes
    ``list(rs.bases)`` (every row has a base that suits its product type),
    ``add_ids``/``add_vals`` are the additions (columns of the sorted catalog,
    distinct within a row, padded with ``len(rs.ingredients)`` and 0.0),
    ``ph`` the target pH (nan: the base's). The result is what
    :func:`compose_formulas` gives for the same formulas, bit for bit: the
    room left for the q.s. ingredient is the additions summed left to right,
    as the engine sums them.
    """
    cols, _col = columns(rs)
    m = len(cols)
    n, ka = add_ids.shape
    bases = [rs.bases[b] for b in rs.bases]
    col = {c: j for j, c in enumerate(cols)}
    kb = max(len(b.composition) for b in bases)
    b_ids = np.full((len(bases), kb), m, np.int32)
    b_vals = np.zeros((len(bases), kb))
    b_qs = np.zeros(len(bases), np.int32)
    b_ph = np.full(len(bases), np.nan)
    b_room = np.zeros(len(bases))
    for k, b in enumerate(bases):
        for j, line in enumerate(b.composition):
            b_ids[k, j] = col[line.ingredient]
            b_vals[k, j] = line.percent
        b_qs[k] = col[b.qs]
        b_room[k] = dict((line.ingredient, line.percent) for line in b.composition)[b.qs]
        if b.ph_target is not None:
            b_ph[k] = b.ph_target
    add_vals = np.where(add_ids < m, add_vals, 0.0)  # padding carries nothing
    additions = np.zeros(n)
    for k in range(ka):  # left to right, as the engine's sum()
        additions = additions + add_vals[:, k]
    rid = b_ids[base]  # (n, kb) the base's lines
    rval = b_vals[base].copy()
    qs = b_qs[base]
    # a base line that is also an addition: its value joins the addition's slot
    hit = rid[:, :, None] == add_ids[:, None, :]  # (n, kb, ka)
    in_add = hit.any(2)
    slot_vals = add_vals.copy()
    if in_add.any():
        r, jb, ja = np.nonzero(hit)
        slot_vals[r, ja] = add_vals[r, ja] + rval[r, jb]
    room = b_room[base]
    over = additions > room + 1e-9
    take = np.where(over, room, additions)
    # the q.s. line: wherever it sits (in the base part, or an addition slot)
    qs_in_add = add_ids == qs[:, None]
    base_vals = np.where(in_add, 0.0, rval)
    base_ids = np.where(in_add, m, rid)
    qs_base = base_ids == qs[:, None]
    base_vals = np.where(qs_base, base_vals - take[:, None], base_vals)
    slot_vals = np.where(qs_in_add, slot_vals - take[:, None], slot_vals)
    # a q.s. line at <= 1e-12 that the client did not add is exactly 0
    qs_added = qs_in_add.any(1)
    base_vals = np.where(qs_base & (base_vals <= 1e-12) & ~qs_added[:, None], 0.0, base_vals)
    pres_ids = np.concatenate([add_ids, base_ids], axis=1)
    pres_vals = np.concatenate([slot_vals, base_vals], axis=1)
    products = [(rs.product_types[p].application, rs.product_types[p].area,
                 rs.product_types[p].form, rs.product_types[p].age) for p in product_types]
    ph_given = ph
    ph = np.where(np.isnan(ph_given), b_ph[base], ph_given)
    pre: dict[int, list[Key]] = {}
    for i in np.nonzero(over)[0].tolist():
        b = bases[base[i]]
        pre[i] = [("error", "base-capacity", f"base-{b.id}", (rs.ingredients[b.qs].inci,))]
    base_names = list(rs.bases)
    cons_ids = list(rs.constraints)

    def formula(i: int) -> Formula:
        rows = tuple(Addition(rs.ingredients[cols[c]].inci, float(v))
                     for c, v in zip(add_ids[i].tolist(), add_vals[i].tolist(), strict=True) if c < m)
        return Formula(ProductSpec(id=product_types[pt[i]]), rows, base=base_names[base[i]],
                       target_ph=None if math.isnan(ph_given[i]) else float(ph_given[i]),
                       constraints=tuple(cons_ids[c] for c in np.nonzero(cons[i])[0]))

    force = np.zeros(n, bool)
    ings = rs.ingredients
    bare = np.array([not ings[c].profiled for c in cols] + [False])
    for k, p in enumerate(product_types):
        ptype = rs.product_types[p]
        rows = pt == k
        trig = _special_triggers(rs, (ptype.application, ptype.area, ptype.form, ptype.age))
        hot = np.zeros(m + 1, bool)
        hot[[col[t] for t in trig if t in col]] = True
        force |= rows & (hot[pres_ids] & (pres_vals > 0)).any(1)
    for i in np.nonzero((bare[pres_ids] & (pres_vals > 0)).any(1))[0].tolist():
        pre.setdefault(i, []).extend(
            finding_key(unprofiled(ings[cols[c]])) for c, v in
            zip(pres_ids[i].tolist(), pres_vals[i].tolist(), strict=True)
            if c < m and v > 0 and not ings[cols[c]].profiled)
    return Designs(rs, cols, products, pt.astype(np.int32), base.astype(np.int32),
                   qs.astype(np.int32), ph, cons, pres_ids.astype(np.int32), pres_vals,
                   add_ids.astype(np.int32), add_vals, np.ones(n, bool), pre, over.copy(), formula,
                   np.concatenate([add_ids < m, np.zeros(base_ids.shape, bool)], axis=1), force)


