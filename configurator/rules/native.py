"""The engine's evaluator of expressions: the syntax tree compiled into Python closures.

R&D writes `expression` rules in a subset of CEL (rules/README.md);
:mod:`configurator.rules.expr` reads the text into a frozen tree once, and this
module compiles the tree into a tree of closures that reads the check's own
data. No Python source is ever built or evaluated: the closures are fixed
functions of this module. Handing a formula to the CEL runtime would cost more
than the rest of a check.

The engine's subset: double literals (``1.0``, ``0.4860``, ``2e-3``), string and
boolean literals, lists of strings, ``pct["INCI"]``, ``tag["tag"]``,
``"INCI" in pct``, ``ph``, ``application``, ``area``, ``form``, ``x in [..]``,
``+ - * /``, unary ``-`` and ``!``, the six comparisons, ``&&``, ``||``,
``c ? a : b`` and parentheses. Anything else (integer literals, whose CEL
semantics differ from doubles', macros, functions…) raises :class:`Unsupported`
and the rule keeps its CEL program.

The result is CEL's, error values included: ``pct["X"]`` for an absent X is
an error; ``&&`` and ``||`` absorb an error when the other side decides
(``false && error`` is false, ``true || error`` is true, either order); any
other use of an error is an error; a rule fires only on ``true``.
``tests/rules/test_native_expr.py`` checks this against the CEL runtime on
every shipped expression and on generated ones.

:func:`never_fires` is the loader's lint: the same compiler, lenient (integers,
string order and type errors allowed, a type error an always-error node),
evaluated once against a sample formula naming everything the expression reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import expr as E
from .expr import Unsupported, product_guard

__all__ = ["ERR", "CelProgram", "Unsupported", "compile_native", "compile_tree", "never_fires",
           "product_guard", "programs"]

ERR = object()  # CEL's error value
Fn = Callable[[Any], Any]  # env -> value or ERR


class _Compiler:
    """Each node becomes (function, type); ``lenient`` is the lint's reading (see module)."""

    def __init__(self, names: Mapping[str, str], lenient: bool = False):
        self.names = names  # INCI as written -> ingredient id
        self.lenient = lenient
        self.errors: list[str] = []  # type errors met (lenient only)

    def fail(self, why: str, typ: str = "dyn"):
        """Outside the engine's subset; for the lint, a node that is always an error."""
        if not self.lenient:
            raise Unsupported(why)
        self.errors.append(why)
        return _const(ERR), typ

    def node(self, n):  # noqa: C901 (one branch per node type)
        if isinstance(n, E.Group):
            return self.node(n.inner)
        if isinstance(n, E.Num):
            if isinstance(n.value, int):
                if not self.lenient:
                    raise Unsupported("integer literal")  # CEL ints do not mix with doubles
                return _const(n.value), "int"
            return _const(n.value), "double"
        if isinstance(n, E.Str):
            return _const(n.value), "string"
        if isinstance(n, E.Bool):
            return _const(n.value), "bool"
        if isinstance(n, E.List):
            if not all(isinstance(x, E.Str) for x in n.items) and not self.lenient:
                raise Unsupported("only lists of strings")
            return _const(frozenset(getattr(x, "value", None) for x in n.items)), "list"
        if isinstance(n, E.Name):
            if n.name == "ph":
                return (lambda env: env.ph if env.ph is not None else 0.0), "double"
            if n.name in E.PRODUCT_NAMES:
                return (lambda env, a=n.name: getattr(env, a)), "string"
            return self.fail(f"`{n.name}` alone is a map, not a value", "map")
        if isinstance(n, E.Index):
            return self.index(n)
        if isinstance(n, E.Unary):
            fn, typ = self.node(n.operand)
            if n.op == "!":
                if typ != "bool":
                    return self.fail(f"! needs a boolean, not a {typ}", "bool")
                return (lambda env: ERR if (v := fn(env)) is ERR else not v), "bool"
            if typ not in ("double", "int") or (typ == "int" and not self.lenient):
                return self.fail(f"- needs a number, not a {typ}", "double")
            return (lambda env: ERR if (v := fn(env)) is ERR else -v), typ
        if isinstance(n, E.Cond):
            c, tc = self.node(n.test)
            fa, ta = self.node(n.then)
            fb, tb = self.node(n.other)
            if tc != "bool":
                return self.fail(f"the condition of ?: is a {tc}", ta)
            if ta != tb and not self.lenient:
                raise Unsupported("ternary types")

            def tern(env):
                v = c(env)
                if v is ERR:
                    return ERR
                return fa(env) if v else fb(env)
            return tern, ta if ta == tb else "dyn"
        return self.binary(n)

    def index(self, n: E.Index):
        target, key = E.unwrap(n.target), E.unwrap(n.key)
        if not (isinstance(target, E.Name) and target.name in ("pct", "tag")):
            return self.fail("only pct[...] and tag[...] are indexed", "double")
        if not isinstance(key, E.Str):
            return self.fail("pct[...] and tag[...] need a string literal", "double")
        if target.name == "tag":
            k = key.value
            return (lambda env: env.tag_total(k)), "double"
        iid = self.iid(key.value)

        def pct(env):
            v = env.present.get(iid)
            return ERR if v is None else v
        pct.iid = iid  # type: ignore[attr-defined]
        return pct, "double"

    def binary(self, n: E.Binary):
        op = n.op
        if op == "in":
            return self.member(n)
        a, ta = self.node(n.left)
        b, tb = self.node(n.right)
        if op in ("&&", "||"):
            if ta != "bool" or tb != "bool":
                if not self.lenient:
                    raise Unsupported(f"{op} needs bool operands")
                self.errors.append(f"{op} of a {ta if ta != 'bool' else tb}")
                a = a if ta == "bool" else _const(ERR)  # a non-boolean operand is an error
                b = b if tb == "bool" else _const(ERR)
            return _logic(a, b, op == "||"), "bool"
        if op in _ARITH:
            if ta == tb and ta in ("double", "int") and (ta == "double" or self.lenient):
                return _strict(_ARITH[op], a, b), ta
            return self.fail(f"`{op}` of {_a(ta)} and {_a(tb)} is an error in CEL (no conversion)",
                             "double")
        # comparisons
        numbers = ("double", "int")
        if ta in numbers and tb in numbers:
            if (ta != tb or ta == "int") and not self.lenient:
                raise Unsupported("comparison types")
        elif ta != tb or ta not in ("string", "bool"):
            if not self.lenient:
                raise Unsupported("comparison types")
            return _const(op == "!=" if op in ("==", "!=") else ERR), "bool"
        elif op not in ("==", "!=") and not self.lenient:
            raise Unsupported("ordering of non-numbers")
        return _cmp(_CMP[op], a, b), "bool"

    def member(self, n: E.Binary):
        left, right = E.unwrap(n.left), E.unwrap(n.right)
        if isinstance(right, E.Name) and right.name in ("pct", "tag"):
            if not isinstance(left, E.Str):
                return self.fail(f"`in {right.name}` needs a string literal", "bool")
            if right.name == "tag":
                if not self.lenient:
                    raise Unsupported("`in tag`")
                return _const(True), "bool"
            iid = self.iid(left.value)
            return (lambda env: iid in env.present), "bool"
        fl, tl = self.node(n.left)
        fr, tr = self.node(n.right)
        if tr != "list" or (tl != "string" and not self.lenient):
            return self.fail("`in` needs a list", "bool")
        values = fr(None)

        def member(env):
            v = fl(env)
            return ERR if v is ERR else v in values
        return member, "bool"

    def iid(self, inci: str) -> str:
        iid = self.names.get(inci)
        if iid is None:
            if self.lenient:
                return inci  # the lint's sample formula lists it under its own name
            raise Unsupported(f"pct key {inci!r} is not a catalog INCI name")
        return iid


