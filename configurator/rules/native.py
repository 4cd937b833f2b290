"""Expression rules in plain Python: the common CEL shapes, compiled once at load.

R&D writes `expression` rules in CEL (rules/README.md). Handing a formula to
the CEL runtime costs more than the rest of a check, so the loader also
compiles each expression, when it is in the subset below, into a tree of
Python closures that reads the check's own data. No Python source is ever
built or evaluated: the closures are fixed functions of this module,
combined by a small parser.

The subset: double literals (``1.0``, ``0.4860``, ``2e-3``), string and
boolean literals, lists of strings, ``pct["INCI"]``, ``tag["tag"]``,
``"INCI" in pct``, ``ph``, ``application``, ``area``, ``form``, ``x in [..]``,
``+ - * /``, unary ``-`` and ``!``, the six comparisons, ``&&``, ``||``,
``c ? a : b`` and parentheses. Anything else (integer literals, macros,
functions…) raises :class:`Unsupported` and the rule keeps its CEL program.

The result is CEL's, error values included: ``pct["X"]`` for an absent X is
an error; ``&&`` and ``||`` absorb an error when the other side decides
(``false && error`` is false, ``true || error`` is true, either order); any
other use of an error is an error; a rule fires only on ``true``.
``tests/rules/test_native_expr.py`` checks this against the CEL runtime on
every shipped expression and on generated ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

ERR = object()  # CEL's error value
Fn = Callable[[Any], Any]  # env -> value or ERR


class Unsupported(Exception):
    """The expression is outside the native subset (it stays with CEL)."""


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)
    | (?P<str>"[^"\\]*")
    | (?P<op>&&|\|\||==|!=|>=|<=|[-+*/!<>?:()\[\],])
    | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
    )""", re.VERBOSE)

