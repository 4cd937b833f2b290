"""What a row may become: catalog alternatives with the same function, and other bases.

An alternative keeps the *need* the client had: it shares the ingredient's first
function and carries every tag that says what the ingredient does (``vitamin-c``,
``retinoid``, ``brightening``…). Tags that say where it comes from or what it
carries along (``vegan``, ``allergen``, ``silicone``…) may differ: that is often
the very reason to swap. Only ingredients with a profile (a use range and a price)
are offered: the CosIng inventory's bare names carry no strength to propose.
"""

from __future__ import annotations

import math

from ...derived import per_rule_set
from ...rules.model import Base, Ingredient, RuleSet

# tags of origin, hazard or family that a swap may change (rules/README.md lists the tags)
PROPERTY_TAGS = frozenset({
    "vegan", "animal-derived", "allergen", "prohibited-eu", "pregnancy-caution",
    "drying-alcohol", "paraben", "formaldehyde-releaser", "isothiazolinone", "nanomaterial",
    "mineral-oil", "sulfate", "essential-oil", "botanical", "silicone",
})
# of those, the ones a client may object to: a swap may take one away (that is often its
# point: a paraben-free request), never bring one the row did not have (methylparaben is not
# swapped for a formaldehyde releaser, nor a vegan row for an animal-derived one)
CONCERN_TAGS = PROPERTY_TAGS - {"vegan", "botanical"}
MOST_ALTERNATIVES = 3


def profiled(ing: Ingredient) -> bool:
    """True when the catalog gives a use range and a price: a strength can be proposed."""
    price = getattr(ing, "cost_per_kg", None)
    return (getattr(ing, "profiled", True) and ing.use_max is not None
            and isinstance(price, int | float) and math.isfinite(price)
            and "prohibited-eu" not in ing.tags)


@per_rule_set
def _by_function(rs: RuleSet) -> dict[str, tuple[str, ...]]:
    """First function -> ids of the profiled ingredients that have it (memoised per rule set)."""
    index: dict[str, list[str]] = {}
    for k, ing in rs.ingredients.items():
        if ing.functions and profiled(ing):
            index.setdefault(ing.functions[0], []).append(k)
    return {f: tuple(v) for f, v in index.items()}


@per_rule_set
def _alternatives_memo(rs: RuleSet) -> dict[str, tuple[str, ...]]:
    return {}


def alternatives(rs: RuleSet, iid: str) -> tuple[str, ...]:
    """Catalog ingredients that can take ``iid``'s place, closest first (memoised)."""
    memo = _alternatives_memo(rs)
    got = memo.get(iid)
    if got is None:
        ing = rs.ingredients[iid]
        need = ing.tags - PROPERTY_TAGS
        concerns = ing.tags & CONCERN_TAGS
        found = []
        for k in _by_function(rs).get(ing.functions[0] if ing.functions else "", ()):
            other = rs.ingredients[k]
            if k == iid or not need <= other.tags or not other.tags & CONCERN_TAGS <= concerns:
                continue
            if "vegan" in ing.tags and "vegan" not in other.tags:
                continue
            shared = len(set(ing.functions) & set(other.functions))
            # closest first: the most functions shared, then the fewest tags of another kind
            # (shea butter's nearest is a vegetable butter, not a wax ester), then the price
            extra = len(other.tags - ing.tags)
            price = abs(math.log(((other.cost_per_kg or 0) + 1) / ((ing.cost_per_kg or 0) + 1)))
            found.append((-shared, extra, price, other.inci, k))
        found.sort()
        got = memo[iid] = tuple(f[-1] for f in found[:MOST_ALTERNATIVES])
    return got


def suits(base: Base, rs: RuleSet, application: str, area: str, pt_id: str | None) -> bool:
    """The engine's test of a base for a product type (a base with no ``suits`` fits all)."""
    from ..engine import _suits

    return _suits(base, rs, application, area, pt_id)


def candidate_bases(rs: RuleSet, current: str | None, application: str, area: str,
                    pt_id: str | None, pinned: bool) -> tuple[Base, ...]:
    """The bases the repair may choose: the formula's own first, then those made for the
    product type (none when the formula has no base: a whole formula stays whole)."""
    if current is None:
        return ()
    own = rs.bases.get(current)
    if pinned:
        return (own,) if own is not None else ()
    others = tuple(b for k, b in rs.bases.items()
                   if k != current and b.suits and suits(b, rs, application, area, pt_id))
    return ((own,) if own is not None else ()) + others
