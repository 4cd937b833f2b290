"""Bulk validation: many designs against one rule set, as numpy column operations.

``configurator rules impact`` re-validates every saved design against a
candidate rule set; doing that one formula at a time costs ~150 µs each.
Here each design is composed once into a row of a matrix (designs ×
catalog ingredients, % w/w) with a few per-design attributes (product,
base, target pH, constraints), and every rule is evaluated over all rows at
once: a limit is a column compared with a number, a group total a matrix
product, an incompatibility two column tests, an expression rule a small
numpy program compiled from its CEL text.

**Exactness.** The result is the engine's (:func:`configurator.engine.check`):
the same verdict and the same multiset of findings, each identified by
``(severity, code, rule, ingredients)`` (messages and fixes are not built
here). It is achieved this way:

* every comparison uses the engine's threshold and tolerance, with the same
  strictness (``total > max + 1e-9``, ``total < min - 1e-9``, declare
  ``> limit + 1e-12``, pH windows ``ph < lo - 1e-9`` …);
* a value the engine computes with one floating-point operation (a single
  ingredient's %, ``p * factor``, a pct[] in an expression) is computed with
  the same operation here, so it is bit-identical;
* a *sum* of several terms may be added up in another order here (a matrix
  product) and differ from the engine's by a few units in the last place.
  All the terms are ≥ 0, so the relative difference is below 1e-13; wherever
  such a sum lands within ``1e-12 × value`` of the threshold it is compared
  with, the row is *uncertain*;
* an expression rule outside the compiled subset (see :class:`_Cel`) makes
  the rows it would be evaluated on uncertain;
* uncertain rows **fall back to the per-formula engine**: their findings are
  the engine's own. :attr:`BulkResult.fallback` counts them.

CEL semantics are CEL's as the ``cel`` runtime implements them: ``pct["X"]``
for an X the formula does not list is an error; ``&&``/``||`` absorb an error
when the other side decides (in either order); a ternary evaluates only the
branch taken; comparisons mix int and double; arithmetic does not (an
expression doing that is left to the engine); a rule fires only on ``true``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..rules.kinds.prohibited import CONDITION
from ..engine.compose import compose
from ..engine.engine import base_suits, resolve_base, resolve_product, unprofiled
from ..engine.formula import Addition, Formula, ProductSpec
from ..engine.report import Finding, Report
from ..rules.model import Rule, RuleSet

Key = tuple[str, str, str, tuple[str, ...]]  # (severity, code, rule, ingredients)
REL = 1e-12  # relative band around a threshold where a re-ordered sum is not trusted
CHUNK = 16_384
# the dense chunk (rows × columns, two float64 buffers) stays under ~128 MB each: with the
# ~7,500 columns of the CosIng-sized catalog a 16,384-row chunk took 1 GB a buffer
CHUNK_CELLS = 16_000_000
BIG = 24  # a set of more columns than this is tested for "any present" by the matrix product


def finding_key(f: Finding) -> Key:
    return (f.severity, f.code, f.rule, tuple(f.ingredients))


def report_keys(report: Report) -> list[Key]:
    return sorted(finding_key(f) for f in report.findings)


# --------------------------------------------------------------------------- designs


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


def _columns(rs: RuleSet) -> tuple[list[str], dict[str, int]]:
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
    cols, col = _columns(rs)
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
        unprofiled = [finding_key(unprofiled(ings[k])) for k, v in d.present.items()
                      if v > 0 and not ings[k].profiled and k in col]
        if unprofiled:  # the engine's one warning for each (its key needs no numbers)
            pre.setdefault(i, []).extend(unprofiled)
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
    plan = rs.plan(*product)
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
    cols, _col = _columns(rs)
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
    unprofiled = np.array([not ings[c].profiled for c in cols] + [False])
    for k, p in enumerate(product_types):
        ptype = rs.product_types[p]
        rows = pt == k
        trig = _special_triggers(rs, (ptype.application, ptype.area, ptype.form, ptype.age))
        hot = np.zeros(m + 1, bool)
        hot[[col[t] for t in trig if t in col]] = True
        force |= rows & (hot[pres_ids] & (pres_vals > 0)).any(1)
    for i in np.nonzero((unprofiled[pres_ids] & (pres_vals > 0)).any(1))[0].tolist():
        pre.setdefault(i, []).extend(
            finding_key(unprofiled(ings[cols[c]])) for c, v in
            zip(pres_ids[i].tolist(), pres_vals[i].tolist(), strict=True)
            if c < m and v > 0 and not ings[cols[c]].profiled)
    return Designs(rs, cols, products, pt.astype(np.int32), base.astype(np.int32),
                   qs.astype(np.int32), ph, cons, pres_ids.astype(np.int32), pres_vals,
                   add_ids.astype(np.int32), add_vals, np.ones(n, bool), pre, over.copy(), formula,
                   np.concatenate([add_ids < m, np.zeros(base_ids.shape, bool)], axis=1), force)


# --------------------------------------------------------------------------- CEL → numpy


class Unsupported(Exception):
    """An expression outside the compiled subset: its rows go to the engine."""


_TOK = re.compile(r"""\s*(?:
    (?P<num>\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+(?![\w.]))
  | (?P<str>"[^"\\\n]*"|'[^'\\\n]*')
  | (?P<op>&&|\|\||==|!=|>=|<=|[-+*/!<>?:()\[\],])
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  )""", re.VERBOSE)


def _tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOK.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:pos + 10]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    out.append(("end", ""))
    return out


class _Parser:
    """CEL's grammar, for the subset: a tuple tree (op, children…)."""

    def __init__(self, text: str):
        self.t = _tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.t[self.i]

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.t[self.i]
        if value is not None and tok[1] != value:
            raise Unsupported(f"expected {value!r}")
        self.i += 1
        return tok

    def parse(self):
        e = self.expr()
        if self.peek()[0] != "end":
            raise Unsupported("trailing text")
        return e

    def expr(self):
        c = self.binary(0)
        if self.peek() == ("op", "?"):
            self.take()
            a = self.binary(0)
            self.take(":")
            b = self.expr()
            return ("?:", c, a, b)
        return c

    LEVELS = (("||",), ("&&",), ("==", "!=", "<", "<=", ">", ">=", "in"), ("+", "-"), ("*", "/"))

    def binary(self, level: int):
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, v = self.peek()
            if kind in ("op", "name") and v in self.LEVELS[level]:
                self.take()
                left = (v, left, self.binary(level + 1))
            else:
                return left

    def unary(self):
        kind, v = self.peek()
        if (kind, v) in (("op", "!"), ("op", "-")):
            self.take()
            return ("neg" if v == "-" else "!", self.unary())
        return self.member()

    def member(self):
        e = self.primary()
        while self.peek() == ("op", "["):
            self.take()
            k = self.expr()
            self.take("]")
            e = ("index", e, k)
        if self.peek() == ("op", "."):
            raise Unsupported("field selection")
        return e

    def primary(self):
        kind, v = self.take()
        if kind == "num":
            return ("int", int(v)) if re.fullmatch(r"\d+", v) else ("double", float(v))
        if kind == "str":
            return ("str", v[1:-1])
        if kind == "name":
            if v in ("true", "false"):
                return ("bool", v == "true")
            if v in ("pct", "tag", "ph", "application", "area", "form"):
                if self.peek() == ("op", "("):
                    raise Unsupported("function call")
                return ("name", v)
            raise Unsupported(f"name {v!r}")
        if v == "(":
            e = self.expr()
            self.take(")")
            return e
        if v == "[":
            items = []
            if self.peek() != ("op", "]"):
                items.append(self.expr())
                while self.peek() == ("op", ","):
                    self.take()
                    items.append(self.expr())
            self.take("]")
            if not all(x[0] == "str" for x in items):
                raise Unsupported("a list of anything but strings")
            return ("list", tuple(x[1] for x in items))
        raise Unsupported(f"unexpected {v!r}")


