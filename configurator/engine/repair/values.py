"""What the repair takes and gives: pins, wishes, changes, a conflict, the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..formula import Formula
from ..report import Report


@dataclass(frozen=True, slots=True)
class Pins:
    """What the client holds fixed: rows (by name as written, catalog id, INCI or synonym),
    the target pH, the base. Constraints are always kept: the repair never drops a wish
    the client asked for by name, it only says which one to drop (a :class:`WayOut`)."""

    rows: frozenset[str] = frozenset()
    ph: bool = False
    base: bool = False

    @staticmethod
    def parse(values: list[str] | tuple[str, ...]) -> Pins:
        """``["ph", "base", "Niacinamide"]`` (``--pin`` values, the API's ``pins`` list)."""
        rows = {v.strip() for v in values if v.strip().casefold() not in ("ph", "base")}
        keys = {v.strip().casefold() for v in values}
        return Pins(frozenset(r for r in rows if r), "ph" in keys, "base" in keys)


@dataclass(frozen=True, slots=True)
class Wish:
    """One thing the client asked for, in their words: a row, a pH, a base, a constraint.

    ``key`` names it for the program (``row:3``, ``ph``, ``base``, ``constraint:vegan``).
    """

    key: str
    text: str
    rules: tuple[str, ...] = ()  # in a conflict: the rule ids that make it clash

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "rules": list(self.rules)}


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule the program enforced, as the client reads it, with its source."""

    rule: str  # the engine's rule id (``eu-annex-v-29-phenoxyethanol``, ``catalog-retinol-ph``…)
    text: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "source": self.source}


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the diff: what changes, old → new, and why.

    ``op`` is ``set-percent``, ``remove``, ``swap`` (``inci`` → ``new_inci``), ``set-ph``
    or ``set-base`` (``new_inci`` then holds the new base's id); ``row`` is the index of
    the formula row it touches (None for the pH and the base).
    """

    op: str
    row: int | None
    inci: str
    old: float | str | None
    new: float | str | None
    new_inci: str = ""
    why: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The change in words: "Niacinamide 12 % → 10 %"."""
        def pct(v: float | str | None) -> str:
            return f"{v:g} %" if isinstance(v, float | int) else str(v)

        if self.op == "remove":
            return f"Remove {self.inci} ({pct(self.old)})"
        if self.op == "swap":
            return f"{self.inci} {pct(self.old)} → {self.new_inci} {pct(self.new)}"
        if self.op == "set-ph":
            old = "the base's" if self.old is None else f"{self.old:g}"
            return f"Target pH {old} → {self.new:g}"
        if self.op == "set-base":
            return f"Base {self.old} → {self.new}"
        return f"{self.inci} {pct(self.old)} → {pct(self.new)}"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op, "row": self.row, "inci": self.inci, "old": self.old,
                             "new": self.new, "text": self.text, "why": list(self.why)}
        if self.new_inci:
            d["new_inci"] = self.new_inci
        return d


@dataclass(frozen=True, slots=True)
class WayOut:
    """Drop one wish of a conflict (and, when that one alone is not enough, the wishes
    ``also`` with it: two pinned actives that each clash with "pregnancy-safe"), and what
    the repair gives then."""

    drop: Wish
    changes: tuple[Change, ...]
    keeps_warnings: bool
    also: tuple[Wish, ...] = ()  # further wishes to drop with ``drop`` (none: it alone will do)

    @property
    def text(self) -> str:
        """The wishes given up, in words: "Retinol 0.3 % and Salicylic Acid 2 %"."""
        names = [self.drop.text, *(w.text for w in self.also)]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def to_dict(self) -> dict[str, Any]:
        return {"drop": self.drop.to_dict(), "also_drop": [w.to_dict() for w in self.also],
                "text": self.text, "changes": [c.to_dict() for c in self.changes],
                "keeps_warnings": self.keeps_warnings}


@dataclass(frozen=True, slots=True)
class Conflict:
    """Wishes that cannot all hold (an irreducible infeasible subset: drop any one and the
    rest can), the rules that make them clash, and the ways out.

    ``level`` is ``error`` when every formula with these wishes has an error finding, and
    ``warning`` when error-free formulas exist but each breaks a warning-level rule.
    """

    wishes: tuple[Wish, ...]
    rules: tuple[RuleRef, ...]
    level: str
    ways_out: tuple[WayOut, ...] = ()
    # other sets of wishes that clash on their own, found while looking for the ways out
    # (each irreducible too): dropping one wish of ``wishes`` does not end those
    also: tuple[tuple[Wish, ...], ...] = ()

    @property
    def text(self) -> str:
        what = " + ".join(w.text for w in self.wishes) or "This product type and base"
        why = "; ".join(r.text for r in self.rules)
        verdict = ("no formula keeps them all" if self.level == "error"
                   else "no formula keeps them all without a warning")
        more = "".join(f" Nor {'do' if len(ws) > 1 else 'does'} {' + '.join(w.text for w in ws)}."
                       for ws in self.also)
        return f"{what}: {verdict}" + (f" ({why})." if why else ".") + more

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "level": self.level,
                "wishes": [w.to_dict() for w in self.wishes],
                "rules": [r.to_dict() for r in self.rules],
                "ways_out": [w.to_dict() for w in self.ways_out],
                "also": [[w.to_dict() for w in ws] for ws in self.also]}


@dataclass(frozen=True)
class Repair:
    """The repair's answer.

    ``status``: ``unchanged`` (nothing to change), ``repaired`` (``formula`` keeps every
    rule the program expresses), ``repaired-with-warnings`` (no error, but the pinned wishes
    force a warning: see ``conflict``), ``conflict`` (no formula without an error keeps the
    pinned wishes: ``formula`` is None) or ``unresolved`` (the engine kept finding errors the
    program could not express; ``formula`` is None and ``report`` is the engine's report on
    the last formula tried, with those errors).
    """

    status: str
    formula: Formula | None
    changes: tuple[Change, ...]
    report: Report | None
    conflict: Conflict | None = None
    rounds: int = 1  # solves until the engine agreed
    why: str = ""  # for ``unresolved``: why no answer came
    unmatched: tuple[str, ...] = ()  # pins that name no row (or a pH/base the formula lacks)

    @property
    def valid(self) -> bool:
        return self.formula is not None and self.report is not None and self.report.valid

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "formula": self.formula.to_document() if self.formula is not None else None,
            "changes": [c.to_dict() for c in self.changes],
            "report": self.report.to_dict() if self.report is not None else None,
            "conflict": self.conflict.to_dict() if self.conflict is not None else None,
            **({"why": self.why} if self.why else {}),
            **({"unmatched_pins": list(self.unmatched)} if self.unmatched else {}),
        }
