"""Numbers and pH windows in words: the one formatter of every page, report and message.

Imports nothing of the kinds (the engine reads these while the kinds load)."""

from __future__ import annotations

import math

from ...findings import FixAction

_FMT: dict[float, str] = {}


def fmt(x: float) -> str:
    """A percentage as a formulator writes it: 0.5, 1, 0.0015, 2.2 (four significant digits)."""
    s = _FMT.get(x)
    if s is None:
        if x == 0:
            s = "0"
        else:
            digits = max(0, 3 - int(math.floor(math.log10(abs(x)))))
            s = f"{x:.{min(digits, 6)}f}".rstrip("0").rstrip(".")
        if len(_FMT) < 50_000:
            _FMT[x] = s
    return s


def pct(x: float | None) -> str:
    return "—" if x is None else f"{fmt(x)} %"


def span(lo: float | None, hi: float | None, unit: str = " %") -> str:
    """"4–5 %", "…–5 %", "none"."""
    if lo is None and hi is None:
        return "none"
    return f"{'…' if lo is None else fmt(lo)}–{'…' if hi is None else fmt(hi)}{unit}"


def names_text(names: list[str], most: int = 6) -> str:
    """"A, B, C" or "A, …, F and 3 more"."""
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return ", ".join(names)


def window_text(lo: float | None, hi: float | None) -> str:
    """A pH window in words: "4.5–5.5", "at least 3.5", "at most 5.5"."""
    if lo is not None and hi is not None:
        return f"{fmt(lo)}–{fmt(hi)}"
    return f"at least {fmt(lo)}" if lo is not None else f"at most {fmt(hi)}"


def ph_problem(ph: float | None, names: tuple[str, ...], lo: float | None,
               hi: float | None) -> tuple[str, str, FixAction] | None:
    """(message, fix, action) when ``ph`` is outside [lo, hi]; None when it is inside or unset."""
    if ph is None or ((lo is None or ph >= lo - 1e-9) and (hi is None or ph <= hi + 1e-9)):
        return None
    target = lo if lo is not None and ph < lo else hi
    return (f"Target pH {fmt(ph)} is outside the pH window of {', '.join(names)} "
            f"({window_text(lo, hi)}).",
            f"Set the target pH to {fmt(target)}", FixAction("set-ph", "", target))


