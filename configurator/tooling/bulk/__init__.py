"""Bulk validation: many designs against one rule set, as numpy column operations.

The package: :mod:`.compose` (designs composed into rows), :mod:`.expr` (expressions
compiled into numpy from the one syntax tree), :mod:`.checker` (the rule set compiled
once; each rule's vectorized check is its kind's, from configurator/rules/kinds).

``configurator rules impact`` re-validates every saved design against a
candidate rule set; doing that one formula at a time costs ~150 µs each.
Here each design is composed once into a row of a matrix (designs ×
catalog ingredients, % w/w) with a few per-design attributes (product,
base, target pH, constraints), and every rule is evaluated over all rows at
once: a limit is a column compared with a number, a group total a matrix
product, an incompatibility two column tests, an expression rule a small
numpy program compiled from its CEL text.

**Exactness.** The result is the engine's (:func:`configurator.engine.check`):
the same verdict and the same multiset of findings, each identified by
``(severity, code, rule, ingredients)`` (messages and fixes are not built
here). It is achieved this way:

* every comparison uses the engine's threshold and tolerance, with the same
  strictness (``total > max + 1e-9``, ``total < min - 1e-9``, declare
  ``> limit + 1e-12``, pH windows ``ph < lo - 1e-9`` …);
* a value the engine computes with one floating-point operation (a single
  ingredient's %, ``p * factor``, a pct[] in an expression) is computed with
  the same operation here, so it is bit-identical;
* a *sum* of several terms may be added up in another order here (a matrix
  product) and differ from the engine's by a few units in the last place.
  All the terms are ≥ 0, so the relative difference is below 1e-13; wherever
  such a sum lands within ``1e-12 × value`` of the threshold it is compared
  with, the row is *uncertain*;
* an expression rule outside the compiled subset (see :class:`.expr.Program`) makes
  the rows it would be evaluated on uncertain;
* uncertain rows **fall back to the per-formula engine**: their findings are
  the engine's own. :attr:`BulkResult.fallback` counts them.

CEL semantics are CEL's as the ``cel`` runtime implements them: ``pct["X"]``
for an X the formula does not list is an error; ``&&``/``||`` absorb an error
when the other side decides (in either order); a ternary evaluates only the
branch taken; comparisons mix int and double; arithmetic does not (an
expression doing that is left to the engine); a rule fires only on ``true``.
"""

from __future__ import annotations

from .checker import (
           BIG,
           CHUNK,
           CHUNK_CELLS,
           REL,
           BulkChecker,
           BulkResult,
           Chunk,
           RulePlan,
           Total,
           bulk_check,
           same,
)
from .compose import (
           Designs,
           Key,
           columns,
           compose_arrays,
           compose_formulas,
           finding_key,
           report_keys,
)
from .expr import Env, Program, Unsupported

_Cel = Program  # (the names the exactness tests read)
_columns = columns

__all__ = ["BIG", "CHUNK", "CHUNK_CELLS", "REL", "BulkChecker", "BulkResult", "Chunk", "Designs",
           "Env", "Key", "Program", "RulePlan", "Total", "Unsupported", "bulk_check", "columns",
           "compose_arrays", "compose_formulas", "finding_key", "report_keys", "same"]
