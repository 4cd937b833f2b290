"""The findings a check reports: value types shared by the rules' kinds and the engine.

A neutral module (like errors.py and units.py): the rule kinds (configurator/rules/kinds)
build findings and the engine's report carries them, and the rules layer must not import
the engine (issue 13). configurator.engine.report re-exports both.
"""

from __future__ import annotations

from typing import Any, NamedTuple

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class FixAction(NamedTuple):
    """A mechanical fix the client can apply with one click.

    ``op`` is ``set-percent`` (``inci`` to ``value`` %), ``remove`` (``inci``),
    ``set-ph`` (target pH to ``value``) or ``add`` (``inci`` at ``value`` %).
    """

    op: str
    inci: str = ""
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op}
        if self.inci:
            d["inci"] = self.inci
        if self.value is not None:
            d["value"] = self.value
        return d


class Finding(NamedTuple):
    """One problem or notice, with its reason, its source and a concrete fix.

    Immutable like every engine value. A NamedTuple rather than a frozen
    dataclass: a check builds several per formula, and a frozen dataclass's
    ``__init__`` (one ``object.__setattr__`` per field) cost 1.7 µs against
    0.45 µs here (docs/performance.md).
    """

    severity: str
    code: str
    rule: str
    ingredients: tuple[str, ...]
    message: str
    source: str = ""
    fix: str = ""
    action: FixAction | None = None

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER.get(self.severity, 3), self.code, self.rule, self.ingredients)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "severity": self.severity, "code": self.code, "rule": self.rule,
            "ingredients": list(self.ingredients), "message": self.message,
            "source": self.source, "fix": self.fix,
        }
        if self.action is not None:
            d["action"] = self.action.to_dict()
        return d
