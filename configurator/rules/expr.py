"""The expression language of `expression` rules: one parser, one frozen syntax tree.

R&D writes an ``expr`` in a subset of CEL (rules/README.md, "expression"). This
module reads it once into a tree of frozen nodes; everything else works from
that tree and never from the text:

* the engine's evaluator (:mod:`configurator.rules.native`: Python closures);
* the bulk checker's numpy evaluator (``configurator.tooling.bulk.expr``);
* :func:`product_guard` (which products an expression can fire for at all);
* the loader's checks: the tags and INCI names an expression reads
  (:func:`references`) and the one evaluation against a sample formula that
  finds an expression that can never fire (``native.never_fires``).

The grammar is CEL's, for: number literals (``1.0``, ``.5``, ``2e-3``, and
integers ``2``), string literals in double or single quotes, ``true``,
``false``, lists ``[..]``, the names ``pct``, ``tag``, ``ph``, ``application``,
``area``, ``form``, indexing ``x[..]``, unary ``!`` and ``-``, ``* /``, ``+ -``,
the six comparisons and ``in``, ``&&``, ``||``, ``c ? a : b`` and parentheses
(kept as :class:`Group` nodes: :func:`product_guard` reads only what is
written at the top level). Anything else (macros, functions, field selection)
raises :class:`Unsupported`; such an expression is run by the CEL library
(the reference the tests compare every evaluator against).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple


class Unsupported(Exception):
    """The text is outside the expression language (or not an expression at all)."""


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Num:
    value: float | int  # an int for an integer literal (CEL's int: it does not mix in arithmetic)


@dataclass(frozen=True, slots=True)
class Str:
    value: str


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool


@dataclass(frozen=True, slots=True)
class List:
    items: tuple  # of nodes


@dataclass(frozen=True, slots=True)
class Name:
    name: str  # one of NAMES


@dataclass(frozen=True, slots=True)
class Index:
    target: object  # a node (pct, tag)
    key: object  # a node (a string literal, for the language's two maps)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "!" or "-"
    operand: object


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # || && == != < <= > >= in + - * /
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Cond:
    test: object
    then: object
    other: object


@dataclass(frozen=True, slots=True)
class Group:
    """``( inner )`` as written."""

    inner: object


Node = Num | Str | Bool | List | Name | Index | Unary | Binary | Cond | Group
NAMES = ("pct", "tag", "ph", "application", "area", "form")
PRODUCT_NAMES = ("application", "area", "form")  # the strings that describe the product


# --------------------------------------------------------------------------- reading

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+\.\d+(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+(?![\w.]))
  | (?P<str>"[^"\\\n]*"|'[^'\\\n]*')
  | (?P<op>&&|\|\||==|!=|>=|<=|[-+*/!<>?:()\[\],.])
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  )""", re.VERBOSE)


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: num, str, op, name; :class:`Unsupported` on a character none reads."""
    out, pos, text = [], 0, text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:pos + 10]!r}")
        pos = m.end()
        out.append((m.lastgroup, m.group(m.lastgroup)))
    return out


_LEVELS = (("||",), ("&&",), ("==", "!=", "<", "<=", ">", ">=", "in"), ("+", "-"), ("*", "/"))


class _Parser:
    """CEL's precedence, left-associative binary levels."""

    def __init__(self, text: str):
        self.t = [*tokens(text), ("end", "")]
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.t[self.i]

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.t[self.i]
        if tok[0] == "end" or (value is not None and tok[1] != value):
            raise Unsupported(f"expected {value!r}" if value else "unexpected end")
        self.i += 1
        return tok

    def parse(self):
        e = self.expr()
        if self.peek()[0] != "end":
            raise Unsupported(f"unexpected {self.peek()[1]!r}")
        return e

    def expr(self):
        c = self.binary(0)
        if self.peek() == ("op", "?"):
            self.take()
            a = self.binary(0)
            self.take(":")
            return Cond(c, a, self.expr())
        return c

    def binary(self, level: int):
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, v = self.peek()
            if kind in ("op", "name") and v in _LEVELS[level]:
                self.take()
                left = Binary(v, left, self.binary(level + 1))
            else:
                return left

    def unary(self):
        kind, v = self.peek()
        if kind == "op" and v in ("!", "-"):
            self.take()
            return Unary(v, self.unary())
        e = self.primary()
        while self.peek() == ("op", "["):
            self.take()
            k = self.expr()
            self.take("]")
            e = Index(e, k)
        if self.peek() in (("op", "."), ("op", "(")):
            raise Unsupported("field selection or a function call")
        return e

    def primary(self):
        kind, v = self.take()
        if kind == "num":
            return Num(int(v) if v.isdigit() else float(v))
        if kind == "str":
            return Str(v[1:-1])
        if kind == "name":
            if v in ("true", "false"):
                return Bool(v == "true")
            if v in NAMES and self.peek() != ("op", "("):
                return Name(v)
            raise Unsupported(f"unknown name {v!r}")
        if v == "(":
            e = self.expr()
            self.take(")")
            return Group(e)
        if v == "[":
            items = []
            if self.peek() != ("op", "]"):
                items.append(self.expr())
                while self.peek() == ("op", ","):
                    self.take()
                    items.append(self.expr())
            self.take("]")
            return List(tuple(items))
        raise Unsupported(f"unexpected {v!r}")


