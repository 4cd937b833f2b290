"""Designs composed once into rows of a matrix (designs × catalog ingredients, % w/w).

The per-formula part of the bulk checker: each design's names resolved, base expanded
and q.s. balanced exactly as :func:`configurator.engine.check` does (through the
engine's public functions), with the findings of that stage; or, for designs given as
arrays (a base plus additions), the same composition vectorized.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from ...derived import per_rule_set
from ...engine.compose import TOLERANCE, compose
from ...engine.engine import base_suits, resolve_base, resolve_product
from ...engine.formula import (
    Addition,
    Formula,
    ProductSpec,
    parse_formula,
    plain_fields,
    plain_product,
)
from ...engine.plan import special_rules
from ...engine.report import Finding, Report
from ...rules.model import RuleSet

Key = tuple[str, str, str, tuple[str, ...]]  # (severity, code, rule, ingredients)
_UNSEEN = object()


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
    # findings of the composition stage, by row, but the unprofiled-ingredient warnings:
    # those are ``lone_rows``/``lone_cols`` (one per entry, in the row's order); ``pre`` has both
    pre_keys: dict[int, list[Key]]
    pre_error: np.ndarray  # bool (n,): one of them is an error
    formula: Callable[[int], Formula]  # the formula of a row (for the fallback)
    pres_added: np.ndarray | None = None  # bool (n, Kp): the entry is among the client's additions
    # bool (n,): rows only the engine checks exactly: an ingredient without a column (an
    # inventory name first met after load), or a rule with a coming day or an uncertain
    # category that one of its ingredients triggers (findings that depend on the day and
    # on the questions asked)
    force: np.ndarray | None = None
    lone_rows: np.ndarray | None = None  # int (k,), ascending
    lone_cols: np.ndarray | None = None  # int (k,)
    nocol: np.ndarray | None = None  # bool (n,): forced for a name without a column

    @property
    def n(self) -> int:
        return len(self.pidx)

    def take(self, rows: Sequence[int]) -> Designs:
        """These rows (ascending positions) as designs of their own, row k being
        ``rows[k]``: what checking them again would compose (``rules impact`` checks in full
        only the designs a changed rule touches, composed once)."""
        idx = np.asarray(rows, np.int64)
        new_of = {int(i): k for k, i in enumerate(idx.tolist())}

        def cut(a):
            return None if a is None else a[idx]

        lone_rows = lone_cols = None
        if self.lone_rows is not None:
            keep = np.isin(self.lone_rows, idx)
            lone_cols = self.lone_cols[keep]
            lone_rows = np.searchsorted(idx, self.lone_rows[keep])
        formula = self.formula
        return dataclasses.replace(
            self, pidx=self.pidx[idx], base=self.base[idx], qs=self.qs[idx], ph=self.ph[idx],
            cons=self.cons[idx], pres_ids=self.pres_ids[idx], pres_vals=self.pres_vals[idx],
            add_ids=self.add_ids[idx], add_vals=self.add_vals[idx], known=self.known[idx],
            pre_keys={new_of[i]: v for i, v in self.pre_keys.items() if i in new_of},
            pre_error=self.pre_error[idx], formula=lambda k: formula(int(idx[k])),
            pres_added=cut(self.pres_added), force=cut(self.force), lone_rows=lone_rows,
            lone_cols=lone_cols, nocol=cut(self.nocol))

    @cached_property
    def pre(self) -> dict[int, list[Key]]:
        """Every finding of the composition stage, by row, in the engine's order (the
        unprofiled-ingredient warnings last)."""
        got = {i: list(keys) for i, keys in self.pre_keys.items()}
        if self.lone_rows is not None and len(self.lone_rows):
            key = _unprofiled_keys(self.rs, self.cols)
            for i, c in zip(self.lone_rows.tolist(), self.lone_cols.tolist(), strict=True):
                got.setdefault(i, []).append(key(c))
        return dict(sorted(got.items()))


def columns(rs: RuleSet) -> tuple[list[str], dict[str, int]]:
    # the ingredients built at load: an inventory name first met in a formula later has no
    # column (its design is checked by the engine, see Designs.force)
    cols = sorted(rs.loaded or rs.ingredients)
    return cols, {c: j for j, c in enumerate(cols)}


class FormulaRows(NamedTuple):
    """What :func:`compose_formulas` reads of the formulas, whatever the rule set: worked out
    once for both passes of ``rules impact`` (:func:`formula_rows`)."""

    combos: list[int]  # the first formula of each distinct (product type's fields, base)
    combo: np.ndarray  # int (n,): each formula's, an index into combos
    cons_lists: list[int]  # the first formula of each distinct non-empty constraints list
    cons: np.ndarray  # int (n,): each formula's, an index into cons_lists (len: none)
    ph: np.ndarray  # float (n,): the target pH written (has_ph)
    has_ph: np.ndarray  # bool (n,)
    lens: np.ndarray  # int (n,): rows of each formula
    start: np.ndarray  # int (n + 1,): where each formula's rows start, flat
    fid: np.ndarray  # int (rows,): the formula of each row
    names: list[str]  # the distinct names written
    name: np.ndarray  # int (rows,): each row's, an index into names
    fval: np.ndarray  # float (rows,): each row's % (nan: none)
    fqs: np.ndarray  # bool (rows,): a q.s. row


def _rows(heads: list[tuple], lens: list[int], names: list[str], vals: np.ndarray,
          qs: np.ndarray) -> FormulaRows:
    """The :class:`FormulaRows` of formulas given as their heads ((product type's fields and
    base, constraints, target pH) each), their rows' counts and their rows, flat."""
    n = len(heads)
    combo_of: dict[tuple, int] = {}
    firsts: list[int] = []
    cons_of: dict[tuple, int] = {}
    cons_firsts: list[int] = []
    combo = [0] * n
    cons = [-1] * n
    ph = [0.0] * n
    has_ph = [False] * n
    for i, (key, c, p) in enumerate(heads):
        j = combo_of.get(key)
        if j is None:
            j = combo_of[key] = len(firsts)
            firsts.append(i)
        combo[i] = j
        if c:
            j = cons_of.get(c)
            if j is None:
                j = cons_of[c] = len(cons_firsts)
                cons_firsts.append(i)
            cons[i] = j
        if p is not None:
            ph[i] = p
            has_ph[i] = True
    cons_a = np.array(cons, np.int64).reshape(n)
    cons_a[cons_a < 0] = len(cons_firsts)
    lens_a = np.array(lens, np.int64).reshape(n)
    distinct = {nm: j for j, nm in enumerate(dict.fromkeys(names))}
    start = np.zeros(n + 1, np.int64)
    np.cumsum(lens_a, out=start[1:])
    return FormulaRows(
        firsts, np.array(combo, np.int64).reshape(n), cons_firsts, cons_a,
        np.array(ph, np.float64).reshape(n), np.array(has_ph, bool).reshape(n), lens_a, start,
        np.repeat(np.arange(n), lens_a), list(distinct),
        np.fromiter(map(distinct.__getitem__, names), np.int64, len(names)),
        vals.reshape(len(names)), qs.reshape(len(names)))