_NAMES = ("ph", "application", "area", "form")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos, text = [], 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class _Parser:
    """Precedence climbing over CEL's grammar; every node is (function, type)."""

    def __init__(self, text: str, names: Mapping[str, str]):
        self.toks = _tokens(text)
        self.i = 0
        self.names = names  # INCI as written -> ingredient id

    # -- token helpers
    def peek(self, value: str | None = None) -> bool:
        if self.i >= len(self.toks):
            return False
        return value is None or self.toks[self.i][1] == value

    def take(self, value: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks) or (value is not None and self.toks[self.i][1] != value):
            raise Unsupported(f"expected {value!r}")
        self.i += 1
        return self.toks[self.i - 1]

    def parse(self) -> Fn:
        fn, typ = self.ternary()
        if self.i != len(self.toks) or typ != "bool":
            raise Unsupported("not a boolean expression")
        return fn

    # -- grammar
    def ternary(self):
        cond = self.or_()
        if not self.peek("?"):
            return cond
        self.take("?")
        a = self.ternary()
        self.take(":")
        b = self.ternary()
        if cond[1] != "bool" or a[1] != b[1]:
            raise Unsupported("ternary types")
        c, fa, fb = cond[0], a[0], b[0]

        def tern(env):
            v = c(env)
            if v is ERR:
                return ERR
            return fa(env) if v else fb(env)
        return tern, a[1]

    def or_(self):
        return self._chain(("||",), self.and_, "bool", lambda _op, a, b: _or(a, b))

    def and_(self):
        return self._chain(("&&",), self.rel, "bool", lambda _op, a, b: _and(a, b))

    def rel(self):
        left = self.add()
        if self.i < len(self.toks) and self.toks[self.i][1] in _CMP:
            op = self.take()[1]
            right = self.add()
            if left[1] != right[1] or left[1] not in ("double", "string", "bool"):
                raise Unsupported("comparison types")
            if left[1] != "double" and op not in ("==", "!="):
                raise Unsupported("ordering of non-numbers")
            return _cmp(_CMP[op], left[0], right[0]), "bool"
        if self.peek("in"):
            self.take()
            if self.peek("pct"):
                self.take()
                if left[1] != "string" or not getattr(left[0], "const", None):
                    raise Unsupported("`in pct` needs a string literal")
                iid = self._iid(left[0].const)
                return (lambda env: iid in env.present), "bool"
            right = self.add()
            if right[1] != "list" or left[1] != "string":
                raise Unsupported("`in` needs a list of strings")
            values, fl = right[0].const, left[0]

            def member(env):
                v = fl(env)
                return ERR if v is ERR else v in values
            return member, "bool"
        return left

    def add(self):
        return self._chain(("+", "-"), self.mul, "double", _arith)

    def mul(self):
        return self._chain(("*", "/"), self.unary, "double", _arith)

    def _chain(self, ops: tuple[str, ...], operand, typ: str, node):
        """A left-associative chain of ``ops`` between operands of type ``typ``."""
        left = operand()
        while any(self.peek(op) for op in ops):
            op = self.take()[1]
            right = operand()
            if left[1] != typ or right[1] != typ:
                raise Unsupported(f"{op} needs {typ} operands")
            left = (node(op, left[0], right[0]), typ)
        return left

    def unary(self):
        if self.peek("!"):
            self.take()
            fn, typ = self.unary()
            if typ != "bool":
                raise Unsupported("! needs a boolean")
            return (lambda env: ERR if (v := fn(env)) is ERR else not v), "bool"
        if self.peek("-"):
            self.take()
            fn, typ = self.unary()
            if typ != "double":
                raise Unsupported("- needs a double")
            return (lambda env: ERR if (v := fn(env)) is ERR else -v), "double"
        return self.primary()

    def primary(self):
        if self.i >= len(self.toks):
            raise Unsupported("unexpected end")
        kind, val = self.take()
        if kind == "num":
            if not any(c in val for c in ".eE"):
                raise Unsupported("integer literal")  # CEL ints do not mix with doubles
            return _const(float(val)), "double"
        if kind == "str":
            return _const(val[1:-1]), "string"
        if val == "(":
            node = self.ternary()
            self.take(")")
            return node
        if val == "[":
            items = []
            while not self.peek("]"):
                k, v = self.take()
                if k != "str":
                    raise Unsupported("only lists of strings")
                items.append(v[1:-1])
                if not self.peek("]"):
                    self.take(",")
            self.take("]")
            return _const(frozenset(items)), "list"
        if kind != "name":
            raise Unsupported(f"unexpected {val!r}")
        if val in ("true", "false"):
            return _const(val == "true"), "bool"
        if val in ("pct", "tag"):
            self.take("[")
            k, key = self.take()
            self.take("]")
            if k != "str":
                raise Unsupported("pct[...] and tag[...] need a string literal")
            key = key[1:-1]
            if val == "pct":
                iid = self._iid(key)

                def pct(env):
                    v = env.present.get(iid)
                    return ERR if v is None else v
                pct.iid = iid  # type: ignore[attr-defined]
                return pct, "double"
            return (lambda env: env.tag_total(key)), "double"
        if val == "ph":
            return (lambda env: env.ph if env.ph is not None else 0.0), "double"
        if val in ("application", "area", "form"):
            return (lambda env, a=val: getattr(env, a)), "string"
        raise Unsupported(f"unknown name {val!r}")

    def _iid(self, inci: str) -> str:
        iid = self.names.get(inci)
        if iid is None:
            raise Unsupported(f"pct key {inci!r} is not a catalog INCI name")
        return iid


def _const(v):
    def const(_env):
        return v
    const.const = v  # type: ignore[attr-defined]
    return const


def _logic(a: Fn, b: Fn, decisive: bool) -> Fn:
    """``&&`` (``decisive`` False) or ``||`` (True): either side's decisive value wins,
    even over an error on the other side; otherwise an error stays an error."""
    def logic(env):
        x = a(env)
        if x is decisive:
            return decisive
        y = b(env)
        if y is decisive:
            return decisive
        return ERR if x is ERR or y is ERR else not decisive
    return logic


def _and(a: Fn, b: Fn) -> Fn:
    return _logic(a, b, False)


def _or(a: Fn, b: Fn) -> Fn:
    return _logic(a, b, True)


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    """An ordering: CEL's runtime has no order for NaN and answers an error."""
    def cmp(x, y):
        if x != x or y != y:
            return ERR
        return op(x, y)
    return cmp


