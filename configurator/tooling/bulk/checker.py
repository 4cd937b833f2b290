"""The bulk checker: one rule set compiled once, then every chunk of designs checked as
numpy column operations (see the package docstring for how it stays exact).

Each rule is compiled by its kind (``Kind.bulk_plan``: a typed frozen value) and checked
over a chunk by its kind (``Kind.bulk``, on a :class:`Chunk`); the checks of no rule
(use ranges, catalog pH windows, the base, constraints) are here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from ...engine.formula import Formula
from ...rules.kinds import Kind
from ...rules.model import Rule, RuleSet
from .compose import Designs, Key, columns, compose_formulas, report_keys
from .expr import Env, Program, Unsupported
from .naming import KeyTable, Solubility, name_all

REL = 1e-12  # relative band around a threshold where a re-ordered sum is not trusted
# rows a chunk: nothing as wide as the catalog is built per chunk any more (a chunk holds
# its rows' entries and ~80 weighted sums a row), so a chunk is as large as the loop over
# the rules needs to pay for itself
CHUNK = 32_768
CHUNK_CELLS = 16_000_000  # (no longer used: the dense chunk's bound; kept for importers)
BIG = 24  # a set of more columns than this is tested for "any present" by the matrix product


class Total(NamedTuple):
    """A weighted sum of members: their columns and factors, whether every factor is 1, and
    its column of F (None: a single member, read from P)."""

    members: np.ndarray
    factors: np.ndarray
    ones: bool
    weights: int | None


class RulePlan(NamedTuple):
    """One rule compiled: its position, the rule, its kind, its trigger columns and what its
    kind compiled (``Kind.bulk_plan``)."""

    n: int
    rule: Rule
    kind: Kind
    trig: np.ndarray
    own: Any


class PerColumn:
    """A finding's key for each column (``keys[c]``), built when first asked for: a list as
    long as the catalog costs more to build than the few columns a run names."""

    def __init__(self, make: Callable[[int], Key]):
        self.make = make
        self.got: dict[int, Key] = {}

    def __getitem__(self, c: int) -> Key:
        k = self.got.get(c)
        if k is None:
            k = self.got[c] = self.make(c)
        return k


# A block of findings: rows (global) and how to name each one (a spec: see .naming).
Block = tuple[np.ndarray, tuple]


@dataclass
class BulkResult:
    """The findings of many designs against one rule set (see :class:`BulkChecker`)."""

    designs: Designs
    valid: np.ndarray  # bool (n,)
    fallback: np.ndarray  # int (k,): rows checked by the per-formula engine
    blocks: list[Block] = field(default_factory=list)
    fallback_keys: dict[int, list[Key]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    names: list[str] | None = None  # the INCI name of each column
    # the rows the checks could not decide (the fallback's rows but those composed for the
    # engine, Designs.force)
    undecided: np.ndarray | None = None

    def keys(self, table: KeyTable | None = None) -> list[list[Key]]:
        """Every row's findings as sorted (severity, code, rule, ingredients) keys (``table``:
        numbered in a table shared with another run, see :class:`.naming.KeyTable`)."""
        return name_all(self.designs, self.column_names(), self.blocks, self.fallback_keys,
                        table)

    def column_names(self) -> list[str]:
        """The INCI name of each column (what the findings name)."""
        if self.names is not None:
            return self.names
        return [self.designs.rs.ingredients[c].inci for c in self.designs.cols]


class BulkChecker:
    """One rule set compiled for bulk validation: ``BulkChecker(rs).run(designs)``."""

    def __init__(self, rs: RuleSet, only: Iterable[int] | None = None):
        """``only``: compile just the rules at these positions (in ``rs.rules``); such a
        checker runs only with ``run(only=...)`` over some of them (``rules impact``
        checks a candidate's changed rules alone; the rest of the set is not compiled)."""
        self.rs = rs
        self.compiled = None if only is None else frozenset(only)
        self.cols, self.col = columns(rs)
        m = self.m = len(self.cols)
        ings = [rs.ingredients[c] for c in self.cols]
        self.inci = [i.inci for i in ings]
        self.unsupported: dict[str, str] = {}  # rule id -> why its expression is not compiled
        # built-in checks
        nan = float("nan")
        self.use_hi = np.array([i.use_max + 1e-9 if i.use_max is not None else nan for i in ings])
        self.use_lo = np.array([i.use_min - 1e-9 if i.use_min is not None else nan for i in ings])
        cols, inci = self.cols, self.inci  # (the closures below hold these, not the checker)
        self.use_keys = PerColumn(lambda j: ("warning", "use-range", f"catalog-{cols[j]}-use",
                                             (inci[j],)))
        self.use_hi_x = np.append(self.use_hi, nan)
        self.use_lo_x = np.append(self.use_lo, nan)
        self.win_x = np.array([i.ph_min is not None or i.ph_max is not None for i in ings] + [False])
        self.win_lo_x = np.array([i.ph_min - 1e-9 if i.ph_min is not None else -np.inf
                                  for i in ings] + [-np.inf])
        self.win_hi_x = np.array([i.ph_max + 1e-9 if i.ph_max is not None else np.inf
                                  for i in ings] + [np.inf])
        self.phw = np.array([j for j, i in enumerate(ings)
                             if i.ph_min is not None or i.ph_max is not None], np.int64)
        self.phw_keys = PerColumn(lambda j: ("warning", "ph-window", f"catalog-{cols[j]}-ph",
                                             (inci[j],)))
        self.oil = np.array([i.is_oil_phase for i in ings] + [False])
        self.water = np.array([i.solubility == "water" for i in ings] + [False])
        self.bases = list(rs.bases.values())
        nb = len(self.bases)
        self.cap = np.array([b.capacity_additions + 1e-9 for b in self.bases] + [np.inf])
        self.cap_oil = np.array([b.capacity_oil for b in self.bases] + [np.inf])
        self.aqueous = np.array([any(rs.ingredients[ln.ingredient].solubility == "water"
                                     and ln.percent >= 5 for ln in b.composition)
                                 for b in self.bases] + [True])
        self.from_base = np.zeros((nb + 1, m + 1), bool)
        for k, b in enumerate(self.bases):
            for ln in b.composition:
                self.from_base[k, self.col[ln.ingredient]] = True
        self.base_cap_keys = [("error", "base-capacity", f"base-{b.id}", ()) for b in self.bases]
        self.base_ph_lo = np.array([b.ph_min - 1e-9 if b.ph_min is not None else -np.inf
                                    for b in self.bases] + [-np.inf])
        self.base_ph_hi = np.array([b.ph_max + 1e-9 if b.ph_max is not None else np.inf
                                    for b in self.bases] + [np.inf])
        self.base_ph_keys = [("warning", "ph-window", f"base-{b.id}-ph", ()) for b in self.bases]
        self.cons = list(rs.constraints.values())
        # weighted sums computed by one matrix product per chunk: columns of F
        self._F: list[np.ndarray] = []
        self._F_pos: dict[tuple, int] = {}
        self.all_cols = np.arange(m)
        self.cost_col = self.weights(tuple((c, rs.ingredients[c].cost_per_kg)
                                            for c in self.cols), force=True)
        tagged: dict[str, list[str]] = {t: [] for t in sorted(rs.expr_tags)}
        for c in self.cols:  # each ingredient once, not the catalog once per tag
            for t in rs.ingredients[c].tags:
                got = tagged.get(t)
                if got is not None:
                    got.append(c)
        self.tag_cols = {t: self.weights(tuple((c, 1.0) for c in cs), force=True)
                         for t, cs in tagged.items()}
        self.tag_mem = {t: np.append(self._F[self.tag_cols[t]] != 0, False) for t in self.tag_cols}
        self.forbid = [np.array(sorted(self.col[i] for i in c.forbid), np.int64) for c in self.cons]
        self.forbid_x = []
        for f in self.forbid:
            x = np.zeros(m + 1, bool)
            x[f] = True
            self.forbid_x.append(x)
        self.tag_max = [[(np.array(sorted(self.col[i] for i in tm.members), np.int64),
                          self.weights(tuple((i, 1.0) for i in sorted(tm.members)), force=True),
                          tm.max + 1e-9) for tm in c.tag_max] for c in self.cons]
        self._big_cols: dict[bytes, int] = {}
        from ...rules.kinds import KINDS  # read when compiled: a kind added to the table counts

        compiled = self.compiled
        self.plans = [self._plan(KINDS[r.kind], n, r) for n, r in enumerate(rs.rules)
                      if compiled is None or n in compiled]
        self._by_n = {p.n: p for p in self.plans}
        self.F = (np.stack(self._F, axis=1) if self._F else np.zeros((m, 0)))
        # what the loop over rules reads first: the trigger columns (None: no trigger), the
        # single one as an int, whether the rule names its members on the label
        # (each indexed by the rule's position; None/False for a rule not compiled)
        nr = len(rs.rules)
        self._trig_cols: list[np.ndarray | None] = [None] * nr
        self._trig_one: list[int | None] = [None] * nr
        self._label = [False] * nr
        for p in self.plans:
            self._trig_cols[p.n] = p.trig if len(p.trig) else None
            self._trig_one[p.n] = int(p.trig[0]) if len(p.trig) == 1 else None
            self._label[p.n] = bool(p.rule.label_warning)
        self._applicable: dict[tuple[str, str, str], np.ndarray] = {}
        self.why: Counter[str] = Counter()  # rule id -> rows it sent to the engine (uncertain)
        self._forbid_keys: dict[int, PerColumn] = {}
        self.solubility = Solubility(self.bases, self.inci)
        self._members_of: dict[str, np.ndarray] = {}
        self._pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @cached_property
    def F_sparse(self):
        """F as a sparse matrix (a few thousand nonzeros in m × ~80), made when a chunk first
        reads its sums (:attr:`Chunk.T`)."""
        import scipy.sparse as sp

        return sp.csr_matrix(self.F)

    def _members(self, rule: Rule) -> np.ndarray:
        """A rule's member columns in the rule's own order (what its label warning names)."""
        got = self._members_of.get(rule.id)
        if got is None:
            got = self._members_of[rule.id] = np.array([self.col[i] for i in rule.members],
                                                       np.int64)
        return got

    def _pair(self, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
        """An incompatibility's two groups as sorted columns."""
        got = self._pairs.get(rule.id)
        if got is None:
            got = self._pairs[rule.id] = (self.columns(rule.first), self.columns(rule.second))
        return got

    # -- compile time -----------------------------------------------------------

    def columns(self, ids: Iterable[str]) -> np.ndarray:
        """The columns of these ingredient ids, sorted."""
        return np.array(sorted(map(self.col.__getitem__, ids)), np.int64)

    def weights(self, pairs: tuple[tuple[str, float], ...], force: bool = False) -> int | None:
        """The column of F holding the sum of these ingredients × factors (None: a single one)."""
        if len(pairs) <= 1 and not force:
            return None
        key = tuple(sorted(pairs))
        got = self._F_pos.get(key)
        if got is None:
            w = np.zeros(self.m)
            for iid, f in pairs:
                w[self.col[iid]] = f
            got = self._F_pos[key] = len(self._F)
            self._F.append(w)
        return got

    def big(self, cols: np.ndarray) -> np.ndarray:
        """Register a large set of columns: its any-live test becomes a column of F."""
        if len(cols) > BIG and cols.tobytes() not in self._big_cols:
            self._big_cols[cols.tobytes()] = self.weights(tuple((self.cols[c], 1.0) for c in cols))
        return cols

    def total(self, members: dict[str, float]) -> Total:
        """A weighted sum of members, as a chunk computes it (:meth:`Chunk.total`)."""
        ids = sorted(members)
        factors = np.array([members[i] for i in ids])
        return Total(self.columns(ids), factors, bool(np.all(factors == 1.0)),
                     self.weights(tuple((i, members[i]) for i in ids)))

    def expression(self, rule: Rule) -> Program | None:
        """The numpy program of an expression rule; None (its rows go to the engine) outside
        the compiled subset, with the reason in ``unsupported``."""
        try:
            return Program(rule.expr_text, self.rs, self.col)
        except Unsupported as exc:
            self.unsupported[rule.id] = str(exc)
        return None

    def forbid_keys(self, k: int) -> PerColumn:
        """Constraint k's finding for each column (each key built when first named)."""
        got = self._forbid_keys.get(k)
        if got is None:
            rid, names = f"constraint-{self.cons[k].id}", self.inci
            got = self._forbid_keys[k] = PerColumn(lambda j: ("error", "constraint", rid,
                                                              (names[j],)))
        return got

    def _plan(self, kind: Kind, n: int, r: Rule) -> RulePlan:
        return RulePlan(n, r, kind, self.big(self.columns(r.triggers)), kind.bulk_plan(r, self))

    def applicable(self, products: list[tuple[str, str, str, str]]) -> np.ndarray:
        """bool (len(products), len(rules)): each rule's `when` for each product."""
        rows = []
        for prod in products:
            a = self._applicable.get(prod)
            if a is None:
                a = np.zeros(len(self.rs.rules), bool)
                a[np.fromiter(self.rs.applicable(*prod), np.int64)] = True
                self._applicable[prod] = a
            rows.append(a)
        return np.array(rows, bool).reshape(len(products), len(self.rs.rules))

    # -- run time ---------------------------------------------------------------

    def run(self, designs: Designs, chunk: int | None = None, collect: bool = True,
            fallback: bool = True, progress: Callable[[int], None] | None = None,
            only: Iterable[int] | None = None) -> BulkResult:
        """Check every design; ``collect`` keeps the findings (else only the verdicts).

        ``only``: the positions (in the rule set's ``rules``) of the rules to check, and no
        check of no rule (use ranges, pH windows, the base, constraints): what ``rules
        impact`` asks of the rules a candidate changed (:func:`..impact.scope`). Its
        verdicts then say only whether those rules find an error."""
        if designs.rs is not self.rs and designs.cols != self.cols:
            raise ValueError("designs composed against another catalog")
        n = designs.n
        if chunk is None:
            chunk = CHUNK
        valid = np.ones(n, bool)
        unsure = np.zeros(n, bool)
        res = BulkResult(designs, valid, np.zeros(0, np.int64), names=self.inci)
        appl = self.applicable(designs.products)
        if only is None and self.compiled is not None:
            raise ValueError("a checker compiled for some rules checks only some rules")
        if only is not None and self.compiled is not None and not self.compiled.issuperset(only):
            raise ValueError("rules asked for that this checker did not compile")
        plans = None if only is None else [self._by_n[k] for k in sorted(set(only))]
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            err, unc = self._chunk(designs, lo, hi, appl, res.blocks if collect else None,
                                   plans)
            valid[lo:hi] = ~err & ~designs.pre_error[lo:hi]
            unsure[lo:hi] = unc
            if progress:
                progress(hi - lo)
        res.undecided = np.nonzero(unsure)[0]
        if designs.force is not None:
            unsure |= designs.force
        res.fallback = np.nonzero(unsure)[0]
        if fallback and len(res.fallback):
            from ...engine import check

            for i in res.fallback.tolist():
                rep = check(designs.formula(i), self.rs)
                valid[i] = rep.valid
                res.fallback_keys[i] = report_keys(rep)
        return res

    def _chunk(self, d: Designs, lo: int, hi: int, appl_prod: np.ndarray,
               blocks: list[Block] | None, plans: list[RulePlan] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        ch = Chunk(self, d, lo, hi, appl_prod, blocks)
        C = hi - lo
        # each rule's `when`, per product: for every product of the chunk, for none, or for some
        here = np.zeros(appl_prod.shape[0], bool)
        here[np.unique(ch.pidx)] = True
        sub = appl_prod[here]
        every, some = sub.all(0).tolist(), sub.any(0).tolist()
        ones = np.ones(C, bool)
        ones.flags.writeable = False  # shared by every rule applying to the whole chunk
        present, present_l, label = ch.present, ch.present.tolist(), self._label
        trig_all, one_all = self._trig_cols, self._trig_one
        for p in self.plans if plans is None else plans:
            n = p.n
            trig_cols, one = trig_all[n], one_all[n]
            if not some[n]:
                continue
            if one is not None:
                if not present_l[one]:  # its one trigger is live in no row of the chunk
                    continue
            elif trig_cols is not None and not present[trig_cols].any():
                continue
            rule = p.rule
            ch.current = rule.id
            app = ones if every[n] else appl_prod[:, n][ch.pidx]
            if trig_cols is None:
                trig = app.copy()
            else:
                trig = ch.anylive(p.trig) & app
                if label[n]:
                    ch.emit(trig, "info", ("label", rule.id, self._members(rule)))
                if not trig.any():
                    continue
            p.kind.bulk(rule, p.own, ch, trig, app)  # the kind's vectorized check
        if plans is None:
            self._builtins(ch, d, lo, hi)
        return ch.err, ch.unc

    def _builtins(self, ch: Chunk, d: Designs, lo: int, hi: int) -> None:
        """The checks of no rule: use ranges, catalog pH windows, the base, constraints."""
        C, T, ph, has_ph, ent, pid, pv, aid = ch.C, ch.T, ch.ph, ch.has_ph, ch.ent, ch.pid, \
            ch.pv, ch.aid
        emit, emit_pairs, band, blocks, names = ch.emit, ch.emit_pairs, ch.band, ch.blocks, \
            self.inci
        # on the sparse rows: use ranges, catalog pH windows
        qsrow = d.qs[lo:hi]
        cand = ent & d.pres_added[lo:hi] & (pid != qsrow[:, None])
        over = cand & (pv > self.use_hi_x[pid])
        under = cand & ~over & (pv < self.use_lo_x[pid])
        if blocks is not None:  # warnings: named only when the findings are kept
            for mat in (over, under):
                rr, kk = np.nonzero(mat)
                emit_pairs(rr, pid[rr, kk], "warning", self.use_keys)
        phc = ph[:, None]
        bad = ent & self.win_x[pid] & has_ph[:, None] & (
            (phc < self.win_lo_x[pid]) | (phc > self.win_hi_x[pid]))
        if blocks is not None:
            rr, kk = np.nonzero(bad)
            emit_pairs(rr, pid[rr, kk], "warning", self.phw_keys)
        # the base: room for additions, oil phase, solubility
        base = d.base[lo:hi]
        bidx = np.where(base >= 0, base, len(self.bases))
        with_base = base >= 0
        if with_base.any():
            emit(with_base & has_ph & ((ph < self.base_ph_lo[bidx]) | (ph > self.base_ph_hi[bidx])),
                 "warning", ("base", self.base_ph_keys))
            av = d.add_vals[lo:hi]
            oil_add = self.oil[aid]
            tot_add = np.zeros(C)
            tot_oil = np.zeros(C)
            for k in range(aid.shape[1]):  # left to right, as the engine sums
                tot_add = tot_add + av[:, k]
                tot_oil = tot_oil + np.where(oil_add[:, k], av[:, k], 0.0)
            emit(with_base & (tot_add > self.cap[bidx]), "error",
                 ("base", self.base_cap_keys))
            any_oil = oil_add.any(1)
            no_room = with_base & any_oil & (self.cap_oil[bidx] <= 0)
            rr, kk = np.nonzero(oil_add & no_room[:, None])
            emit_pairs(rr, aid[rr, kk], "error", self.solubility)
            emit(with_base & any_oil & ~no_room & (tot_oil > self.cap_oil[bidx] + 1e-9), "error",
                 ("oil", self.bases, names, self.oil))
            dry = with_base & ~self.aqueous[bidx]
            if dry.any():
                wet = self.water[aid] & ~self.from_base[bidx[:, None], aid] & dry[:, None]
                rr, kk = np.nonzero(wet)
                emit_pairs(rr, aid[rr, kk], "error", self.solubility)
        # constraints
        cons = d.cons[lo:hi]
        if cons.any():
            known = d.known[lo:hi]
            cost = None
            for k, c in enumerate(self.cons):
                asked = cons[:, k]
                if not asked.any():
                    continue
                if len(self.forbid[k]):
                    key_cols = self.forbid_keys(k)
                    ar = np.nonzero(asked)[0]  # the rows asking for it, in order
                    rr, kk = np.nonzero(ent[ar] & self.forbid_x[k][pid[ar]])
                    emit_pairs(ar[rr], pid[ar[rr], kk], "error", key_cols)
                for cols, fcol, thr in self.tag_max[k]:
                    tot = T[:, fcol]
                    emit(asked & (tot > thr), "error",
                         ("order", c.id, cols))
                    band(asked, tot, thr, cols, True, f"constraint-{c.id}")
                if c.max_cost_per_kg is not None:
                    if cost is None:
                        cost = T[:, self.cost_col] / 100
                    thr = c.max_cost_per_kg + 1e-9
                    emit(asked & known & (cost > thr), "error",
                         ("const", ("error", "constraint", f"constraint-{c.id}", ())))
                    band(asked & known, cost, thr, self.all_cols, False, f"constraint-{c.id}")



class _Columns:
    """The chunk's matrix read by column, as the kinds read it: ``P[:, c]`` (a column) or
    ``P[:, cols]`` (rows × len(cols)), built on demand from the chunk's entries sorted by
    column; ``live[:, c]`` the same as booleans (P > 0). Nothing as wide as the catalog is
    built (issue 19: the dense C × m matrix was most of the check's time)."""

    def __init__(self, C: int, m: int, starts: np.ndarray, rows: np.ndarray,
                 vals: np.ndarray | None):
        self.C, self.m, self.starts, self.rows, self.vals = C, m, starts, rows, vals
        self.shape = (C, m)

    def __getitem__(self, key):
        r, c = key
        if not (isinstance(r, slice) and r == slice(None)):
            raise IndexError("a chunk's matrix is read by whole columns: [:, c]")
        st, rows, vals = self.starts, self.rows, self.vals
        if np.ndim(c) == 0:
            c = int(c)
            a, b = st[c], st[c + 1]
            if vals is None:
                out = np.zeros(self.C, bool)
                out[rows[a:b]] = True
            else:
                out = np.zeros(self.C)
                out[rows[a:b]] = vals[a:b]
            return out
        cs = np.asarray(c).tolist()
        out = np.zeros((self.C, len(cs)), bool if vals is None else np.float64)
        for j, c in enumerate(cs):
            a, b = st[c], st[c + 1]
            out[rows[a:b], j] = True if vals is None else vals[a:b]
        return out


def _column_order(cols: np.ndarray, m: int) -> np.ndarray:
    """The order that sorts entries listed row by row by column, rows ascending within a
    column (stable; on 16 bits a stable sort is a radix sort)."""
    return np.argsort(cols.astype(np.int16) if m < 32_000 else cols, kind="stable")


def _column_starts(cols: np.ndarray, m: int) -> np.ndarray:
    """(m + 1,): where each column's entries start once sorted by column."""
    starts = np.zeros(m + 1, np.int64)
    np.cumsum(np.bincount(cols, minlength=m), out=starts[1:])
    return starts


def _by_column(m: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray):
    """Entries (row, column, value), listed row by row, sorted by column (rows ascending within
    a column): (starts, rows, values)."""
    order = _column_order(cols, m)
    return _column_starts(cols, m), rows[order], vals[order]


class Chunk:
    """One chunk of designs as the kinds' vectorized checks see it (``Kind.bulk``): the
    matrix ``P`` (rows × columns, %, read by column: ``P[:, c]``), ``live`` (P > 0),
    the weighted sums ``T`` (P @ F), the target pH, and the ways to emit findings and to
    send uncertain rows to the engine."""

    def __init__(self, checker: BulkChecker, d: Designs, lo: int, hi: int,
                 appl_prod: np.ndarray, blocks: list[Block] | None):
        m, C = checker.m, hi - lo
        self.checker, self.d, self.lo, self.C, self.blocks = checker, d, lo, C, blocks
        pid, pv = d.pres_ids[lo:hi], d.pres_vals[lo:hi]
        self.pid, self.pv = pid, pv
        self.aid = d.add_ids[lo:hi]
        self.ent = ent = (pv > 0) & (pid < m)  # the live entries of the sparse rows
        # the matrix as its entries sorted by column (what P[:, c] reads), not a dense
        # C × m array: a row lists ~15 of the ~7,500 columns
        rr, kk = np.nonzero(pid < m)
        cc = pid[rr, kk].astype(np.int64)
        order = _column_order(cc, m)
        scols, srows, svals = cc[order], rr[order], pv[rr, kk][order]
        uent = ent
        if len(srows) > 1:
            # a column listed twice in a row: the matrix held the last value (a scatter)
            twice = (scols[1:] == scols[:-1]) & (srows[1:] == srows[:-1])
            if twice.any():
                keep = np.ones(len(srows), bool)
                keep[:-1] = ~twice
                gone = order[~keep]
                uent = ent.copy()
                uent[rr[gone], kk[gone]] = False
                srows, svals, scols = srows[keep], svals[keep], scols[keep]
        starts = _column_starts(scols, m)
        self._uent = uent  # ent without the entries a later one of the same column overrides
        lv = svals > 0
        lstarts = _column_starts(scols[lv], m)
        self._lstarts, self._lrows = lstarts, srows[lv]
        self._starts, self._srows = starts, srows
        self.P = _Columns(C, m, starts, srows, svals)
        self.live = _Columns(C, m, lstarts, self._lrows, None)
        self.present = lstarts[1:] > lstarts[:-1]  # (m,) the column is live in some row
        self.pidx = pidx = d.pidx[lo:hi]
        self._appl = appl_prod
        self.ph = d.ph[lo:hi]
        self.has_ph = ~np.isnan(self.ph)
        # the weighted sums (one column of F each): the sparse rows times F, a few terms a row
        # instead of the whole catalog's columns (issue 19); a sum in another order than the
        # engine's, as any matrix product (see the package docstring: `band`)
        self.err = np.zeros(C, bool)
        self.unc = np.zeros(C, bool)
        self.names = checker.inci
        self.leave_on = np.array([p[0] == "leave-on" for p in d.products], bool)[pidx]
        self.current = ""  # the rule being checked (what `band` blames)
        self._listed: dict[int, np.ndarray] = {}
        self._tags: dict[str, np.ndarray] = {}
        self._bounds: dict[str, np.ndarray] = {}
        self._env: Env | None = None

    @cached_property
    def T(self) -> np.ndarray:
        """(rows, columns of F): the weighted sums, the sparse rows times F (a few terms a row
        instead of the whole catalog's columns, issue 19); a sum in another order than the
        engine's, as any matrix product (see the package docstring: `band`). Made when first
        read: a check of rules that read no sum (``rules impact`` against a changed limit on
        one ingredient) makes none, and imports no scipy."""
        checker, C, ent, pid, pv = self.checker, self.C, self.ent, self.pid, self.pv
        if not checker.F.shape[1]:
            return np.zeros((C, 0))
        import scipy.sparse as sp  # (0.13 s to import: only where a sum is read)

        indptr = np.zeros(C + 1, np.int64)
        np.cumsum(ent.sum(1), out=indptr[1:])
        return (sp.csr_matrix((pv[ent], pid[ent], indptr), shape=(C, checker.m))
                @ checker.F_sparse).toarray()

    @property
    def A(self) -> np.ndarray:
        """(R, C): row n is rule n's `when` for each design (built only when asked)."""
        return self._appl.T[:, self.pidx]

    # -- reading the chunk
    def no(self) -> np.ndarray:
        return np.zeros(self.C, bool)

    def listed(self, c: int) -> np.ndarray:
        """Rows listing that ingredient (even at 0 %)."""
        got = self._listed.get(c)
        if got is None:
            got = np.zeros(self.C, bool)
            got[self._srows[self._starts[c]:self._starts[c + 1]]] = True
            self._listed[c] = got
        return got

    def anylive(self, cols: np.ndarray) -> np.ndarray:
        if len(cols) == 1:
            return self.live[:, cols[0]]
        f = self.checker._big_cols.get(cols.tobytes()) if len(cols) > BIG else None
        if f is not None:  # a sum of values >= 0 is > 0 exactly when one of them is
            return self.T[:, f] > 0
        out = np.zeros(self.C, bool)
        st, rows = self._lstarts, self._lrows
        for c in cols.tolist():
            out[rows[st[c]:st[c + 1]]] = True
        return out

    def count(self, cols: np.ndarray) -> np.ndarray:
        out = np.zeros(self.C, np.int32)
        st, rows = self._lstarts, self._lrows
        for c in cols.tolist():  # rows are distinct within a column
            out[rows[st[c]:st[c + 1]]] += 1
        return out

    def total(self, t: Total) -> tuple[np.ndarray, bool]:
        """(the weighted sum per row, whether it may be in another order than the engine's)."""
        if t.weights is not None:
            return self.T[:, t.weights], True
        c = t.members
        if len(t.factors) and t.factors[0] != 1.0:
            return self.P[:, c[0]] * t.factors[0], False
        return self.P[:, c[0]], False

    def declare_limit(self, rule: Rule) -> np.ndarray:
        """A labelling threshold per row (leave-on or rinse-off), with the engine's tolerance."""
        lo_ = rule.leave_on + 1e-12 if rule.leave_on is not None else np.nan
        ro_ = rule.rinse_off + 1e-12 if rule.rinse_off is not None else np.nan
        return np.where(self.leave_on, lo_, ro_)

    def tagsum(self, t: str) -> np.ndarray:
        v = self._tags.get(t)
        if v is None:
            v = self._tags[t] = self.T[:, self.checker.tag_cols[t]]
        return v

    def tagbound(self, t: str) -> np.ndarray:
        b = self._bounds.get(t)
        if b is None:
            several = (self.ent & self.checker.tag_mem[t][self.pid]).sum(1) > 2  # two: exact
            b = self._bounds[t] = np.where(several, REL * self.tagsum(t), 0.0)
        return b

    # -- findings and uncertain rows
    def emit(self, mask: np.ndarray, severity: str, spec: tuple) -> None:
        if not mask.any():
            return
        if severity == "error":
            self.err |= mask
        if self.blocks is not None:
            self.blocks.append((np.nonzero(mask)[0] + self.lo, spec))

    def emit_pairs(self, rr: np.ndarray, cc: np.ndarray, severity: str, keys) -> None:
        if not len(rr):
            return
        if severity == "error":
            self.err[rr] = True
        if self.blocks is not None:
            self.blocks.append((rr + self.lo, ("col", keys, cc)))

    def band(self, mask: np.ndarray, value: np.ndarray, thr, cols: np.ndarray, ones: bool,
             what: str = "") -> None:
        """Rows whose re-ordered sum is too close to ``thr`` to trust: to the engine.

        A sum of at most two nonzero terms each taken once (factor 1), or of
        a single nonzero term, is the same in any order: those rows are exact.
        """
        u = mask & (np.abs(value - thr) <= REL * np.abs(value))
        if u.any():
            rows = np.nonzero(u)[0]
            times = np.zeros(self.checker.m + 1, np.int64)  # a column given twice counts twice
            np.add.at(times, cols, 1)
            n_terms = (times[self.pid[rows]] * self._uent[rows]).sum(1)
            rows = rows[n_terms > (2 if ones else 1)]
            if len(rows):
                self.unc[rows] = True
                self.checker.why[what or self.current] += len(rows)

    def uncertain(self, mask: np.ndarray, rid: str) -> None:
        """These rows go to the engine (a rule the bulk checker cannot decide)."""
        self.unc |= mask
        self.checker.why[rid] += int(mask.sum())

    def expression(self, program: Program, trig: np.ndarray, rid: str) -> np.ndarray:
        """Where an expression is true; the rows it cannot decide go to the engine."""
        if self._env is None:
            self._env = Env(self.P, self.listed, np.where(self.has_ph, self.ph, 0.0), self.pidx,
                            self.d.products, self.tagsum, self.tagbound, self.no())
        self._env.unc = self.no()
        fires, u = program.run(self._env)
        u = u & trig
        if u.any():
            self.uncertain(u, rid)
        return fires

    # -- how a finding names its ingredients
    @staticmethod
    def const(key: Key) -> tuple:
        return ("const", key)

    def live_key(self, sev: str, code: str, rid: str, cols: np.ndarray) -> tuple:
        """The finding names the live ingredients of ``cols``, in column order."""
        return ("live", sev, code, rid, np.asarray(cols))

    def incompatible_key(self, rule: Rule) -> tuple:
        """The live ingredients of the rule's first group, then of its second, each once."""
        return ("incompat", rule.severity, rule.id, *self.checker._pair(rule))


def bulk_check(formulas: Sequence[Formula], rs: RuleSet, **kw) -> BulkResult:
    """Compose and check many formulas: the per-formula engine's findings, in bulk."""
    return BulkChecker(rs).run(compose_formulas(formulas, rs), **kw)


def same(a: list[Key], b: list[Key]) -> bool:
    return Counter(a) == Counter(b)