def _combo(sp: ProductSpec, base: str | None) -> tuple:
    """A formula's (product type's fields, base): what :func:`compose_formulas` resolves once."""
    return (sp.id, sp.application, sp.area, sp.form, sp.age, base)


def _head(formula: Formula) -> tuple:
    return (_combo(formula.product_type, formula.base), formula.constraints, formula.target_ph)


def formula_rows(formulas: Sequence[Formula]) -> FormulaRows:
    """The formulas' rows and fields as arrays (see :class:`FormulaRows`)."""
    rows_of = list(map(attrgetter("ingredients"), formulas))
    flat = list(chain.from_iterable(rows_of))
    return _rows(list(map(_head, formulas)), list(map(len, rows_of)),
                 list(map(attrgetter("inci"), flat)),
                 np.array(list(map(attrgetter("percent"), flat)), dtype=np.float64),
                 np.array(list(map(attrgetter("qs"), flat)), dtype=bool))


class DocumentFormulas(Sequence):
    """The formulas of documents, each parsed when first asked for (:func:`document_rows`):
    composing reads a few (the first of each product type and base, the designs the engine
    composes), the engine those it checks."""

    def __init__(self, documents: list, parsed: dict[int, Formula]):
        self.documents, self.parsed = documents, parsed

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, i):
        if not isinstance(i, int | np.integer):
            raise TypeError("DocumentFormulas takes one position at a time")
        i = int(i)
        f = self.parsed.get(i)
        if f is None:  # (a plain document: parse_formula takes its fast path, and cannot fail)
            f = self.parsed[i] = parse_formula(self.documents[i])
        return f