@dataclass
class _Env:
    """One chunk's data as an expression sees it."""

    P: np.ndarray
    listed: Callable[[int], np.ndarray]  # column -> rows listing that ingredient (even at 0 %)
    ph0: np.ndarray  # the target pH, 0.0 when none
    pidx: np.ndarray
    products: list[tuple[str, str, str, str]]
    tagsum: Callable[[str], np.ndarray]
    tagbound: Callable[[str], np.ndarray]  # how far the engine's sum may be from tagsum
    unc: np.ndarray  # rows where a comparison could not be decided exactly (accumulated)


# values: ("b", val, err) · ("d", val, bound, err) · ("i", int) · ("s", per-product array | str)
# · ("l", tuple) · ("map", "pct"|"tag"); err is a bool array or False; bound a float array or 0.0


class _Cel:
    """A CEL expression compiled into numpy over a chunk of designs (see the module docstring)."""

    def __init__(self, text: str, rs: RuleSet, col: dict[str, int]):
        self.rs = rs
        self.exact = {rs.ingredients[i].inci: col[i] for i in rs.expr_names}
        self.tags = rs.expr_tags
        tree = _Parser(text).parse()
        self.fn, kind = self.compile(tree)
        self.boolean = kind == "b"

    # each compile returns (fn(env) -> value, kind)
    def compile(self, t):  # noqa: C901 (one branch per operator)
        op = t[0]
        if op == "bool":
            v = t[1]
            return (lambda env: ("b", v, False)), "b"
        if op == "double":
            v = t[1]
            return (lambda env: ("d", v, 0.0, False)), "d"
        if op == "int":
            v = t[1]
            return (lambda env: ("i", v)), "i"
        if op == "str":
            v = t[1]
            return (lambda env: ("s", v)), "s"
        if op == "list":
            v = t[1]
            return (lambda env: ("l", v)), "l"
        if op == "name":
            name = t[1]
            if name in ("pct", "tag"):
                return (lambda env: ("map", name)), "map"
            if name == "ph":
                return (lambda env: ("d", env.ph0, 0.0, False)), "d"
            k = ("application", "area", "form").index(name)
            return (lambda env: ("s", np.array([p[k] for p in env.products], dtype=object))), "s"
        if op == "index":
            base, key = t[1], t[2]
            if base != ("name", "pct") and base != ("name", "tag") or key[0] != "str":
                raise Unsupported("an index other than pct[\"…\"] or tag[\"…\"]")
            k = key[1]
            if base[1] == "pct":
                c = self.exact.get(k)
                if c is None:
                    return (lambda env: ("d", 0.0, 0.0, True)), "d"
                return (lambda env: ("d", env.P[:, c], 0.0, ~env.listed(c))), "d"
            if k not in self.tags:
                return (lambda env: ("d", 0.0, 0.0, True)), "d"
            return (lambda env: ("d", env.tagsum(k), env.tagbound(k), False)), "d"
        if op == "neg":
            f, kind = self.compile(t[1])
            if kind == "i":
                return (lambda env: ("i", -f(env)[1])), "i"
            if kind != "d":
                raise Unsupported("minus of a non-number")
            return (lambda env: _neg(f(env))), "d"
        if op == "!":
            f, kind = self.compile(t[1])
            if kind != "b":
                raise Unsupported("! of a non-bool")
            return (lambda env: _not(f(env))), "b"
        if op == "?:":
            fc, kc = self.compile(t[1])
            fa, ka = self.compile(t[2])
            fb, kb = self.compile(t[3])
            if kc != "b" or ka != kb or ka not in ("b", "d"):
                raise Unsupported("ternary shape")
            return (lambda env: _cond(fc(env), fa(env), fb(env))), ka
        fa, ka = self.compile(t[1])
        fb, kb = self.compile(t[2])
        if op in ("&&", "||"):
            if ka != "b" or kb != "b":
                raise Unsupported("logic on non-bools")
            g = _and if op == "&&" else _or
            return (lambda env: g(fa(env), fb(env))), "b"
        if op == "in":
            if ka == "s" and kb == "l":
                return (lambda env: _str_in(env, fa(env)[1], fb(env)[1])), "b"
            if t[1][0] == "str" and t[2] == ("name", "pct"):
                c = self.exact.get(t[1][1])
                if c is None:
                    return (lambda env: ("b", False, False)), "b"
                return (lambda env: ("b", env.listed(c), False)), "b"
            if t[1][0] == "str" and t[2] == ("name", "tag"):
                v = t[1][1] in self.tags
                return (lambda env: ("b", v, False)), "b"
            raise Unsupported("`in` shape")
        if op in ("+", "-", "*", "/"):
            if ka != "d" or kb != "d":
                raise Unsupported("arithmetic other than double with double")
            return (lambda env: _arith(op, fa(env), fb(env))), "d"
        # comparisons
        if ka in ("d", "i") and kb in ("d", "i") and not (ka == "i" and kb == "i"):
            return (lambda env: _cmp(env, op, _num(fa(env)), _num(fb(env)))), "b"
        if ka == "s" and kb == "s" and op in ("==", "!="):
            return (lambda env: _str_eq(env, op, fa(env)[1], fb(env)[1])), "b"
        if ka == "b" and kb == "b" and op in ("==", "!="):
            def beq(env):
                a, b = fa(env), fb(env)
                v = (a[1] == b[1]) if op == "==" else (a[1] != b[1])
                return ("b", v, a[2] | b[2])
            return beq, "b"
        raise Unsupported(f"{op} on {ka}, {kb}")

    def run(self, env: _Env) -> tuple[np.ndarray, np.ndarray]:
        """(fires, uncertain) over the chunk's rows."""
        n = len(env.ph0)
        if not self.boolean:
            return np.zeros(n, bool), np.zeros(n, bool)
        with np.errstate(all="ignore"):
            _k, val, err = self.fn(env)
        fires = np.broadcast_to(np.asarray(val, bool) & ~np.asarray(err, bool), (n,))
        return fires, env.unc