_TREES: dict[str, Node] = {}


def parse(text: str) -> Node:
    """The frozen tree of ``text`` (memoised: trees are immutable), or :class:`Unsupported`."""
    tree = _TREES.get(text)
    if tree is None:
        try:
            tree = _Parser(text).parse()
        except RecursionError:
            raise Unsupported("too deeply nested") from None
        if len(_TREES) < 20_000:
            _TREES[text] = tree
    return tree


def children(node: Node) -> tuple:
    if isinstance(node, List):
        return node.items
    if isinstance(node, Index):
        return (node.target, node.key)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Cond):
        return (node.test, node.then, node.other)
    if isinstance(node, Group):
        return (node.inner,)
    return ()


def walk(node: Node):
    """Every node of the tree, parents first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def unwrap(node: Node) -> Node:
    """The node inside any parentheses."""
    while isinstance(node, Group):
        node = node.inner
    return node


class Refs(NamedTuple):
    """What an expression names: every string literal, the ``tag[..]`` and ``pct[..]`` keys."""

    strings: frozenset[str]
    tags: tuple[str, ...]
    pcts: tuple[str, ...]


def references(text: str) -> Refs:
    """The names ``text`` reads, from its tree; for a text outside the language (left to the
    CEL library), from its tokens: ``tag[ "…" ]`` and ``pct[ "…" ]`` written out."""
    try:
        tree = parse(text)
    except Unsupported:
        return _token_references(text)
    strings, tags, pcts = set(), [], []
    for n in walk(tree):
        if isinstance(n, Str):
            strings.add(n.value)
        elif isinstance(n, Index) and isinstance(n.target, Name) and isinstance(n.key, Str):
            (tags if n.target.name == "tag" else pcts).append(n.key.value)
    return Refs(frozenset(strings), tuple(tags), tuple(pcts))


def _token_references(text: str) -> Refs:
    toks: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):  # as far as the tokens read
        if m.lastgroup:
            toks.append((m.lastgroup, m.group(m.lastgroup)))
    strings = {v[1:-1] for k, v in toks if k == "str"}
    tags, pcts = [], []
    for i in range(len(toks) - 3):
        (k0, v0), (_k1, v1), (k2, v2), (_k3, v3) = toks[i:i + 4]
        if k0 == "name" and v0 in ("tag", "pct") and v1 == "[" and k2 == "str" and v3 == "]":
            (tags if v0 == "tag" else pcts).append(v2[1:-1])
    return Refs(frozenset(strings), tuple(tags), tuple(pcts))


def product_guard(text: str) -> dict[str, frozenset[str]]:
    """What the product must be for ``text`` to have any chance of being true.

    Read from the top-level conjuncts (``&&``, not inside parentheses) that test
    the product alone: ``application == "leave-on"``, ``"cream" == form``,
    ``area in ["face", "eye"]``. ``{"form": {"sunscreen"}}`` means: for any
    other form the expression is false whatever the formula, since CEL's
    ``false && x`` is false even when ``x`` is an error. Empty when there is no
    such conjunct, when the top level is a ``||`` or ``?:`` (the reading would be
    unsafe) or when the text is outside the language; never raises.
    """
    try:
        tree = parse(text)
    except Unsupported:
        return {}
    conjuncts, stack = [], [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, Binary) and n.op == "&&":
            stack += (n.right, n.left)
        else:
            conjuncts.append(n)
    out: dict[str, frozenset[str]] = {}
    for c in conjuncts:
        if not isinstance(c, Binary):
            continue
        left, right = c.left, c.right
        if c.op == "==" and isinstance(right, Name) and isinstance(left, Str):
            left, right = right, left
        if not (isinstance(left, Name) and left.name in PRODUCT_NAMES):
            continue
        if c.op == "==" and isinstance(right, Str):
            allowed = frozenset({right.value})
        elif (c.op == "in" and isinstance(right, List) and right.items
              and all(isinstance(x, Str) for x in right.items)):
            allowed = frozenset(x.value for x in right.items)
        else:
            continue
        out[left.name] = out.get(left.name, allowed) & allowed
    return out
