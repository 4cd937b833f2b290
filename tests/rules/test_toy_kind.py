"""A new rule kind is a module and a line in the kinds' table (configurator/rules/kinds).

A toy kind, ``each-at-most``: each member on its own at most ``max`` % (not their sum),
is written as a module in a temporary folder and put in the table; nothing else of the
program changes. It then works end to end: the loader lints its keys with ``file:line``
problems, the engine checks it, the bulk checker gives exactly the engine's findings, and
the R&D pages, ``rules docs`` and ``rules diff`` say it in its own words.
"""

from __future__ import annotations

import importlib.util
import random
import shutil
import sys
import textwrap

import pytest

from configurator.engine import check, parse_formula
from configurator.errors import RuleSetError
from configurator.rules import load_rules
from configurator.rules.kinds import KINDS
from tests.conftest import ROOT

TOY = textwrap.dedent('''
    """``each-at-most``: each member on its own at most ``max`` %."""

    from configurator.engine.report import Finding
    from configurator.rules.kinds.base import GROUP_KEYS, NONE, Cap, Kind, Words, fmt, members_text


    class EachAtMost(Kind):
        name = "each-at-most"
        title = "Each at most"
        severity = "warning"
        keys = GROUP_KEYS | {"max"}

        def lint(self, m, lint, rid):
            out = self.group(m, lint, rid)
            out["max"] = lint.ctx.pct(m, "max", required=True)
            return out

        def plan(self, rule, iid, pc):
            return Cap(rule.max)  # nothing to find at or under the maximum

        def check(self, rule, ctx):
            live = sorted(ctx.live & rule.member_set)
            if all(ctx.present[i] <= rule.max for i in live):
                return NONE
            names = tuple(ctx.inci[i] for i in live)
            return [Finding(rule.severity, self.name, rule.id, names,
                            f"{', '.join(names)} above {fmt(rule.max)} % each.", rule.source,
                            "Lower them.")]

        def bulk_plan(self, rule, b):
            return b.columns(rule.members)

        def bulk(self, rule, plan, ch, trig, app):
            over = ch.P[:, plan] > rule.max
            ch.emit(trig & over.any(1), rule.severity,
                    ch.live_key(rule.severity, self.name, rule.id, plan))

        def words(self, rule, names=None, inci=None):
            limit = f"each ≤ {fmt(rule.max)} %"
            subject = members_text(rule, inci) if inci else ""
            return Words(limit, f"each at most {fmt(rule.max)} %", f"{subject} {limit}".strip())


    KIND = EachAtMost()
''')

RULE = """
rules:
  - id: toy-each
    kind: each-at-most
    ingredients: [Glycerin, Niacinamide]
    max: 4
    source: a toy
"""


@pytest.fixture()
def toy(tmp_path, monkeypatch):
    """The toy kind's module, imported from a temporary folder, and its line in the table."""
    path = tmp_path / "toy_kind.py"
    path.write_text(TOY)
    spec = importlib.util.spec_from_file_location("toy_kind", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "toy_kind", module)
    spec.loader.exec_module(module)
    monkeypatch.setitem(KINDS, module.KIND.name, module.KIND)
    return module.KIND


@pytest.fixture()
def toy_rules(tmp_path, toy):
    d = tmp_path / "rules"
    shutil.copytree(ROOT / "tests" / "data" / "minirules", d)
    (d / "toy.yaml").write_text(RULE)
    return d


def test_the_loader_lints_the_new_kind(toy_rules):
    rs = load_rules(toy_rules)
    rule = next(r for r in rs.rules if r.id == "toy-each")
    assert rule.kind == "each-at-most" and rule.max == 4.0 and rule.severity == "warning"
    (toy_rules / "toy.yaml").write_text(RULE.replace("max: 4", "maxx: 4"))
    with pytest.raises(RuleSetError) as exc:
        load_rules(toy_rules)
    got = [str(p) for p in exc.value.problems]
    assert any(p.startswith("toy.yaml:3:") and "missing `max`" in p for p in got), got
    assert any(p.startswith("toy.yaml:6:") and "unknown key `maxx`" in p for p in got), got


def _formula(glycerin: float, niacinamide: float):
    return parse_formula({"product_type": "serum", "ingredients": [
        {"inci": "Aqua", "qs": True}, {"inci": "Glycerin", "percent": glycerin},
        {"inci": "Niacinamide", "percent": niacinamide}]})


def test_the_engine_checks_the_new_kind(toy_rules):
    rs = load_rules(toy_rules)
    found = [f for f in check(_formula(5, 3), rs).findings if f.rule == "toy-each"]
    assert [(f.code, f.ingredients, f.message) for f in found] == [
        ("each-at-most", ("Glycerin", "Niacinamide"), "Glycerin, Niacinamide above 4 % each.")]
    assert not [f for f in check(_formula(4, 3.9), rs).findings if f.rule == "toy-each"]


def test_the_bulk_checker_gives_the_engines_findings(toy_rules):
    from configurator.tooling.bulk import BulkChecker, compose_formulas, report_keys

    rs = load_rules(toy_rules)
    rnd = random.Random(5)
    formulas = [_formula(rnd.choice([0, 1, 3.9, 4, 4.0001, 6]), rnd.choice([0, 2, 4, 5, 9]))
                for _ in range(200)]
    res = BulkChecker(rs).run(compose_formulas(formulas, rs))
    want = [report_keys(check(f, rs)) for f in formulas]
    assert res.keys() == want
    assert any(k[2] == "toy-each" for keys in want for k in keys)


def test_the_new_kind_in_words(toy_rules):
    from configurator.tooling.diff import rule_summary
    from configurator.tooling.docs import limit_text as docs_limit
    from configurator.web.rnd import limit_text as rnd_limit

    rs = load_rules(toy_rules)
    rule = next(r for r in rs.rules if r.id == "toy-each")
    assert rnd_limit(rule, rs) == "each at most 4 %"
    assert docs_limit(rule) == "each ≤ 4 %"
    assert rule_summary(rs, rule).startswith("each-at-most [warning] Glycerin, Niacinamide each ≤ 4 %")
