"""The kinds of rule: one module per kind, one table.

Each module here holds everything about one kind (see :class:`base.Kind`): its
YAML keys and their lint, its default severity, what it brings to the engine's
per-product plan, its check in the engine, its vectorized check in the bulk
checker and the rule in words (R&D pages, ``rules docs``, ``rules diff``).
The loader, the engine's plan, the bulk checker and the pages read the table
:data:`KINDS` at the time they run and know no kind by name.

**Adding a kind** means: a module here defining a :class:`base.Kind` subclass and
``KIND``, a line in :data:`KINDS` below, its documentation in ``rules/README.md``
(its keys, what it checks, its default severity) and its tests (lint, the
engine's check, the bulk checker's exactness, the words).
"""

from __future__ import annotations

from . import (
    declare,
    expression,
    group_total,
    incompatible,
    max_concentration,
    min_concentration,
    ph_window,
    prohibited,
    requires,
)
from .base import Kind, Words, fmt

__all__ = ["KINDS", "UPPER_LIMITS", "Kind", "Words", "fmt", "kind_of"]

#: kind name -> the kind, in the order the pages list them
KINDS: dict[str, Kind] = {k.name: k for k in (
    prohibited.KIND,
    max_concentration.KIND,
    group_total.KIND,
    min_concentration.KIND,
    declare.KIND,
    incompatible.KIND,
    ph_window.KIND,
    requires.KIND,
    expression.KIND,
)}

#: the kinds that put a maximum on their members' weighted sum (the advice's ceilings, the
#: repair's limit rows)
UPPER_LIMITS = tuple(name for name, k in KINDS.items() if k.upper_limit)


def kind_of(rule) -> Kind:
    """The kind of a rule (the table's entry for ``rule.kind``)."""
    return KINDS[rule.kind]