def document_rows(documents: Sequence, parse: Callable[[int, object], Formula | None]
                  ) -> tuple[FormulaRows, DocumentFormulas]:
    """:func:`formula_rows` of formula documents (mappings), without a :class:`Formula` per
    document: (the rows, the formulas as a lazy sequence). A plain document
    (``plain_fields``: every saved revision) is read straight into flat lists; any other is
    given to ``parse(position, document)``, which gives its formula (:func:`parse_formula`
    with its place named) or None: a document that is not a formula, left out (the rows and
    formulas are those of the others, in order; ``parse`` notes why). ``rules impact``
    reads tens of thousands of saved revisions so (issue 19); tests/tooling/test_document_rows.py
    holds this equal to :func:`formula_rows` of the parsed formulas."""
    heads: list[tuple] = []
    lens: list[int] = []
    names: list[str] = []
    pcts: list[float | None] = []
    kept: list = []
    parsed: dict[int, Formula] = {}
    qs_of: list[tuple[int, list[bool]]] = []  # the parsed documents' rows: where, q.s.
    combos: dict[tuple, tuple] = {}  # (product type id, age, base) -> _combo of it
    for i, doc in enumerate(documents):
        k = len(names)
        got = plain_fields(doc, names, pcts)
        if got is not None:  # (a plain row is q.s. when it has no percentage)
            pt, age, base, ph, cons, _title, _notes = got
            key = combos.get((pt, age, base))
            if key is None:
                key = combos[pt, age, base] = _combo(plain_product(pt, age), base)
            heads.append((key, cons, ph))
            lens.append(len(names) - k)
            kept.append(doc)
            continue
        del names[k:], pcts[k:]
        f = parse(i, doc)
        if f is None:
            continue
        parsed[len(kept)] = f
        kept.append(doc)
        heads.append(_head(f))
        lens.append(len(f.ingredients))
        qs_of.append((k, [a.qs for a in f.ingredients]))
        names.extend(a.inci for a in f.ingredients)
        pcts.extend(a.percent for a in f.ingredients)
    vals = np.array(pcts, dtype=np.float64).reshape(len(pcts))
    qs = np.isnan(vals)
    for k, flags in qs_of:
        qs[k:k + len(flags)] = flags
    return _rows(heads, lens, names, vals, qs), DocumentFormulas(kept, parsed)