_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda x, y: x == y, "!=": lambda x, y: x != y,
    "<": _ordered(lambda x, y: x < y), "<=": _ordered(lambda x, y: x <= y),
    ">": _ordered(lambda x, y: x > y), ">=": _ordered(lambda x, y: x >= y),
}


def _cmp(op, a: Fn, b: Fn) -> Fn:
    iid, c = getattr(a, "iid", None), getattr(b, "const", None)
    if iid is not None and isinstance(c, float):  # pct["X"] <op> 1.0: one call, not three
        def pct_cmp(env):
            v = env.present.get(iid)
            return ERR if v is None else op(v, c)
        return pct_cmp
    if c is not None:  # x <op> literal: one call fewer
        def const_cmp(env):
            x = a(env)
            return ERR if x is ERR else op(x, c)
        return const_cmp

    return _strict(op, a, b)


def _div(x: float, y: float) -> float:
    if y == 0.0:  # IEEE 754, as CEL's doubles
        return float("nan") if x == 0.0 or x != x else (float("inf") if x > 0 else float("-inf"))
    return x / y


_ARITH = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": _div}


def _arith(op: str, a: Fn, b: Fn) -> Fn:
    return _strict(_ARITH[op], a, b)


def _strict(f: Callable[[Any, Any], Any], a: Fn, b: Fn) -> Fn:
    """``f(a, b)``, CEL's error value when either side is one."""
    def strict(env):
        x = a(env)
        if x is ERR:
            return ERR
        y = b(env)
        if y is ERR:
            return ERR
        return f(x, y)
    return strict


def compile_native(text: str, names: Mapping[str, str]) -> Fn:
    """A function ``env -> True | False | ERR`` for ``text``, or :class:`Unsupported`.

    ``names`` maps the INCI names as written in ``pct[...]`` to ingredient ids.
    ``env`` offers ``present`` (id -> %), ``tag_total(tag)``, ``ph`` (None
    reads as 0.0, as in the CEL context), ``application``, ``area``, ``form``.
    """
    return _Parser(text, names).parse()


def product_guard(text: str) -> dict[str, frozenset[str]]:
    """What the product must be for ``text`` to have any chance of being true.

    Read from the top-level conjuncts that test the product alone:
    ``application == "leave-on"``, ``"cream" == form``, ``area in ["face", "eye"]``.
    ``{"form": {"sunscreen"}}`` means: for any other form the expression is
    false whatever the formula, since CEL's ``false && x`` is false even when
    ``x`` is an error. Empty when there is no such conjunct or when a
    top-level ``||`` or ``?:`` makes the reading unsafe; never raises.
    """
    try:
        toks = _tokens(text)
    except Unsupported:
        return {}
    parts: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for kind, value in toks:
        if value in ("(", "["):
            depth += 1
        elif value in (")", "]"):
            depth -= 1
        elif depth == 0 and kind == "op" and value in ("||", "?", ":"):
            return {}
        if depth == 0 and value == "&&":
            parts.append([])
        else:
            parts[-1].append((kind, value))
    out: dict[str, frozenset[str]] = {}
    for part in parts:
        vals = [v for _k, v in part]
        if (len(part) == 3 and vals[1] == "==" and part[0][0] == "name" and vals[0] in _NAMES[1:]
                and part[2][0] == "str"):
            name, allowed = vals[0], {vals[2][1:-1]}
        elif (len(part) == 3 and vals[1] == "==" and part[2][0] == "name"
              and vals[2] in _NAMES[1:] and part[0][0] == "str"):
            name, allowed = vals[2], {vals[0][1:-1]}
        elif (len(part) >= 5 and part[0][0] == "name" and vals[0] in _NAMES[1:]
              and vals[1] == "in" and vals[2] == "[" and vals[-1] == "]"
              and all(k == "str" for k, _v in part[3:-1:2])
              and all(v == "," for v in vals[4:-1:2]) and len(part) % 2 == 1):
            name, allowed = vals[0], {v[1:-1] for v in vals[3:-1:2]}
        else:
            continue
        out[name] = out.get(name, frozenset(allowed)) & allowed
    return out
