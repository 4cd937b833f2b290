"""Units at the edges: one pint registry for the whole program.

Concentrations are read once, at parse time, into plain floats meaning % w/w;
the engine's hot loops never see a Quantity. :func:`concentration` is the one
conversion for every concentration the program reads: formula files, the web
form, the JSON API, the quiz and the rule files.

pint is imported and its registry built on first use (:func:`registry`; ``ureg`` and
``Q_`` are that registry, read lazily): a number, ``%``, ``ppm`` or ``ppb`` never needs
it, and importing pint and building its registry cost a whole process ~0.3 s (more than
the rest of ``configurator check``). The registry's parsed definitions are cached in the
configurator's cache folder (``CONFIGURATOR_CACHE_DIR``, see rules/diskcache.py; pint's
own ``cache_folder``), which makes building it ~10× faster in a later process.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import UnitError

if TYPE_CHECKING:
    import pint

_REGISTRY: Any = None


def registry() -> pint.UnitRegistry:
    """The program's pint registry (built on the first call)."""
    global _REGISTRY
    if _REGISTRY is None:
        import pint

        from .rules.diskcache import folder  # (a leaf module: no import of the rules' loader)

        cache = folder()
        try:
            ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True,
                                     cache_folder=None if cache is None else cache / "pint")
        except Exception:  # an unreadable or unwritable cache: build it from pint's own files
            ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
        ureg.define("w_w = percent")  # "% w/w" is written as "% w/w" or "w/w"
        ureg.define("ppb = 1e-9 = parts_per_billion")  # pint knows ppm but not ppb
        _REGISTRY = ureg
    return _REGISTRY


def __getattr__(name: str) -> Any:  # ``units.ureg`` and ``units.Q_``, built when first read
    if name == "ureg":
        return registry()
    if name == "Q_":
        return registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

CONCENTRATION = ("a concentration: a number (%), or a mass or volume fraction "
                 "(%, % w/w, ppm, ppb, g/kg, mg/g, g/g, mL/mL)")
#: the fractions written as one word, and what each is worth in %
FRACTION_WORDS = {"%": 1.0, "percent": 1.0, "w_w": 1.0, "permille": 0.1, "ppm": 1e-4,
                  "ppb": 1e-7}


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
# refused before pint sees it, with the same UnitError as any unreadable text. Digits are ASCII
# only: str.isdigit() and re's \d take "²", "①" and "١٢", which float() and int() refuse.
_UNIT = r"(?:[A-Za-zµμ_°]+|%)(?:\s*(?:\*\*|\^)\s*[-+]?[0-9]{1,2})?"
_NUMBER = r"[-+]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
_PLAIN = re.compile(rf"\s*{_NUMBER}\s*(?:{_UNIT}(?:\s*/\s*{_UNIT})?)?\s*")
_PARTS = re.compile(rf"\s*({_NUMBER})\s*(?:({_UNIT})(?:\s*/\s*({_UNIT}))?)?\s*")


def _plain(text: str) -> bool:
    t = text.replace("% w/w", "%").replace("%w/w", "%").replace("w/w", "")
    return _PLAIN.fullmatch(t) is not None


def _clean(text: str) -> str:
    """A decimal comma read as a point (``"2,5 %"``), ``"% w/w"`` read as ``"%"``."""
    t = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
    return t.replace("% w/w", "%").replace("%w/w", "%").replace("w/w", "").strip()


class Fraction(NamedTuple):
    """A concentration as written: its value in % and whether it is by mass or by volume."""

    percent: float
    basis: str  # "mass" (also a bare number, %, ppm…: the formula's convention is w/w) or "volume"


def _unit(name: str, text: str) -> pint.Quantity:
    try:
        return registry().Quantity(1, name.replace("^", "**"))
    except Exception as exc:  # pint raises many types; all mean "not a unit"
        raise UnitError(text, CONCENTRATION) from exc


def _kind(q: pint.Quantity) -> str | None:
    return "mass" if q.check("[mass]") else "volume" if q.check("[length]**3") else None


@lru_cache(maxsize=4096)
def parse_fraction(text: str) -> Fraction:
    """Read ``"0.02 g/g"``, ``"5000 ppm"``, ``"5 %"``, ``"5"`` into a :class:`Fraction`.

    A unit must say what the number is a fraction of: a word meaning a fraction
    (``%``, ``ppm``, ``ppb``…), or a ratio of two masses or of two volumes, which
    converts by its value whatever pint makes of it (``g/g`` cancels to a plain
    number, which is why it was once read as a percentage: 0.02 g/g is 2 %). Any
    other unit is refused, dimensionless or not: ``0.5 rad`` is not 50 %.
    """
    if not isinstance(text, str) or len(text) > 64 or not _plain(text):
        raise UnitError(text, CONCENTRATION)
    m = _PARTS.fullmatch(_clean(text))
    if m is None:
        raise UnitError(text, CONCENTRATION)
    number, top, bottom = m.groups()
    value = _finite(number, text, CONCENTRATION)
    if top is None:  # a bare number, as in YAML `percent: 5`, is already a percentage
        return Fraction(value, "mass")
    if bottom is None:
        factor = FRACTION_WORDS.get(top)
        if factor is None:
            raise UnitError(text, CONCENTRATION)
        return Fraction(round(value * factor, 12), "mass")
    upper, lower = _unit(top, text), _unit(bottom, text)
    kind = _kind(upper)
    if kind is None or _kind(lower) != kind:
        raise UnitError(text, CONCENTRATION)
    ratio = _finite((upper / lower).to("dimensionless").magnitude, text, CONCENTRATION)
    # round off binary noise: 5000 mg/kg is 0.5 %, not 0.49999999999999994 %
    return Fraction(round(_finite(value * ratio * 100, text, CONCENTRATION), 9), kind)


def concentration(value: object, density: float | None = None) -> float:
    """Return ``value`` as % w/w: a bare number is already a percentage.

    A volume fraction (``mL/mL``) is a mass fraction only through densities:
    ``density`` is the ingredient's density over the formula's (w/w = v/v × ρᵢ/ρ).
    Without it a volume fraction is refused rather than read as if it were w/w.
    """
    if isinstance(value, bool):
        raise UnitError(value, CONCENTRATION)
    if isinstance(value, int | float):
        return _finite(value, value if isinstance(value, float) or abs(value) < 10**64
                       else "a number too large", CONCENTRATION)
    if not isinstance(value, str):
        raise UnitError(value, CONCENTRATION)
    got = parse_fraction(value)
    if got.basis == "mass":
        return got.percent
    if density is None or not density > 0:
        raise UnitError(value, "a mass fraction (% w/w, g/kg…): a volume fraction (mL/mL) "
                               "needs the densities to become one")
    return round(_finite(got.percent * density, value, CONCENTRATION), 9)


def quantity(value: object, expected: str = "a mass, a volume or a count") -> pint.Quantity:
    """Parse a batch size: ``"50 kg"``, ``"30 mL"``, ``1000`` (units)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UnitError(value, expected)
    if isinstance(value, str) and len(value) > 64:
        raise UnitError(value[:64] + "…", expected)
    if isinstance(value, str) and not _plain(value):
        raise UnitError(value, expected)
    import pint

    ureg = registry()
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