def compose_formulas(formulas: Sequence[Formula], rs: RuleSet,
                     progress: Callable[[int], None] | None = None,
                     rows: FormulaRows | None = None) -> Designs:
    """Compose each formula once, exactly as :func:`check` does, into a :class:`Designs`.

    Names resolved, base expanded, q.s. balanced, and the findings of that stage
    (unknown names and references, totals, duplicate rows, base room and
    suitability, unprofiled names). The common formula (every name a catalog column,
    each listed once, no q.s. row) is composed vectorized, with the engine's own
    arithmetic (the additions summed left to right, the base's lines added to them,
    the q.s. line given up as the engine does: bit for bit); every other formula goes
    through the engine's compose one at a time (:func:`_compose_one`). Each distinct
    product type, base and list of constraints is resolved once, by the engine's
    functions. ``rows``: :func:`formula_rows` of these formulas, if already worked out.
    """
    cols, col = columns(rs)
    m = len(cols)
    n = len(formulas)
    base_ids = list(rs.bases)
    base_pos = {b: i for i, b in enumerate(base_ids)}
    cons_ids = list(rs.constraints)
    cons_pos = {c: i for i, c in enumerate(cons_ids)}
    ings = rs.ingredients
    products: dict[tuple[str, str, str, str], int] = {}
    cons = np.zeros((n, len(cons_ids)), bool)
    fr = rows if rows is not None else formula_rows(formulas)
    base_memo: dict = {}

    def resolve(formula: Formula) -> tuple:
        out: list[Finding] = []
        product = resolve_product(formula, rs, out)
        app, area, form, _pt_id, age = product
        k = products.setdefault((app, area, form, age), len(products))
        bname = formula.base
        br = base_memo.get(bname)
        if br is None:
            bout: list[Finding] = []
            base = resolve_base(formula, rs, bout)
            br = base_memo[bname] = (base, -1 if base is None else base_pos[base.id],
                                     [finding_key(f) for f in bout])
        base = br[0]
        head_keys = [finding_key(f) for f in out] + br[2]
        unsuitable = [] if base is None or base_suits(base, rs, product) else [
            ("warning", "base-unsuitable", f"base-{base.id}", ())]
        return (k, br[1], head_keys or None, unsuitable,
                base.ph_target if base is not None else None)

    # each distinct (product type, base) resolved once, in the order the formulas first
    # name them (the products' order), then given to every formula naming it
    combos = [resolve(formulas[i]) for i in fr.combos]
    combo = fr.combo
    pidx = np.array([e[0] for e in combos], np.int32)[combo].reshape(n)
    basev = np.array([e[1] for e in combos], np.int32)[combo].reshape(n)
    base_ph = np.array([math.nan if e[4] is None else e[4] for e in combos], np.float64)
    ph = np.where(fr.has_ph, fr.ph, base_ph[combo] if n else fr.ph).reshape(n)
    # each distinct list of constraints: (their positions, the unknown ones' findings)
    cons_res = []
    for i in fr.cons_lists:
        pos, unknown = [], []
        for cid in formulas[i].constraints:
            if cid in cons_pos:
                pos.append(cons_pos[cid])
            else:
                unknown.append(finding_key(Finding("error", "unknown-reference",
                                                   "constraint", (), "")))
        cons_res.append((pos, unknown))
    if cons_res:
        asks = np.zeros((len(cons_res) + 1, len(cons_ids)), bool)  # (the last: none)
        for j, (pos, _u) in enumerate(cons_res):
            asks[j, pos] = True
        cons = asks[fr.cons]
    # the rows with a finding of that stage: the product's or base's, base-unsuitable, an
    # unknown constraint
    with_head = np.array([e[2] is not None or bool(e[3]) for e in combos], bool)
    unknown_cons = np.array([bool(u) for _p, u in cons_res] + [False], bool)
    said = (with_head[combo] | unknown_cons[fr.cons]) if n else np.zeros(0, bool)
    # every row of every formula, flat: its column (-1: no column or unknown), %, q.s.
    lens, start, fid, fval, fqs = fr.lens, fr.start, fr.fid, fr.fval, fr.fqs
    memo = rs.lookup_memo
    name_col = np.empty(len(fr.names), np.int64)
    for j, nm in enumerate(fr.names):
        iid = memo.get(nm, _UNSEEN)
        if iid is _UNSEEN:
            iid = rs.lookup(nm)
        name_col[j] = col.get(iid, -1) if iid is not None else -1
    fcol = name_col[fr.name]
    odd = (fcol < 0) | fqs | np.isnan(fval)
    slow = np.zeros(n, bool)
    slow[fid[odd]] = True
    pos = np.arange(len(fid)) - start[fid]  # a row's place in its formula
    kmax = int(lens.max()) if n else 0
    if len(fcol) > 1 and kmax <= 64:  # an ingredient listed twice in a formula
        mat = np.full((n, kmax), -1, np.int64)
        mat[fid, pos] = fcol
        mat.sort(axis=1)
        slow |= ((mat[:, 1:] == mat[:, :-1]) & (mat[:, 1:] >= 0)).any(1)
    elif len(fcol) > 1:  # (a formula of many rows: by one sort of them all)
        order = np.lexsort((fcol, fid))
        sf, sc = fid[order], fcol[order]
        twice = (sf[1:] == sf[:-1]) & (sc[1:] == sc[:-1])
        slow[sf[1:][twice]] = True
    bt = _base_tables(rs, col, m)
    slow |= (basev >= 0) & ~bt.ok[basev]
    fast = np.nonzero(~slow)[0]
    # the common formulas, vectorized
    ka = int(lens[fast].max()) if len(fast) else 0
    ka = max(ka, 1)
    nf = len(fast)
    a_ids = np.full((nf, ka), m, np.int64)
    a_vals = np.zeros((nf, ka))
    if nf:
        sel = ~slow[fid]
        r_of = np.cumsum(~slow) - 1  # a fast formula's row among the fast ones
        a_ids[r_of[fid[sel]], pos[sel]] = fcol[sel]
        a_vals[r_of[fid[sel]], pos[sel]] = 0.0 + fval[sel]  # as the engine's `0.0 + percent`
    fb = basev[fast]
    with_base = fb >= 0
    comp = _with_bases(bt, np.where(with_base, fb, 0), a_ids, a_vals, m)
    f_pres_ids = np.where(with_base[:, None], comp.pres_ids, np.concatenate(
        [a_ids, np.full((nf, comp.pres_ids.shape[1] - ka), m)], axis=1))
    f_pres_vals = np.where(with_base[:, None], comp.pres_vals, np.concatenate(
        [a_vals, np.zeros((nf, comp.pres_ids.shape[1] - ka))], axis=1))
    f_over = with_base & comp.over
    f_qs = np.where(with_base, comp.qs, -1)
    f_totals = ~with_base & (np.abs(comp.additions - 100.0) > TOLERANCE)
    # the others, one at a time through the engine's compose
    slow_rows = np.nonzero(slow)[0].tolist()
    s_out = [_compose_one(formulas[i], rs, col) for i in slow_rows]
    # together
    kp = max([f_pres_ids.shape[1]] + [len(o[1]) for o in s_out])
    kadd = max([ka] + [len(o[3]) for o in s_out])
    pres_ids = np.full((n, kp), m, np.int32)
    pres_vals = np.zeros((n, kp))
    pres_added = np.zeros((n, kp), bool)
    add_ids = np.full((n, kadd), m, np.int32)
    add_vals = np.zeros((n, kadd))
    qsv = np.full(n, -1, np.int32)
    known = np.ones(n, bool)
    kf = f_pres_ids.shape[1]
    pres_ids[fast, :kf] = f_pres_ids
    pres_vals[fast, :kf] = f_pres_vals
    pres_added[fast, :ka] = a_ids < m
    add_ids[fast, :ka] = a_ids
    add_vals[fast, :ka] = a_vals
    qsv[fast] = f_qs
    mid: dict[int, list[Key]] = {}
    for j in np.nonzero(f_over)[0].tolist():
        b = bt.bases[fb[j]]
        mid[int(fast[j])] = [("error", "base-capacity", f"base-{b.id}", (ings[b.qs].inci,))]
    totals = [("error", "totals", "formula-totals", ())]
    for j in np.nonzero(f_totals)[0].tolist():
        mid[int(fast[j])] = totals
    slow_keys: dict[int, list[Key]] = {}
    for i, (keys, prow, flags, arow, qs, kn, _nocol) in zip(slow_rows, s_out, strict=True):
        if prow:
            pres_ids[i, :len(prow)] = [c for c, _v in prow]
            pres_vals[i, :len(prow)] = [v for _c, v in prow]
            pres_added[i, :len(flags)] = flags
        if arow:
            add_ids[i, :len(arow)] = [c for c, _v in arow]
            add_vals[i, :len(arow)] = [v for _c, v in arow]
        qsv[i] = qs
        known[i] = kn
        if keys:
            slow_keys[i] = keys
    nocol = np.zeros(n, bool)  # a slow formula's name without a column (Designs.force)
    for i, o in zip(slow_rows, s_out, strict=True):
        if o[6]:
            nocol[i] = True  # an inventory name first met after load
    # the engine's one warning for each unprofiled ingredient present (> 0), in its order
    bare = np.append(_bare(rs, cols), False)
    lone_rr, lone_kk = np.nonzero(bare[pres_ids] & (pres_vals > 0))  # row by row, in order
    pre: dict[int, list[Key]] = {}
    cons_of = fr.cons
    for i in sorted(set(np.nonzero(said)[0].tolist()) | mid.keys() | slow_keys.keys()):
        if i in slow_keys:
            keys = slow_keys[i]
        else:
            e = combos[combo[i]]
            c = cons_of[i]
            keys = [*(e[2] or ()), *mid.get(i, ()), *e[3],
                    *(cons_res[c][1] if c < len(cons_res) else ())]
        if keys:
            pre[i] = keys
    if progress:
        progress(n)
    pre_error = np.zeros(n, bool)
    for i, keys in pre.items():
        pre_error[i] = any(k[0] == "error" for k in keys)
    d = Designs(rs, cols, list(products), pidx, basev, qsv, ph, cons, pres_ids, pres_vals,
                add_ids, add_vals, known, pre, pre_error, formulas.__getitem__, pres_added,
                None, lone_rr, pres_ids[lone_rr, lone_kk].astype(np.int64), nocol)
    d.force = special_rows(d)  # rows only the engine checks exactly
    return d


