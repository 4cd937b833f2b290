"""One expression language: the syntax tree, and the lint that finds an expression that can
never fire (issue 13, point 2)."""

from __future__ import annotations

import shutil

import pytest

from configurator.errors import RuleSetError
from configurator.rules import load_rules
from configurator.rules.expr import Binary, Group, Index, Name, Num, Str, parse, references
from tests.conftest import ROOT


@pytest.fixture()
def rulesdir(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(ROOT / "tests" / "data" / "minirules", d)
    return d


def _problems(d) -> list[str]:
    try:
        load_rules(d)
    except RuleSetError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize("expr, why", [
    ('tag["aha"] * 2 > 1.0', "`*` of a double and an int"),
    ('pct["Glycerin"] + "x" == 1.0', "`+` of a double and a string"),
    ('pct["Glycerin"]', "not a condition"),
    ('!tag["aha"]', "! needs a boolean"),
])
def test_an_expression_that_can_never_fire_is_a_file_line_problem(rulesdir, expr, why):
    (rulesdir / "expr.yaml").write_text(
        "rules:\n  - id: e1\n    kind: expression\n    tags: [aha]\n"
        f"    expr: '{expr}'\n    message: m\n")
    got = _problems(rulesdir)
    assert any(p.startswith("expr.yaml:5:") and "can never fire" in p and why in p
               for p in got), got


@pytest.mark.parametrize("expr", [
    'tag["aha"] * 2.0 > 1.0', 'tag["aha"] > 2', 'form < "m" || tag["aha"] > 1.0',
    "'Glycerin' in pct && pct['Glycerin'] / tag[\"aha\"] > 1.5",
])
def test_expressions_that_can_fire_pass(rulesdir, expr):
    (rulesdir / "expr.yaml").write_text(
        "rules:\n  - id: e1\n    kind: expression\n    tags: [aha]\n"
        f"    expr: {expr!r}\n    message: m\n".replace("\\'", "''"))
    assert _problems(rulesdir) == []


def test_the_tree_is_frozen_and_keeps_parentheses():
    tree = parse('(pct["A"] > 1.0) && tag["b"] >= 2')
    assert tree == Binary("&&", Group(Binary(">", Index(Name("pct"), Str("A")), Num(1.0))),
                          Binary(">=", Index(Name("tag"), Str("b")), Num(2)))
    with pytest.raises(AttributeError):
        tree.op = "||"  # type: ignore[misc]
    assert references('pct["A"] > 1.0 && "B" in pct && tag["c"] > 0.0') == (
        frozenset({"A", "B", "c"}), ("c",), ("A",))