def _num(v):
    return ("d", float(v[1]), 0.0, False) if v[0] == "i" else v


def _neg(a):
    return ("d", -a[1], a[2], a[3])


def _not(a):
    return ("b", ~np.asarray(a[1], bool) if not isinstance(a[1], bool) else not a[1], a[2])


def _and(a, b):
    av, ae, bv, be = a[1], a[2], b[1], b[2]
    false = (~np.asarray(av, bool) & ~np.asarray(ae, bool)) | (~np.asarray(bv, bool) & ~np.asarray(be, bool))
    err = (np.asarray(ae, bool) | np.asarray(be, bool)) & ~false
    return ("b", ~false & ~err, err)


def _or(a, b):
    av, ae, bv, be = a[1], a[2], b[1], b[2]
    true = (np.asarray(av, bool) & ~np.asarray(ae, bool)) | (np.asarray(bv, bool) & ~np.asarray(be, bool))
    err = (np.asarray(ae, bool) | np.asarray(be, bool)) & ~true
    return ("b", true, err)


def _cond(c, a, b):
    cv = np.asarray(c[1], bool)
    if a[0] == "b":
        return ("b", np.where(cv, a[1], b[1]), c[2] | np.where(cv, a[2], b[2]))
    return ("d", np.where(cv, a[1], b[1]), np.where(cv, a[2], b[2]),
            c[2] | np.where(cv, a[3], b[3]))


