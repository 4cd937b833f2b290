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
from ..units import quantity, registry
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
        return float(q.to(registry().gram).magnitude)
    if q.check("[length]**3"):
        return float(q.to(registry().milliliter).magnitude) * rho
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


# The lab makes up to this much more than the units need, for what stays in the vessel
# and the filling lines: the lab's own allowance, not a regulatory figure.
FILL_ALLOWANCE = 0.10


def _mass_text(grams: float) -> str:
    return f"{grams / 1000:.4g} kg" if grams >= 1000 else f"{grams:.4g} g"


def fill_mismatch(batch: Batch, rho: float) -> str | None:
    """Why a batch size does not match its ``units`` × ``fill``, or None when it does.

    Only a batch that gives all three is compared: the size must cover the units and
    may exceed them by at most ``FILL_ALLOWANCE``. Volumes count at ``rho`` (g/mL).
    """
    if not (batch.size and batch.units and batch.fill):
        return None
    try:
        size = _grams(batch.size, rho)
        need = _grams(batch.fill, rho) * batch.units
    except UnitError:
        return None  # parse_formula reports an unreadable quantity
    if need <= size <= need * (1 + FILL_ALLOWANCE):
        return None
    units_fit = int(size // _grams(batch.fill, rho))
    return (f"Batch size {batch.size} does not match {batch.units} × {batch.fill}: the units need "
            f"about {_mass_text(need)} (at an estimated {rho:.2f} g/mL); {batch.size} "
            f"{'fills only' if size < need else 'would fill'} {units_fit} units. Make the batch "
            f"{_mass_text(need)} to {_mass_text(need * (1 + FILL_ALLOWANCE))}, or change the units.")
