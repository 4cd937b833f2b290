"""Batch quantities: the composition scaled to a batch size, with pint at the edge.

A batch is a mass (``50 kg``), a volume (``200 L``, converted with the
formula's density) or ``units`` × ``fill`` (each fill a mass or a volume).
The formula's density is the ideal mixture's, 1 / Σ(wᵢ/ρᵢ); it is an estimate,
good to a few per cent for cosmetic emulsions, and the sheet says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnitError
from ..rules.model import RuleSet
from ..units import quantity, ureg
from .formula import Batch
from .report import Report


@dataclass(frozen=True, slots=True)
class BatchPlan:
    total_g: float
    density: float  # g/mL, estimated
    quantities: tuple[tuple[str, float, float], ...]  # (inci, percent, grams)
    description: str


def density(report: Report, rs: RuleSet) -> float:
    """The formula's density in g/mL (ideal mixture of the catalog densities)."""
    inv = 0.0
    total = 0.0
    for line in report.composition:
        ing = rs.ingredients.get(line.ingredient or "")
        if ing is None or line.percent <= 0:
            continue
        inv += line.percent / ing.density
        total += line.percent
    return total / inv if inv > 0 else 1.0


def _grams(text: str, rho: float) -> float:
    q = quantity(text, "a mass or a volume")
    if q.check("[mass]"):
        return float(q.to(ureg.gram).magnitude)
    if q.check("[length]**3"):
        return float(q.to(ureg.milliliter).magnitude) * rho
    raise UnitError(text, "a mass or a volume")


def plan(batch: Batch, report: Report, rs: RuleSet) -> BatchPlan:
    """The grams of each ingredient for ``batch``; percentages are untouched."""
    rho = density(report, rs)
    if batch.size:
        total = _grams(batch.size, rho)
        desc = batch.size
    else:
        per_unit = _grams(batch.fill or "", rho)
        total = per_unit * (batch.units or 0)
        desc = f"{batch.units} × {batch.fill}"
    if not total > 0:
        raise UnitError(desc, "a positive batch size")
    rows = tuple((line.inci, line.percent, line.percent / 100.0 * total)
                 for line in report.composition)
    return BatchPlan(total, rho, rows, desc)
