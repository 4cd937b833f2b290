"""What the engine returns: findings, the composition, the label (contract §2)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from ..findings import SEVERITY_ORDER, Finding, FixAction  # noqa: F401 (re-exported)


class Line(NamedTuple):
    """One row of the finished composition (a NamedTuple: cheap to build in the hot path)."""

    inci: str
    percent: float
    phase: str
    functions: tuple[str, ...]
    ingredient: str | None  # catalog id; None for a name the catalog does not know
    from_base: float = 0.0  # the part of ``percent`` the base brings
    qs: bool = False


def rounded(values: list[float], decimals: int) -> list[float]:
    """Round so that the rounded values still add up to the rounded total.

    Largest-remainder rounding: a composition of 100 % prints as exactly
    100.00 %, whatever the number of rows.
    """
    scale = 10**decimals
    total = round(sum(values) * scale)
    floors = [math.floor(v * scale + 1e-9) for v in values]
    short = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: values[i] * scale - floors[i], reverse=True)
    for i in order[: max(0, short)]:
        floors[i] += 1
    return [f / scale for f in floors]


class Report:
    """The verdict on one formula against one rule set.

    The verdict and the findings are computed by :func:`check`; the
    composition table and the INCI label, which only pages and files show,
    are built the first time they are read (``composition`` and ``label``
    may also be given ready-made). A report is never changed once built.
    """

    __slots__ = ("rules_version", "findings", "allergens", "cost_per_kg", "product", "base",
                 "ph", "checked_on", "regulations", "_composition", "_label", "_build")

    def __init__(self, rules_version: str, findings: tuple[Finding, ...],
                 composition: tuple[Line, ...] | None = None, label: str | None = None,
                 allergens: tuple[str, ...] = (), cost_per_kg: float | None = None,
                 product: dict[str, str] | None = None, base: str | None = None,
                 ph: float | None = None,
                 build: Callable[[], tuple[tuple[Line, ...], str]] | None = None,
                 checked_on: date | None = None,
                 regulations: dict[str, tuple[str, ...]] | None = None):
        if build is None and (composition is None or label is None):
            raise TypeError("a Report needs its composition and label, or a build function")
        self.rules_version = rules_version
        self.findings = findings
        self.allergens = allergens
        self.cost_per_kg = cost_per_kg
        self.product = product if product is not None else {}
        self.base = base
        self.ph = ph
        self.checked_on = checked_on  # the day the rules were applied for (dated rules)
        # the act each finding's rule enforces -> those rules' ids (REACH apart from 1223/2009)
        self.regulations = regulations or {}
        self._composition = composition
        self._label = label
        self._build = build

    def _materialize(self) -> None:
        lines, label = self._build()  # type: ignore[misc]
        if self._composition is None:
            self._composition = lines
        if self._label is None:
            self._label = label
        self._build = None

    @property
    def composition(self) -> tuple[Line, ...]:
        if self._composition is None:
            self._materialize()
        return self._composition  # type: ignore[return-value]

    @property
    def label(self) -> str:
        if self._label is None:
            self._materialize()
        return self._label  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (f"Report(valid={self.valid}, findings={len(self.findings)}, "
                f"rules_version={self.rules_version[:19]!r})")

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def total(self) -> float:
        return sum(line.percent for line in self.composition)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of contract §2 (plus a few extra keys, never fewer)."""
        pcts = rounded([line.percent for line in self.composition], 4)
        return {
            "valid": self.valid,
            "rules_version": self.rules_version,
            "findings": [f.to_dict() for f in self.findings],
            "composition": [
                {"inci": line.inci, "percent": p, "phase": line.phase,
                 "functions": list(line.functions)}
                for line, p in zip(self.composition, pcts, strict=True)
            ],
            "label": self.label,
            "allergens": list(self.allergens),
            "cost_per_kg": None if self.cost_per_kg is None else round(self.cost_per_kg, 2),
            "product_type": dict(self.product),
            "base": self.base,
            "target_ph": self.ph,
            "checked_on": self.checked_on.isoformat() if self.checked_on else None,
            "regulations": {k: list(v) for k, v in self.regulations.items()},
        }