def _arith(op, a, b):
    av, ab, ae = a[1], a[2], a[3]
    bv, bb, be = b[1], b[2], b[3]
    if op == "+":
        v = av + bv
        bound = ab + bb
    elif op == "-":
        v = av - bv
        bound = ab + bb
    elif op == "*":
        v = av * bv
        bound = np.abs(av) * bb + np.abs(bv) * ab + ab * bb
    else:
        v = av / bv
        bound = np.where(np.asarray(bb) > 0, np.inf, np.abs(ab / bv)) if (
            np.any(np.asarray(bb) > 0) or np.any(np.asarray(ab) > 0)) else 0.0
    if np.any(np.asarray(bound) > 0):  # one rounding of a different input: a bit more room
        bound = np.where(np.asarray(bound) > 0, bound * (1 + 1e-9) + 1e-15 * np.abs(v), 0.0)
    return ("d", v, bound, ae | be)


_CMP = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
        ">": np.greater, ">=": np.greater_equal}


def _cmp(env, op, a, b):
    v = _CMP[op](a[1], b[1])
    bound = a[2] + b[2]
    err = a[3] | b[3]
    if np.any(np.asarray(bound) > 0):
        close = (np.abs(np.asarray(a[1]) - np.asarray(b[1])) <= bound) & (np.asarray(bound) > 0)
        env.unc |= np.broadcast_to(close & ~np.asarray(err, bool), env.unc.shape)
    return ("b", v, err)


def _lift(env, per_product):
    if isinstance(per_product, np.ndarray):
        return per_product[env.pidx]
    return per_product


def _str_eq(env, op, a, b):
    v = np.asarray(a == b) if not (isinstance(a, str) and isinstance(b, str)) else (a == b)
    if op == "!=":
        v = ~v if isinstance(v, np.ndarray) else not v
    if isinstance(v, np.ndarray):
        v = v.astype(bool)
    return ("b", _lift(env, v), False)


def _str_in(env, a, items):
    if isinstance(a, str):
        return ("b", a in items, False)
    return ("b", _lift(env, np.array([x in items for x in a], bool)), False)


# --------------------------------------------------------------------------- the checker


@dataclass
class _Row:
    """What a finding's ingredient list needs of one design (built only to name findings)."""

    order: list[int]  # the composition's columns, in the engine's order
    live: set[int]
    listed: set[int]
    added: list[int]
    base: int


# A block of findings: rows (global) and how to name each one.
#   ("const", key)                      the same key for every row
#   ("col", keys_by_col, cols)          one key per (row, column) pair (a list, or
#                                       fn(row_info, column) -> key)
#   ("dyn", fn)                         fn(row_info) -> key
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

    def _row(self, i: int) -> _Row:
        d = self.designs
        m = len(d.cols)
        ids = d.pres_ids[i].tolist()
        vals = d.pres_vals[i].tolist()
        order = [c for c in ids if c < m]
        return _Row(order, {c for c, v in zip(ids, vals, strict=True) if c < m and v > 0},
                    set(order), [c for c in d.add_ids[i].tolist() if c < m], int(d.base[i]))

    def keys(self) -> list[list[Key]]:
        """Every row's findings as sorted (severity, code, rule, ingredients) keys."""
        n = self.designs.n
        out: list[list[Key]] = [[] for _ in range(n)]
        for i, keys in self.designs.pre.items():
            out[i].extend(keys)
        cache: dict[int, _Row] = {}

        def row(i: int) -> _Row:
            r = cache.get(i)
            if r is None:
                r = cache[i] = self._row(i)
            return r

        for rows, spec in self.blocks:
            if spec[0] == "const":
                for i in rows.tolist():
                    out[i].append(spec[1])
            elif spec[0] == "col":
                keys_by_col, cols = spec[1], spec[2]
                if callable(keys_by_col):
                    for i, c in zip(rows.tolist(), cols.tolist(), strict=True):
                        out[i].append(keys_by_col(row(i), c))
                else:
                    for i, c in zip(rows.tolist(), cols.tolist(), strict=True):
                        out[i].append(keys_by_col[c])
            else:
                fn = spec[1]
                for i in rows.tolist():
                    out[i].append(fn(row(i)))
        for i, keys in self.fallback_keys.items():
            out[i] = list(keys)
        for keys in out:
            keys.sort()
        return out


