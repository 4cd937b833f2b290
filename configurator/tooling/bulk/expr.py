"""Expressions over a chunk of designs: the syntax tree (configurator/rules/expr.py)
compiled into numpy.

CEL semantics are CEL's as the ``cel`` runtime implements them: ``pct["X"]``
for an X the formula does not list is an error; ``&&``/``||`` absorb an error
when the other side decides (in either order); a ternary evaluates only the
branch taken; comparisons mix int and double; arithmetic does not (an
expression doing that is left to the engine); a rule fires only on ``true``.
A value carries its error mask and, for a sum re-ordered by the matrix product
(a ``tag[..]``), a bound on how far it may be from the engine's: a comparison
that close to its threshold makes the row uncertain (the engine decides it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...rules import expr as E
from ...rules.expr import Unsupported
from ...rules.model import RuleSet

__all__ = ["Env", "Program", "Unsupported"]


@dataclass
class Env:
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


class Program:
    """An expression's syntax tree (configurator/rules/expr.py) compiled into numpy over a
    chunk of designs (see the package docstring); :class:`Unsupported` outside the subset."""

    def __init__(self, text: str, rs: RuleSet, col: dict[str, int]):
        self.rs = rs
        self.exact = {rs.ingredients[i].inci: col[i] for i in rs.expr_names}
        self.tags = rs.expr_tags
        try:
            self.fn, kind = self.compile(E.parse(text))
        except RecursionError:
            raise Unsupported("too deeply nested") from None
        self.boolean = kind == "b"

    # each compile returns (fn(env) -> value, kind)
    def compile(self, t):  # noqa: C901 (one branch per node type)
        if isinstance(t, E.Group):
            return self.compile(t.inner)
        if isinstance(t, E.Bool):
            v = t.value
            return (lambda env: ("b", v, False)), "b"
        if isinstance(t, E.Num):
            v = t.value
            if isinstance(v, int):
                return (lambda env: ("i", v)), "i"
            return (lambda env: ("d", v, 0.0, False)), "d"
        if isinstance(t, E.Str):
            v = t.value
            return (lambda env: ("s", v)), "s"
        if isinstance(t, E.List):
            items = [E.unwrap(x) for x in t.items]
            if not all(isinstance(x, E.Str) for x in items):
                raise Unsupported("a list of anything but strings")
            v = tuple(x.value for x in items)
            return (lambda env: ("l", v)), "l"
        if isinstance(t, E.Name):
            name = t.name
            if name in ("pct", "tag"):
                return (lambda env: ("map", name)), "map"
            if name == "ph":
                return (lambda env: ("d", env.ph0, 0.0, False)), "d"
            k = E.PRODUCT_NAMES.index(name)
            return (lambda env: ("s", np.array([p[k] for p in env.products], dtype=object))), "s"
        if isinstance(t, E.Index):
            base, key = E.unwrap(t.target), E.unwrap(t.key)
            if not (isinstance(base, E.Name) and base.name in ("pct", "tag")) \
                    or not isinstance(key, E.Str):
                raise Unsupported("an index other than pct[\"…\"] or tag[\"…\"]")
            k = key.value
            if base.name == "pct":
                c = self.exact.get(k)
                if c is None:
                    return (lambda env: ("d", 0.0, 0.0, True)), "d"
                return (lambda env: ("d", env.P[:, c], 0.0, ~env.listed(c))), "d"
            if k not in self.tags:
                return (lambda env: ("d", 0.0, 0.0, True)), "d"
            return (lambda env: ("d", env.tagsum(k), env.tagbound(k), False)), "d"
        if isinstance(t, E.Unary):
            f, kind = self.compile(t.operand)
            if t.op == "-":
                if kind == "i":
                    return (lambda env: ("i", -f(env)[1])), "i"
                if kind != "d":
                    raise Unsupported("minus of a non-number")
                return (lambda env: _neg(f(env))), "d"
            if kind != "b":
                raise Unsupported("! of a non-bool")
            return (lambda env: _not(f(env))), "b"
        if isinstance(t, E.Cond):
            fc, kc = self.compile(t.test)
            fa, ka = self.compile(t.then)
            fb, kb = self.compile(t.other)
            if kc != "b" or ka != kb or ka not in ("b", "d"):
                raise Unsupported("ternary shape")
            return (lambda env: _cond(fc(env), fa(env), fb(env))), ka
        op = t.op
        if op == "in":
            left, right = E.unwrap(t.left), E.unwrap(t.right)
            if isinstance(left, E.Str) and isinstance(right, E.Name) and right.name == "pct":
                c = self.exact.get(left.value)
                if c is None:
                    return (lambda env: ("b", False, False)), "b"
                return (lambda env: ("b", env.listed(c), False)), "b"
            if isinstance(left, E.Str) and isinstance(right, E.Name) and right.name == "tag":
                v = left.value in self.tags
                return (lambda env: ("b", v, False)), "b"
        fa, ka = self.compile(t.left)
        fb, kb = self.compile(t.right)
        if op in ("&&", "||"):
            if ka != "b" or kb != "b":
                raise Unsupported("logic on non-bools")
            g = _and if op == "&&" else _or
            return (lambda env: g(fa(env), fb(env))), "b"
        if op == "in":
            if ka == "s" and kb == "l":
                return (lambda env: _str_in(env, fa(env)[1], fb(env)[1])), "b"
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

    def run(self, env: Env) -> tuple[np.ndarray, np.ndarray]:
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
