"""Data a layer derives from a rule set, worked out once per rule set and kept beside it.

A :class:`~configurator.rules.model.RuleSet` is frozen: nothing writes into it. What
belongs to the rules layer is a ``functools.cached_property`` of ``RuleSet``
(``rs.use_bounds``); what another layer derives (the catalog search's index, the
repair's alternatives, R&D's annex citations, …) is that layer's own cache:

    @per_rule_set
    def catalog_index(rs: RuleSet) -> CatalogIndex: ...

The cache is keyed by the rule set's identity (a RuleSet holds dicts, so it does not
hash) and holds it weakly: an entry goes when its rule set is collected (a hot
reload swaps the set in force), so a value must not refer back to its rule set.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

T = TypeVar("T")


def per_rule_set(build: Callable[[Any], T]) -> Callable[[Any], T]:
    """``build(rs)``, called once per rule set (two threads may both build it first: the
    value is the same, one of them is kept)."""
    cache: dict[int, tuple[weakref.ref, T]] = {}

    def _gone(ref: weakref.ref, key: int) -> None:
        hit = cache.get(key)
        if hit is not None and hit[0] is ref:
            del cache[key]

    @wraps(build)
    def get(rs: Any) -> T:
        key = id(rs)
        hit = cache.get(key)
        if hit is not None and hit[0]() is rs:
            return hit[1]
        value = build(rs)
        cache[key] = (weakref.ref(rs, lambda ref, key=key: _gone(ref, key)), value)
        return value

    get.cache = cache  # type: ignore[attr-defined]  (tests and benchmarks may look or clear)
    return get