def _compose_one(formula: Formula, rs: RuleSet, col: dict[str, int]):
    """One formula through the engine's compose: (findings of that stage other than the
    product's, base's, suitability's and constraints', which are added around them, here
    in the engine's order: all of them), present rows, added flags, additions, q.s.
    column, whether every name is known, whether an ingredient has no column."""
    out: list[Finding] = []
    product = resolve_product(formula, rs, out)
    base = resolve_base(formula, rs, out)
    d = compose(formula, rs, base)
    out.extend(d.findings)
    for name in d.unknown:
        out.append(Finding("error", "unknown-ingredient", "catalog", (name,), ""))
    if base is not None and not base_suits(base, rs, product):
        out.append(Finding("warning", "base-unsuitable", f"base-{base.id}", (), ""))
    for cid in formula.constraints:
        if cid not in rs.constraints:
            out.append(Finding("error", "unknown-reference", "constraint", (), ""))
    keys = [finding_key(f) for f in out]
    qs = col[d.qs] if d.qs is not None and d.qs in col else -1
    return (keys, [(col[k], v) for k, v in d.present.items() if k in col],
            [k in d.added for k in d.present if k in col],
            [(col[k], v) for k, v in d.added.items() if k in col], qs, not d.unknown,
            any(k not in col for k in d.present))