def _a(typ: str) -> str:
    return ("an " if typ[0] in "aeiou" else "a ") + typ


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
    if c is not None and c is not ERR:  # x <op> literal: one call fewer
        def const_cmp(env):
            x = a(env)
            return ERR if x is ERR else op(x, c)
        return const_cmp
    return _strict(op, a, b)


def _div(x: float, y: float) -> float:
    if isinstance(x, int) and isinstance(y, int):  # (the lint's integers)
        return ERR if y == 0 else int(x / y)
    if y == 0.0:  # IEEE 754, as CEL's doubles
        return float("nan") if x == 0.0 or x != x else (float("inf") if x > 0 else float("-inf"))
    return x / y


_ARITH = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": _div}


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


def compile_tree(tree: E.Node, names: Mapping[str, str]) -> Fn:
    """A function ``env -> True | False | ERR`` for the tree, or :class:`Unsupported`.

    ``names`` maps the INCI names as written in ``pct[...]`` to ingredient ids.
    ``env`` offers ``present`` (id -> %), ``tag_total(tag)``, ``ph`` (None
    reads as 0.0, as in the CEL context), ``application``, ``area``, ``form``.
    """
    try:
        fn, typ = _Compiler(names).node(tree)
    except RecursionError:
        raise Unsupported("too deeply nested") from None
    if typ != "bool":
        raise Unsupported("not a boolean expression")
    return fn