class BulkChecker:
    """One rule set compiled for bulk validation: ``BulkChecker(rs).run(designs)``."""

    def __init__(self, rs: RuleSet):
        self.rs = rs
        self.cols, self.col = _columns(rs)
        m = self.m = len(self.cols)
        ings = [rs.ingredients[c] for c in self.cols]
        self.inci = [i.inci for i in ings]
        self.unsupported: dict[str, str] = {}  # rule id -> why its expression is not compiled
        # built-in checks
        nan = float("nan")
        self.use_hi = np.array([i.use_max + 1e-9 if i.use_max is not None else nan for i in ings])
        self.use_lo = np.array([i.use_min - 1e-9 if i.use_min is not None else nan for i in ings])
        self.use_keys = [("warning", "use-range", f"catalog-{c}-use", (i.inci,))
                         for c, i in zip(self.cols, ings, strict=True)]
        self.use_hi_x = np.append(self.use_hi, nan)
        self.use_lo_x = np.append(self.use_lo, nan)
        self.win_x = np.array([i.ph_min is not None or i.ph_max is not None for i in ings] + [False])
        self.win_lo_x = np.array([i.ph_min - 1e-9 if i.ph_min is not None else -np.inf
                                  for i in ings] + [-np.inf])
        self.win_hi_x = np.array([i.ph_max + 1e-9 if i.ph_max is not None else np.inf
                                  for i in ings] + [np.inf])
        self.phw = np.array([j for j, i in enumerate(ings)
                             if i.ph_min is not None or i.ph_max is not None], np.int64)
        self.phw_lo = np.array([ings[j].ph_min - 1e-9 if ings[j].ph_min is not None else -np.inf
                                for j in self.phw])
        self.phw_hi = np.array([ings[j].ph_max + 1e-9 if ings[j].ph_max is not None else np.inf
                                for j in self.phw])
        self.phw_keys = [("warning", "ph-window", f"catalog-{c}-ph", (i.inci,))
                         for c, i in zip(self.cols, ings, strict=True)]
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
        self.cost_col = self._weights(tuple((c, rs.ingredients[c].cost_per_kg)
                                            for c in self.cols), force=True)
        self.tag_cols = {t: self._weights(tuple((c, 1.0) for c in self.cols
                                                 if t in rs.ingredients[c].tags), force=True)
                         for t in sorted(rs.expr_tags)}
        self.tag_mem = {t: np.append(self._F[self.tag_cols[t]] != 0, False) for t in self.tag_cols}
        self.forbid = [np.array(sorted(self.col[i] for i in c.forbid), np.int64) for c in self.cons]
        self.forbid_x = []
        for f in self.forbid:
            x = np.zeros(m + 1, bool)
            x[f] = True
            self.forbid_x.append(x)
        self.tag_max = [[(np.array(sorted(self.col[i] for i in tm.members), np.int64),
                          self._weights(tuple((i, 1.0) for i in sorted(tm.members)), force=True),
                          tm.max + 1e-9) for tm in c.tag_max] for c in self.cons]
        self.big: dict[bytes, int] = {}
        self.plans = [self._plan(n, r) for n, r in enumerate(rs.rules)]
        self.F = (np.stack(self._F, axis=1) if self._F else np.zeros((m, 0)))
        self._applicable: dict[tuple[str, str, str], np.ndarray] = {}
        self.why: Counter[str] = Counter()  # rule id -> rows it sent to the engine (uncertain)

    # -- compile time -----------------------------------------------------------

    def _cols(self, ids: Iterable[str]) -> np.ndarray:
        return np.array(sorted(self.col[i] for i in ids), np.int64)

    def _weights(self, pairs: tuple[tuple[str, float], ...], force: bool = False) -> int | None:
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

    def _big(self, cols: np.ndarray) -> np.ndarray:
        """Register a large set of columns: its any-live test becomes a column of F."""
        if len(cols) > BIG and cols.tobytes() not in self.big:
            self.big[cols.tobytes()] = self._weights(tuple((self.cols[c], 1.0) for c in cols))
        return cols

    def _plan(self, n: int, r: Rule) -> dict:
        p: dict = {"n": n, "rule": r, "kind": r.kind, "trig": self._big(self._cols(r.triggers))}
        members = sorted(r.members)
        p["members"] = self._cols(members)
        if r.kind in ("max-concentration", "group-total", "min-concentration"):
            p["factors"] = np.array([r.members[i] for i in members])
            p["ones"] = bool(np.all(p["factors"] == 1.0))
            p["F"] = self._weights(tuple((i, r.members[i]) for i in members))
        elif r.kind == "requires":
            p["F"] = self._weights(tuple((i, 1.0) for i in members))
            p["then"] = self._big(self._cols(r.then))
        elif r.kind == "incompatible":
            p["first"], p["second"] = self._cols(r.first), self._cols(r.second)
            p["both"] = self._big(self._cols(r.first & r.second))
        elif r.kind == "declare":
            carriers = {}
            for i in members:
                via = [(c.id, frac) for c in self.rs.ingredients.values()
                       for cid, frac in c.contains if cid == i]
                if via:
                    carriers[self.col[i]] = (self._cols([c for c, _f in via]),
                                             np.array([f / 100.0 for _c, f in sorted(via)]))
            p["carriers"] = carriers
        elif r.kind == "expression":
            try:
                p["cel"] = _Cel(r.expr_text, self.rs, self.col)
            except Unsupported as exc:
                p["cel"] = None
                self.unsupported[r.id] = str(exc)
            except RecursionError:
                p["cel"] = None
                self.unsupported[r.id] = "too deeply nested"
        return p

    def applicable(self, products: list[tuple[str, str, str, str]]) -> np.ndarray:
        """bool (len(products), len(rules)): each rule's `when` for each product."""
        rows = []
        for prod in products:
            a = self._applicable.get(prod)
            if a is None:
                ok = self.rs.applicable(*prod)
                a = self._applicable[prod] = np.array(
                    [n in ok for n in range(len(self.rs.rules))], bool)
            rows.append(a)
        return np.array(rows, bool).reshape(len(products), len(self.rs.rules))

    # -- run time ---------------------------------------------------------------

    def run(self, designs: Designs, chunk: int | None = None, collect: bool = True,
            fallback: bool = True, progress: Callable[[int], None] | None = None) -> BulkResult:
        """Check every design; ``collect`` keeps the findings (else only the verdicts)."""
        if designs.rs is not self.rs and designs.cols != self.cols:
            raise ValueError("designs composed against another catalog")
        n = designs.n
        if chunk is None:
            chunk = max(256, min(CHUNK, CHUNK_CELLS // (self.m + 1)))
        valid = np.ones(n, bool)
        unsure = np.zeros(n, bool)
        res = BulkResult(designs, valid, np.zeros(0, np.int64))
        appl = self.applicable(designs.products)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            err, unc = self._chunk(designs, lo, hi, appl, res.blocks if collect else None)
            valid[lo:hi] = ~err & ~designs.pre_error[lo:hi]
            unsure[lo:hi] = unc
            if progress:
                progress(hi - lo)
        if designs.force is not None:
            unsure |= designs.force
        res.fallback = np.nonzero(unsure)[0]
        if fallback and len(res.fallback):
            from ..engine import check

            for i in res.fallback.tolist():
                rep = check(designs.formula(i), self.rs)
                valid[i] = rep.valid
                res.fallback_keys[i] = report_keys(rep)
        return res

    def _buffers(self, C: int) -> tuple[np.ndarray, np.ndarray]:
        got = self.__dict__.get("_bufs")
        if got is None or got[0].shape[0] < C:
            got = self._bufs = (np.zeros((C, self.m + 1)), np.zeros((C, self.m), order="F"))
        return got

    def _chunk(self, d: Designs, lo: int, hi: int, appl_prod: np.ndarray,
               blocks: list[Block] | None) -> tuple[np.ndarray, np.ndarray]:
        m, C = self.m, hi - lo
        r = np.arange(C)[:, None]
        pid, pv = d.pres_ids[lo:hi], d.pres_vals[lo:hi]
        # the dense matrix: scattered row by row into a C-order scratch, copied block by block
        # into a column-major one (a rule reads whole columns); both reused from chunk to chunk
        Pc, Pf = self._buffers(C)
        Pc[r, pid] = pv
        P = Pf[:C]
        for b in range(0, C, 1024):
            P[b:b + 1024] = Pc[b:min(b + 1024, C), :m]
        Pc[r, pid] = 0.0
        aid = d.add_ids[lo:hi]
        ent = (pv > 0) & (pid < m)  # the live entries of the sparse rows
        listcache: dict[int, np.ndarray] = {}

        def listed(c: int) -> np.ndarray:
            got = listcache.get(c)
            if got is None:
                got = listcache[c] = (pid == c).any(1)
            return got

        live = P > 0
        pidx = d.pidx[lo:hi]
        A = appl_prod.T[:, pidx]  # (R, C): row n is rule n's `when` for each design
        ph = d.ph[lo:hi]
        has_ph = ~np.isnan(ph)
        T = P @ self.F if self.F.shape[1] else np.zeros((C, 0))
        err = np.zeros(C, bool)
        unc = np.zeros(C, bool)

        def emit(mask: np.ndarray, severity: str, spec: tuple) -> None:
            nonlocal err
            if severity == "error":
                err |= mask
            if blocks is not None:
                rows = np.nonzero(mask)[0]
                if len(rows):
                    blocks.append((rows + lo, spec))

        def emit_pairs(rr: np.ndarray, cc: np.ndarray, severity: str, keys: list) -> None:
            if not len(rr):
                return
            if severity == "error":
                err[rr] = True
            if blocks is not None:
                blocks.append((rr + lo, ("col", keys, cc)))

        big = self.big

        def anylive(cols: np.ndarray) -> np.ndarray:
            if len(cols) == 1:
                return live[:, cols[0]]
            f = big.get(cols.tobytes()) if len(cols) > BIG else None
            if f is not None:  # a sum of values >= 0 is > 0 exactly when one of them is
                return T[:, f] > 0
            return live[:, cols].any(1)

        def count(cols: np.ndarray) -> np.ndarray:
            if len(cols) == 1:
                return live[:, cols[0]].astype(np.int32)
            return live[:, cols].sum(1)

        def total(p: dict) -> tuple[np.ndarray, bool]:
            if p["F"] is not None:
                return T[:, p["F"]], True
            c = p["members"]
            if len(p.get("factors", ())) and p["factors"][0] != 1.0:
                return P[:, c[0]] * p["factors"][0], False
            return P[:, c[0]], False

        why = self.why

        def band(mask: np.ndarray, value: np.ndarray, thr, cols: np.ndarray, ones: bool,
                 what: str = "") -> None:
            """Rows whose re-ordered sum is too close to ``thr`` to trust: to the engine.

            A sum of at most two nonzero terms each taken once (factor 1), or of
            a single nonzero term, is the same in any order: those rows are exact.
            """
            nonlocal unc
            u = mask & (np.abs(value - thr) <= REL * np.abs(value))
            if u.any():
                rows = np.nonzero(u)[0]
                n_terms = live[np.ix_(rows, cols)].sum(1)
                rows = rows[n_terms > (2 if ones else 1)]
                if len(rows):
                    unc[rows] = True
                    why[what or current] += len(rows)

        tagcache: dict[str, np.ndarray] = {}

        def tagsum(t: str) -> np.ndarray:
            v = tagcache.get(t)
            if v is None:
                v = tagcache[t] = T[:, self.tag_cols[t]]
            return v

        boundcache: dict[str, np.ndarray] = {}

        def tagbound(t: str) -> np.ndarray:
            b = boundcache.get(t)
            if b is None:
                several = (ent & self.tag_mem[t][pid]).sum(1) > 2  # two terms: same in any order
                b = boundcache[t] = np.where(several, REL * tagsum(t), 0.0)
            return b

        leave_on = np.array([p[0] == "leave-on" for p in d.products])[pidx]

        def declare_lim(rule: Rule) -> np.ndarray:
            lo_ = rule.leave_on + 1e-12 if rule.leave_on is not None else np.nan
            ro_ = rule.rinse_off + 1e-12 if rule.rinse_off is not None else np.nan
            return np.where(leave_on, lo_, ro_)

        env = None
        names = self.inci
        current = ""
        for p in self.plans:
            rule: Rule = p["rule"]
            kind = p["kind"]
            current = rule.id
            app = A[p["n"]]
            if not app.any():
                continue
            trig = anylive(p["trig"]) & app if len(p["trig"]) else app
            if rule.label_warning and len(p["trig"]):
                emit(trig, "info", ("dyn", _label_key(rule, self.col, names)))
            if not trig.any():
                continue
            sev = rule.severity
            if kind == "prohibited":
                code = "prohibited" if sev == "error" else CONDITION[sev]
                for c in p["members"]:
                    emit(live[:, c] & app, sev, ("const", (sev, code, rule.id, (names[c],))))
            elif kind in ("max-concentration", "group-total"):
                if rule.max is None:
                    continue
                tot, inexact = total(p)
                thr = rule.max + (1e-9 if rule.max_inclusive else -1e-9)
                over = (tot > thr) if rule.max_inclusive else (tot >= thr)
                emit(trig & over, sev, ("dyn", _live_key(sev, kind, rule.id, p["members"], names)))
                if inexact:
                    band(trig, tot, thr, p["members"], p["ones"])
            elif kind == "min-concentration":
                if rule.min is None:
                    continue
                tot, inexact = total(p)
                thr = rule.min - 1e-9
                emit(trig & (tot < thr), sev, ("dyn", _live_key(sev, kind, rule.id, p["members"], names)))
                if inexact:
                    band(trig, tot, thr, p["members"], p["ones"])
            elif kind == "declare":
                lim = declare_lim(rule)
                for c in p["members"]:
                    expo = P[:, c]
                    via = p["carriers"].get(int(c))
                    if via is not None:
                        expo = expo + P[:, via[0]] @ via[1]
                        band(trig, expo, lim, np.append(via[0], c), False)
                    emit(trig & (expo > lim), sev, ("const", (sev, "declare-allergen", rule.id,
                                                              (names[c],))))
            elif kind == "incompatible":
                a = count(p["first"])
                b = count(p["second"])
                fire = trig & (a > 0) & (b > 0)
                if len(p["both"]):
                    fire &= ~((a == 1) & (b == 1) & anylive(p["both"]))
                emit(fire, sev, ("dyn", _incompat_key(rule, self.col, names)))
            elif kind == "ph-window":
                lo_, hi_ = rule.min, rule.max
                out = np.zeros(C, bool)
                if lo_ is not None:
                    out |= ph < lo_ - 1e-9
                if hi_ is not None:
                    out |= ph > hi_ + 1e-9
                emit(trig & has_ph & out, sev, ("dyn", _live_key(sev, "ph-window", rule.id,
                                                                 p["members"], names)))
            elif kind == "requires":
                fire = trig
                if len(p["members"]):
                    tot, inexact = (T[:, p["F"]], True) if p["F"] is not None else (
                        P[:, p["members"][0]], False)
                    thr = rule.if_above + 1e-9
                    fire = fire & (tot > thr)
                    if inexact:
                        band(trig, tot, thr, p["members"], True)
                if len(p["then"]):
                    fire = fire & ~anylive(p["then"])
                emit(fire, sev, ("dyn", _live_key(sev, "requires", rule.id, p["members"], names)))
            elif kind == "expression":
                cel = p["cel"]
                if cel is None:
                    unc |= trig
                    why[rule.id] += int(trig.sum())
                    continue
                if env is None:
                    env = _Env(P, listed, np.where(has_ph, ph, 0.0), pidx, d.products, tagsum,
                               tagbound, np.zeros(C, bool))
                env.unc = np.zeros(C, bool)
                fires, u = cel.run(env)
                u = u & trig
                if u.any():
                    unc |= u
                    why[rule.id] += int(u.sum())
                emit(trig & fires, sev, ("dyn", _live_key(sev, rule.code or "expression", rule.id,
                                                          p["trig"], names)))
        # built-in checks, on the sparse rows: use ranges, catalog pH windows
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
                 "warning", ("dyn", _base_key(self.base_ph_keys)))
            av = d.add_vals[lo:hi]
            oil_add = self.oil[aid]
            tot_add = np.zeros(C)
            tot_oil = np.zeros(C)
            for k in range(aid.shape[1]):  # left to right, as the engine sums
                tot_add = tot_add + av[:, k]
                tot_oil = tot_oil + np.where(oil_add[:, k], av[:, k], 0.0)
            emit(with_base & (tot_add > self.cap[bidx]), "error",
                 ("dyn", _base_key(self.base_cap_keys)))
            any_oil = oil_add.any(1)
            no_room = with_base & any_oil & (self.cap_oil[bidx] <= 0)
            rr, kk = np.nonzero(oil_add & no_room[:, None])
            emit_pairs(rr, aid[rr, kk], "error", _solubility_key(self.bases, names))
            emit(with_base & any_oil & ~no_room & (tot_oil > self.cap_oil[bidx] + 1e-9), "error",
                 ("dyn", _oil_key(self.bases, names, self.oil)))
            dry = with_base & ~self.aqueous[bidx]
            if dry.any():
                wet = self.water[aid] & ~self.from_base[bidx[:, None], aid] & dry[:, None]
                rr, kk = np.nonzero(wet)
                emit_pairs(rr, aid[rr, kk], "error", _solubility_key(self.bases, names))
        # constraints
        cons = d.cons[lo:hi]
        if cons.any():
            known = d.known[lo:hi]
            cost = None
            for k, c in enumerate(self.cons):
                asked = cons[:, k]
                if not asked.any():
                    continue
                key_cols = [("error", "constraint", f"constraint-{c.id}", (nm,)) for nm in names]
                if len(self.forbid[k]):
                    rr, kk = np.nonzero(ent & self.forbid_x[k][pid] & asked[:, None])
                    emit_pairs(rr, pid[rr, kk], "error", key_cols)
                for cols, fcol, thr in self.tag_max[k]:
                    tot = T[:, fcol]
                    emit(asked & (tot > thr), "error",
                         ("dyn", _present_order_key(c.id, cols, names)))
                    band(asked, tot, thr, cols, True, f"constraint-{c.id}")
                if c.max_cost_per_kg is not None:
                    if cost is None:
                        cost = T[:, self.cost_col] / 100
                    thr = c.max_cost_per_kg + 1e-9
                    emit(asked & known & (cost > thr), "error",
                         ("const", ("error", "constraint", f"constraint-{c.id}", ())))
                    band(asked & known, cost, thr, self.all_cols, False, f"constraint-{c.id}")
        return err, unc


def _ind(m: int, cols: np.ndarray) -> np.ndarray:
    v = np.zeros(m, np.float32)
    v[cols] = 1
    return v


# key builders: each names a finding's ingredients as the engine does


def _live_key(sev: str, code: str, rid: str, cols: np.ndarray, names: list[str]):
    cl = cols.tolist()  # sorted columns = sorted ids
    pos = {c: i for i, c in enumerate(cl)}
    if len(pos) < len(cl):  # a column twice: keep the plain walk, which repeats it
        pos = {}

    def key(row: _Row) -> Key:
        live = row.live
        if pos and len(live) < len(cl):  # a tag group of thousands: walk the few live columns
            return (sev, code, rid, tuple(names[c] for c in sorted(
                [c for c in live if c in pos], key=pos.__getitem__)))
        return (sev, code, rid, tuple(names[c] for c in cl if c in live))
    return key


def _incompat_key(rule: Rule, col: dict[str, int], names: list[str]):
    first = sorted(col[i] for i in rule.first)
    second = sorted(col[i] for i in rule.second)

    def key(row: _Row) -> Key:
        a = [names[c] for c in first if c in row.live]
        b = [names[c] for c in second if c in row.live]
        return (rule.severity, "incompatible", rule.id, tuple(dict.fromkeys(a + b)))
    return key


def _label_key(rule: Rule, col: dict[str, int], names: list[str]):
    members = [col[i] for i in rule.members]  # the rule's own order

    def key(row: _Row) -> Key:
        return ("info", "label-warning", rule.id,
                tuple(names[c] for c in members if c in row.listed))
    return key


def _base_key(keys: list[Key]):
    def key(row: _Row) -> Key:
        return keys[row.base]
    return key


def _oil_key(bases, names, oil):
    def key(row: _Row) -> Key:
        return ("error", "base-capacity", f"base-{bases[row.base].id}-oil",
                tuple(names[c] for c in row.added if oil[c]))
    return key


def _solubility_key(bases, names):
    def key(row: _Row, c: int) -> Key:
        return ("error", "solubility", f"base-{bases[row.base].id}", (names[c],))
    return key


def _present_order_key(cid: str, cols: np.ndarray, names: list[str]):
    members = set(cols.tolist())

    def key(row: _Row) -> Key:
        return ("error", "constraint", f"constraint-{cid}",
                tuple(names[c] for c in row.order if c in members and c in row.live))
    return key


def bulk_check(formulas: Sequence[Formula], rs: RuleSet, **kw) -> BulkResult:
    """Compose and check many formulas: the per-formula engine's findings, in bulk."""
    return BulkChecker(rs).run(compose_formulas(formulas, rs), **kw)


def same(a: list[Key], b: list[Key]) -> bool:
    return Counter(a) == Counter(b)
