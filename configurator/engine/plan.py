"""The engine's per-product plan: what every catalog ingredient brings to a check.

The engine walks the formula's rows once (:func:`configurator.engine.check`).
Each ingredient's :class:`Entry` holds its usual use range and catalog pH
window as bounds with their tolerance (``-inf`` / ``inf`` when open), its
price, and ``ruled``: ``None`` when no rule of this product concerns it, else
a :class:`Ruled` with

- ``rules``: rules to run whenever the ingredient is there;
- ``pairs``: (rule, other side): run only when an ingredient of the other side
  is there too (``incompatible``: held by the ingredients of the smaller side
  only: both sides must be there, so one side may ask);
- ``cap`` and ``capped``: a one-ingredient limit cannot fire while the
  ingredient is at or under ``cap`` (the lowest of its limits' caps), so
  ``capped`` runs only above it;
- ``sums``: (rule, factor) of each summed rule the ingredient counts towards.
  The engine adds ``% × factor`` per rule as it walks, and runs the rule only
  when its sum passes ``gate[rule]`` (the check's own threshold, less
  ``GATE_SLACK`` for the order of the sum);
- ``tags``: the tags of the ingredient that some expression reads;
- ``warns``: the rules with a label warning it triggers (the warning is due
  whenever the ingredient is there; the rule's limit is gated as above).

What a rule's trigger brings is its kind's to say (``Kind.plan`` in
:mod:`configurator.rules.kinds`: run, pair, cap, sum or skip).

Expression rules whose top-level ``&&`` tests the product
(``form == "sunscreen" && …``, see ``expr.product_guard``) are left out of the
plans of the products that fail that test: they are false there. ``always``
(on the plan) holds the applicable rules no ingredient triggers. The rules
that run are exactly those that can find something: a cap or a gate only
skips a rule it proves unbroken, and the rule's own check has the last word
(tests/engine/test_plan_exact.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..derived import per_rule_set
from ..rules.expr import product_guard
from ..rules.model import RuleSet

__all__ = ["Entry", "Plan", "Ruled", "plan_for"]


class Ruled(NamedTuple):
    """What an ingredient brings to this product's rules (see the module docstring)."""

    rules: tuple[int, ...]
    pairs: tuple[tuple[int, frozenset[str]], ...]
    cap: float
    capped: tuple[int, ...]
    sums: tuple[tuple[int, float], ...]
    tags: tuple[str, ...]
    warns: tuple[int, ...]


class Entry(NamedTuple):
    """One ingredient's part of a check (see the module docstring)."""

    use_lo: float
    use_hi: float
    ph_lo: float
    ph_hi: float
    price: float
    ruled: Ruled | None


NO_ENTRY = Entry(-math.inf, math.inf, -math.inf, math.inf, 0.0, None)


class _Entries(dict):
    """A plan's entries; an ingredient built after the plan (an inventory name first met
    in a formula: no rule names it, no use range, no pH window, no price) gets the empty
    entry."""

    __slots__ = ()

    def __missing__(self, iid: str) -> Entry:
        return NO_ENTRY


@dataclass(frozen=True, slots=True)
class Plan:
    """What every catalog ingredient brings to a check of one kind of product."""

    always: frozenset[int]
    entry: dict[str, Entry]  # ingredient id -> see above
    gate: dict[int, float]  # summed rule -> the sum above which it runs
    checks: tuple[Callable[..., Any], ...]  # by rule position: its kind's check
    # rule position -> (dated, doubts): a rule with a day it applies from, or whose
    # category is in doubt for this product (the engine adjusts their findings)
    special: dict[int, tuple[bool, tuple[str, ...]]] = field(default_factory=dict)

    @staticmethod
    def build(rs: RuleSet, application: str, area: str, form: str, age: str = "") -> Plan:
        # the kinds' table, read when used (a kind added to the table counts; and the kinds
        # import the engine's report, so the engine imports them only when it runs)
        from ..rules.kinds import KINDS
        from ..rules.kinds.base import Cap, Pair, PlanContext, Sum

        product = {"application": application, "area": area, "form": form}
        applicable = frozenset(
            n for n in rs.applicable(application, area, form, age)
            # an expression that tests the product first is false for any other product
            if not rs.rules[n].expr_text
            or all(product[k] in v for k, v in product_guard(rs.rules[n].expr_text).items()))
        rules: dict[str, list[int]] = {}
        pairs: dict[str, list[tuple[int, frozenset[str]]]] = {}
        cap: dict[str, float] = {}
        capped: dict[str, list[int]] = {}
        sums: dict[str, list[tuple[int, float]]] = {}
        warns: dict[str, list[int]] = {}
        gate: dict[int, float] = {}
        simples = rs.simple_rules
        ings = rs.ingredients

        def contains(iid: str) -> tuple[tuple[str, float], ...]:
            return ings[iid].contains

        plain = PlanContext(application, False, contains)
        simple = PlanContext(application, True, contains)
        for iid, found in rs.rule_index.items():
            for n in sorted(found & applicable):
                r = rs.rules[n]
                if r.label_warning:
                    warns.setdefault(iid, []).append(n)
                role = KINDS[r.kind].plan(r, iid, simple if n in simples else plain)
                if role is None:
                    continue  # it cannot find anything through this ingredient here
                if type(role) is Pair:
                    pairs.setdefault(iid, []).append((n, role.other))
                elif type(role) is Cap:
                    cap[iid] = min(cap.get(iid, math.inf), role.at)
                    capped.setdefault(iid, []).append(n)
                elif type(role) is Sum:
                    sums.setdefault(iid, []).append((n, role.factor))
                    gate[n] = role.gate
                else:
                    rules.setdefault(iid, []).append(n)
        use, ph = rs.use_bounds, rs.ph_bounds
        no_window = (-math.inf, math.inf)
        expr_tags = rs.expr_tags
        entry = _Entries()
        for k, i in ings.items():
            ruled = Ruled(tuple(rules.get(k, ())), tuple(pairs.get(k, ())), cap.get(k, math.inf),
                          tuple(capped.get(k, ())), tuple(sums.get(k, ())),
                          tuple(sorted(i.tags & expr_tags)), tuple(warns.get(k, ())))
            if not (ruled.rules or ruled.pairs or ruled.capped or ruled.sums or ruled.tags
                    or ruled.warns):
                if not i.profiled:
                    continue  # an inventory name no rule concerns: the empty entry (_Entries)
                ruled = None
            entry[k] = Entry(*use.get(k, no_window), *ph.get(k, no_window), i.cost_per_kg, ruled)
        special = {}
        for n in applicable:
            r = rs.rules[n]
            doubts = r.when.doubts(application, area, form, age) if r.when is not None else ()
            if r.placed_from is not None or doubts:
                special[n] = (r.placed_from is not None, doubts)
        return Plan(always=rs.always_index & applicable, entry=entry, gate=gate,
                    checks=tuple(KINDS[r.kind].check for r in rs.rules), special=special)


@per_rule_set
def _plans(rs: RuleSet) -> dict[tuple[str, str, str, str], Plan]:
    return {}


def plan_for(rs: RuleSet, application: str, area: str, form: str, age: str = "") -> Plan:
    """The plan of one kind of product, built once per rule set and product (the engine's
    own cache, beside the rule set: configurator/derived.py)."""
    memo = _plans(rs)
    key = (application, area, form, age)
    got = memo.get(key)
    if got is None:
        got = Plan.build(rs, application, area, form, age)
        if len(memo) < 1_000:
            memo[key] = got
    return got