def compile_native(text: str, names: Mapping[str, str]) -> Fn:
    """:func:`compile_tree` of the text's tree."""
    return compile_tree(E.parse(text), names)


class CelProgram:
    """The CEL library's program for an expression, compiled on first use: the reference
    the tests compare the evaluators against (the engine runs it only for a text its own
    evaluator does not take)."""

    __slots__ = ("text", "_program")

    def __init__(self, text: str, program: Any = None):
        self.text, self._program = text, program

    def execute(self, context: Any) -> Any:
        if self._program is None:
            import cel

            self._program = cel.compile(self.text)
        return self._program.execute(context)


def programs(text: str, names: Mapping[str, str]) -> tuple[CelProgram, Fn | None]:
    """(CEL program, native closures or None) for a rule's text; raises the CEL compiler's
    error on a text that is not CEL at all. Inside the language the CEL program is
    compiled only when used (the engine needs it only where ``native`` is None)."""
    try:
        tree = E.parse(text)
    except Unsupported:
        import cel

        return CelProgram(text, cel.compile(text)), None
    try:
        return CelProgram(text), compile_tree(tree, names)
    except Unsupported:
        import cel

        return CelProgram(text, cel.compile(text)), None


class _Sample:
    """The lint's formula: every name the expression reads is there, each at its own %."""

    def __init__(self, refs: E.Refs):
        self.present = {k: 1.0 + 0.37 * n for n, k in enumerate(sorted(set(refs.pcts)))}
        self.tags = {k: 2.0 + 0.53 * n for n, k in enumerate(sorted(set(refs.tags)))}
        self.ph, self.application, self.area, self.form = 5.5, "leave-on", "face", "cream"

    def tag_total(self, tag: str):
        return self.tags.get(tag, 1.0)


def never_fires(text: str) -> str | None:
    """Why an expression of the language can never fire (a type error, or not a condition:
    it is false or an error on every formula), or None. Evaluated once against a sample
    formula that lists every ingredient and tag it names; a text outside the language is
    the CEL library's to judge (None)."""
    try:
        tree = E.parse(text)
    except Unsupported:
        return None
    comp = _Compiler({}, lenient=True)
    try:
        fn, typ = comp.node(tree)
    except RecursionError:
        return None
    if typ not in ("bool", "dyn"):
        return f"it is a {typ}, not a condition (a rule fires only on true)"
    got = fn(_Sample(E.references(text)))
    if got is ERR and comp.errors:
        return comp.errors[0]
    if got is not ERR and not isinstance(got, bool):
        return f"it gives {got!r}, not true or false"
    return None