class _Bases(NamedTuple):
    """The bases as arrays: lines (column, %), q.s. column and room, target pH; ``ok``: the
    base can be composed vectorized (every line a column, each once, the q.s. among them)."""

    bases: list
    ids: np.ndarray  # int (nb, kb), padded with m
    vals: np.ndarray  # float (nb, kb)
    qs: np.ndarray  # int (nb,)
    room: np.ndarray  # float (nb,): the q.s. line's %
    ph: np.ndarray  # float (nb,), nan: none
    ok: np.ndarray  # bool (nb,)
    pos: np.ndarray  # int (nb, m + 1): the line of the base holding each column, -1 none


def _base_tables(rs: RuleSet, col: dict[str, int], m: int) -> _Bases:
    bases = [rs.bases[b] for b in rs.bases]
    kb = max([len(b.composition) for b in bases] + [1])
    ids = np.full((len(bases), kb), m, np.int64)
    vals = np.zeros((len(bases), kb))
    qs = np.zeros(len(bases), np.int64)
    room = np.zeros(len(bases))
    ph = np.full(len(bases), np.nan)
    ok = np.ones(len(bases), bool)
    pos = np.full((len(bases), m + 1), -1, np.int32)
    for k, b in enumerate(bases):
        lines = [line.ingredient for line in b.composition]
        if (len(set(lines)) < len(lines) or any(i not in col for i in lines)
                or b.qs not in col or b.qs not in lines):
            ok[k] = False
            continue
        for j, line in enumerate(b.composition):
            ids[k, j] = col[line.ingredient]
            vals[k, j] = line.percent
            pos[k, col[line.ingredient]] = j
        qs[k] = col[b.qs]
        room[k] = dict((line.ingredient, line.percent) for line in b.composition)[b.qs]
        if b.ph_target is not None:
            ph[k] = b.ph_target
    return _Bases(bases, ids, vals, qs, room, ph, ok, pos)


