"""Units at the edges: one pint registry for the whole program.

Concentrations are read once, at parse time, into plain floats meaning % w/w;
the engine's hot loops never see a Quantity.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pint

from .errors import UnitError

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("w_w = percent")  # "% w/w" is written as "% w/w" or "w/w"
Q_ = ureg.Quantity

CONCENTRATION = "a concentration (%, ppm, g/kg, mg/g)"


def _finite(x: float, text: object, expected: str) -> float:
    if not math.isfinite(x):
        raise UnitError(text, expected)
    return x


def _clean(text: str) -> str:
    t = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
    t = t.replace("% w/w", "%").replace("%w/w", "%").replace("w/w", "").strip()
    return t.replace("%", " percent ")


@lru_cache(maxsize=4096)
def _parse_concentration_text(text: str) -> float:
    try:
        q = ureg.Quantity(_clean(text))
    except Exception as exc:  # pint raises many types; all mean "not a quantity"
        raise UnitError(text, CONCENTRATION) from exc
    if not isinstance(q, pint.Quantity) or not q._units:
        # a bare number, as in YAML `percent: 5`, is already a percentage
        return _finite(float(getattr(q, "magnitude", q)), text, CONCENTRATION)
    if q.dimensionless:
        # round off binary noise: 5000 ppm is 0.5 %, not 0.49999999999999994 %
        return _finite(round(float(q.to("percent").magnitude), 9), text, CONCENTRATION)
    raise UnitError(text, CONCENTRATION)


def concentration(value: object) -> float:
    """Return ``value`` as % w/w: a bare number is already a percentage."""
    if isinstance(value, bool):
        raise UnitError(value, CONCENTRATION)
    if isinstance(value, int | float):
        return _finite(float(value), value, CONCENTRATION)
    if isinstance(value, str) and len(value) <= 64:
        return _parse_concentration_text(value)
    raise UnitError(value, CONCENTRATION)


def quantity(value: object, expected: str = "a mass, a volume or a count") -> pint.Quantity:
    """Parse a batch size: ``"50 kg"``, ``"30 mL"``, ``1000`` (units)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UnitError(value, expected)
    if isinstance(value, str) and len(value) > 64:
        raise UnitError(value[:64] + "…", expected)
    try:
        q = ureg.Quantity(value) if isinstance(value, str) else ureg.Quantity(value, "")
    except Exception as exc:
        raise UnitError(value, expected) from exc
    if not isinstance(q, pint.Quantity):
        q = ureg.Quantity(q, "")
    _finite(float(q.magnitude), value, expected)
    return q


def is_mass(q: pint.Quantity) -> bool:
    return q.check("[mass]")


def is_volume(q: pint.Quantity) -> bool:
    return q.check("[length]**3")


def pretty_mass(grams: float) -> str:
    """A mass in the unit a lab would write it in: mg below 1 g, kg from 1 kg."""
    if grams >= 1000:
        return f"{grams / 1000:.3f} kg"
    if grams >= 1:
        return f"{grams:.2f} g"
    return f"{grams * 1000:.1f} mg"
