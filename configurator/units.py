"""Units at the edges: one pint registry for the whole program.

Concentrations are read once, at parse time, into plain floats meaning % w/w;
the engine's hot loops never see a Quantity.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

from .errors import UnitError

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("w_w = percent")  # "% w/w" is written as "% w/w" or "w/w"
Q_ = ureg.Quantity

CONCENTRATION = "a concentration (%, ppm, g/kg, mg/g)"


def _finite(x: object, text: object, expected: str) -> float:
    """``x`` as a finite float; a magnitude too big for a float (``10**400``) is a UnitError too."""
    try:
        f = float(x)  # type: ignore[arg-type]
    except (OverflowError, TypeError, ValueError):
        raise UnitError(text, expected) from None
    if not math.isfinite(f):
        raise UnitError(text, expected)
    return f


# pint *evaluates* what it reads, so it takes far more than a quantity: "9**9**9" computes for
# ever (a 7-character denial of service), "1 2 3" is 6, "5;6" is 30, "[1, 2]" is 2, "5 # x" is 5,
# "pi" is 314 % and "5 % %" is 0.0005 %. A person writes one number and at most one unit, or a
# ratio of two ("5 %", "5000 ppm", "2 g/kg", "30 mL", "0.05 m^3", "0.1 % w/w"): anything else is
# refused before pint sees it, with the same UnitError as any unreadable text.
_UNIT = r"(?:[A-Za-zµμ_°]+|%)(?:\s*(?:\*\*|\^)\s*[-+]?\d{1,2})?"
_PLAIN = re.compile(r"\s*[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?"
                    rf"\s*(?:{_UNIT}(?:\s*/\s*{_UNIT})?)?\s*")


def _plain(text: str) -> bool:
    t = text.replace("% w/w", "%").replace("%w/w", "%").replace("w/w", "")
    return _PLAIN.fullmatch(t) is not None


def _clean(text: str) -> str:
    t = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
    t = t.replace("% w/w", "%").replace("%w/w", "%").replace("w/w", "").strip()
    return t.replace("%", " percent ")


@lru_cache(maxsize=4096)
def _parse_concentration_text(text: str) -> float:
    if not _plain(text):
        raise UnitError(text, CONCENTRATION)
    try:
        q = ureg.Quantity(_clean(text))
        if not isinstance(q, pint.Quantity) or not q._units:
            # a bare number, as in YAML `percent: 5`, is already a percentage
            return _finite(getattr(q, "magnitude", q), text, CONCENTRATION)
        if q.dimensionless:
            # round off binary noise: 5000 ppm is 0.5 %, not 0.49999999999999994 %
            return round(_finite(q.to("percent").magnitude, text, CONCENTRATION), 9)
    except UnitError:
        raise
    except Exception as exc:  # pint raises many types; all mean "not a quantity"
        raise UnitError(text, CONCENTRATION) from exc
    raise UnitError(text, CONCENTRATION)


def concentration(value: object) -> float:
    """Return ``value`` as % w/w: a bare number is already a percentage."""
    if isinstance(value, bool):
        raise UnitError(value, CONCENTRATION)
    if isinstance(value, int | float):
        return _finite(value, value if isinstance(value, float) or abs(value) < 10**64
                       else "a number too large", CONCENTRATION)
    if isinstance(value, str) and len(value) <= 64:
        return _parse_concentration_text(value)
    raise UnitError(value, CONCENTRATION)


def quantity(value: object, expected: str = "a mass, a volume or a count") -> pint.Quantity:
    """Parse a batch size: ``"50 kg"``, ``"30 mL"``, ``1000`` (units)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UnitError(value, expected)
    if isinstance(value, str) and len(value) > 64:
        raise UnitError(value[:64] + "…", expected)
    if isinstance(value, str) and not _plain(value):
        raise UnitError(value, expected)
    try:
        q = ureg.Quantity(value) if isinstance(value, str) else ureg.Quantity(value, "")
        if not isinstance(q, pint.Quantity):
            q = ureg.Quantity(q, "")
    except Exception as exc:
        raise UnitError(value, expected) from exc
    _finite(q.magnitude, value, expected)
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