class _Composed(NamedTuple):
    pres_ids: np.ndarray  # (n, ka + kb): the additions' slots, then the base's lines
    pres_vals: np.ndarray
    over: np.ndarray  # bool (n,): the additions exceed the base's room
    qs: np.ndarray  # int (n,): the q.s. column
    additions: np.ndarray  # float (n,): the additions summed left to right


def _with_bases(bt: _Bases, base: np.ndarray, add_ids: np.ndarray, add_vals: np.ndarray,
                m: int) -> _Composed:
    """Distinct additions (columns, padded with m and 0.0) on a base each, as the engine's
    compose does it: the same operations in the same order, so bit for bit."""
    n, ka = add_ids.shape
    additions = np.zeros(n)
    for k in range(ka):  # left to right, as the engine's sum()
        additions = additions + add_vals[:, k]
    rid = bt.ids[base]  # (n, kb) the base's lines
    rval = bt.vals[base].copy()
    qs = bt.qs[base]
    # a base line that is also an addition: its value joins the addition's slot (the
    # additions are distinct, and so are a base's lines: one line per slot at most)
    jb = bt.pos[base[:, None], add_ids]  # (n, ka): the base's line of each addition, -1 none
    r, ja = np.nonzero(jb >= 0)
    jbv = jb[r, ja]
    in_add = np.zeros(rid.shape, bool)
    in_add[r, jbv] = True
    slot_vals = add_vals.copy()
    if len(r):
        slot_vals[r, ja] = add_vals[r, ja] + rval[r, jbv]
    room = bt.room[base]
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
    return _Composed(np.concatenate([add_ids, base_ids], axis=1),
                     np.concatenate([slot_vals, base_vals], axis=1), over, qs, additions)


def _bare(rs: RuleSet, cols: list[str]) -> np.ndarray:
    """bool (m,): the column is an unprofiled (inventory-only) ingredient."""
    ings = rs.ingredients
    return np.array([not ings[c].profiled for c in cols], bool)


def _unprofiled_keys(rs: RuleSet, cols: list[str]) -> Callable[[int], Key]:
    """Column -> the key of the engine's ``unprofiled`` warning (its message is not needed:
    the key is (severity, code, rule, ingredients); tests/tooling/test_bulk_compose.py
    holds it to ``finding_key(unprofiled(ing))``)."""
    ings = rs.ingredients
    got: dict[int, Key] = {}

    def key(c: int) -> Key:
        k = got.get(c)
        if k is None:
            ing = ings[cols[c]]
            k = got[c] = ("warning", "unprofiled-ingredient", f"inventory-{ing.id}", (ing.inci,))
        return k
    return key


@per_rule_set
def _triggers_memo(rs: RuleSet) -> dict:
    return {}


def _special_triggers(rs: RuleSet, product: tuple[str, str, str, str]) -> frozenset[str]:
    """The ingredients that trigger a dated or category-uncertain rule of this product
    ("*" stands for every ingredient, when such a rule has no trigger); kept per rule set,
    product and day (each pass asks it of every product it meets)."""
    today = date.today()  # the engine's default day (a rule in force since is no special case)
    memo = _triggers_memo(rs)
    got = memo.get((product, today))
    if got is None:
        if len(memo) > 4_096:
            memo.clear()
        got = memo[(product, today)] = _special_triggers_of(rs, product, today)
    return got


