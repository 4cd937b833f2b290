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
    """A plan's entries, each worked out the first time a check meets its ingredient and
    kept: a product's plan costs what its formulas use, not the whole catalog (with the
    inventory's eager names and the annexes, ~6,000 ingredients some rule names: ~40 ms a
    product built whole, for a check of ~0.1 ms). What an entry holds does not depend on
    when it is made (``make`` reads the rule set and this product only), so the lazy plan
    is the whole one (tests/engine/test_plan_exact.py). An ingredient nothing concerns and
    that has no profile gets the empty entry. Two threads meeting the same ingredient
    first make equal entries; either is kept."""

    __slots__ = ("make",)

    def __missing__(self, iid: str) -> Entry:
        got = self[iid] = self.make(iid)
        return got


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

        applicable = applicable_rules(rs, application, area, form, age)
        gate: dict[int, float] = {}  # filled as entries are made: a summed rule's gate
        # is its own (rule and product), whichever of its ingredients sets it
        simples = rs.simple_rules
        ings = rs.ingredients
        index = rs.rule_index
        all_rules = rs.rules
        kinds = KINDS

        def contains(iid: str) -> tuple[tuple[str, float], ...]:
            return ings[iid].contains

        plain = PlanContext(application, False, contains)
        simple = PlanContext(application, True, contains)
        plain_entries, tagged = _unruled(rs)

        def make(iid: str) -> Entry:
            found = index.get(iid)
            rules: list[int] = []
            pairs: list[tuple[int, frozenset[str]]] = []
            cap = math.inf
            capped: list[int] = []
            sums: list[tuple[int, float]] = []
            warns: list[int] = []
            if found:
                for n in sorted(found & applicable):
                    r = all_rules[n]
                    if r.label_warning:
                        warns.append(n)
                    role = kinds[r.kind].plan(r, iid, simple if n in simples else plain)
                    if role is None:
                        continue  # it cannot find anything through this ingredient here
                    if type(role) is Pair:
                        pairs.append((n, role.other))
                    elif type(role) is Cap:
                        cap = min(cap, role.at)
                        capped.append(n)
                    elif type(role) is Sum:
                        sums.append((n, role.factor))
                        gate[n] = role.gate
                    else:
                        rules.append(n)
            tags = tagged.get(iid, ())
            if not (rules or pairs or capped or sums or tags or warns):
                return plain_entries.get(iid, NO_ENTRY)  # ruled None; no profile: empty
            i = ings.get(iid)
            return _entry(rs, iid, i.cost_per_kg if i is not None else 0.0,
                          Ruled(tuple(rules), tuple(pairs), cap, tuple(capped), tuple(sums),
                                tags, tuple(warns)))

        entry = _Entries()
        entry.make = make
        return Plan(always=rs.always_index & applicable, entry=entry, gate=gate,
                    checks=tuple(KINDS[r.kind].check for r in rs.rules),
                    special=special_rules(rs, application, area, form, age, applicable))


@per_rule_set
def _unruled(rs: RuleSet) -> tuple[dict[str, Entry], dict[str, tuple[str, ...]]]:
    """What a plan holds whatever the product: each profiled ingredient's entry while no
    rule concerns it (use range, pH window, price; ``ruled`` None), and, for each
    ingredient with tags some expression reads, those tags (sorted). An inventory name
    that is neither has no entry (the empty one, :class:`_Entries`)."""
    expr_tags = rs.expr_tags
    plain: dict[str, Entry] = {}
    tagged: dict[str, tuple[str, ...]] = {}
    for k, i in rs.ingredients.items():
        t = i.tags & expr_tags
        if t:
            tagged[k] = tuple(sorted(t))
        if i.profiled:
            plain[k] = _entry(rs, k, i.cost_per_kg, None)
    return plain, tagged


_NO_WINDOW = (-math.inf, math.inf)


def _entry(rs: RuleSet, iid: str, price: float, ruled: Ruled | None) -> Entry:
    """An ingredient's entry: its use range and pH window (open when the catalog gives
    none), its price and what the product's rules ask of it."""
    return Entry(*rs.use_bounds.get(iid, _NO_WINDOW), *rs.ph_bounds.get(iid, _NO_WINDOW),
                 price, ruled)


def applicable_rules(rs: RuleSet, application: str, area: str, form: str,
                     age: str = "") -> frozenset[int]:
    """The positions of the rules that apply to this kind of product: the rule set's
    categories, less the expression rules whose top-level ``&&`` tests the product and
    fails for this one (false for any other product)."""
    product = {"application": application, "area": area, "form": form}
    return frozenset(
        n for n in rs.applicable(application, area, form, age)
        if not rs.rules[n].expr_text
        or all(product[k] in v for k, v in product_guard(rs.rules[n].expr_text).items()))


def special_rules(rs: RuleSet, application: str, area: str, form: str, age: str = "",
                  applicable: frozenset[int] | None = None) -> dict[int, tuple[bool, tuple[str, ...]]]:
    """:attr:`Plan.special` of this product, without building the rest of the plan (the bulk
    checker needs only this: ``tooling/bulk/compose.py``)."""
    if applicable is None:
        applicable = applicable_rules(rs, application, area, form, age)
    special = {}
    for n in applicable:
        r = rs.rules[n]
        doubts = r.when.doubts(application, area, form, age) if r.when is not None else ()
        if r.placed_from is not None or doubts:
            special[n] = (r.placed_from is not None, doubts)
    return special


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