@per_rule_set
def _specials_memo(rs: RuleSet) -> dict:
    return {}


def _specials(rs: RuleSet, product: tuple[str, str, str, str]) -> dict:
    """:func:`special_rules` of this product, kept per rule set (a pass of ``rules impact``
    asks it of every product several times: composing, and the scope's rows)."""
    memo = _specials_memo(rs)
    got = memo.get(product)
    if got is None:
        if len(memo) > 4_096:
            memo.clear()
        got = memo[product] = special_rules(rs, *product)
    return got


def _special_triggers_of(rs: RuleSet, product: tuple[str, str, str, str],
                         today: date, only: frozenset[int] | None = None) -> frozenset[str]:
    out: set[str] = set()
    special = _specials(rs, product)
    for n in special if only is None else special.keys() & only:
        dated, doubts = special[n]
        r = rs.rules[n]
        if doubts or (dated and r.placed_from is not None and r.placed_from > today):
            out |= r.triggers or {"*"}
    if "*" in out:
        return frozenset(rs.ingredients)  # every design of this product goes to the engine
    return frozenset(out)


def special_rows(d: Designs, positions: Iterable[int] | None = None) -> np.ndarray:
    """bool (n,): the rows only the engine checks exactly (``Designs.force``, as
    :func:`compose_formulas` sets it): listing (at any %) a trigger of a rule dated after
    today or whose category is in doubt for the row's product, or a name without a column.
    ``positions``: on account of the rules at these positions only; ``rules impact`` checks
    against a candidate's changed rules alone, and where such a rule is not special the bulk
    checker decides it exactly even in a forced row."""
    today, rs, m = date.today(), d.rs, len(d.cols)
    only = None if positions is None else frozenset(positions)
    out = np.zeros(d.n, bool) if d.nocol is None else d.nocol.copy()
    col = None
    for k, product in enumerate(d.products):
        trig = (_special_triggers(rs, product) if only is None
                else _special_triggers_of(rs, product, today, only))
        if not trig:
            continue
        if col is None:
            col = {c: j for j, c in enumerate(d.cols)}
        hot = np.zeros(m + 1, bool)
        hot[[col[t] for t in trig if t in col]] = True
        rows = np.nonzero(d.pidx == k)[0]
        out[rows] |= hot[d.pres_ids[rows]].any(1)
    return out


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
    col = {c: j for j, c in enumerate(cols)}
    bt = _base_tables(rs, col, m)
    if not bt.ok[np.unique(base)].all():
        raise ValueError("compose_arrays: a base whose lines are not each a catalog column once")
    bases = bt.bases
    add_vals = np.where(add_ids < m, add_vals, 0.0)  # padding carries nothing
    comp = _with_bases(bt, base, add_ids, add_vals, m)
    pres_ids, pres_vals, over, qs = comp.pres_ids, comp.pres_vals, comp.over, comp.qs
    kb = bt.ids.shape[1]
    products = [(rs.product_types[p].application, rs.product_types[p].area,
                 rs.product_types[p].form, rs.product_types[p].age) for p in product_types]
    ph_given = ph
    ph = np.where(np.isnan(ph_given), bt.ph[base], ph_given)
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
    lone_rr, lone_kk = np.nonzero(bare[pres_ids] & (pres_vals > 0))  # row by row, in order
    return Designs(rs, cols, products, pt.astype(np.int32), base.astype(np.int32),
                   qs.astype(np.int32), ph, cons, pres_ids.astype(np.int32), pres_vals,
                   add_ids.astype(np.int32), add_vals, np.ones(n, bool), pre, over.copy(), formula,
                   np.concatenate([add_ids < m, np.zeros((n, kb), bool)], axis=1), force,
                   lone_rr, pres_ids[lone_rr, lone_kk].astype(np.int64))


