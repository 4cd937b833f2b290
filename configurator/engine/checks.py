"""What a rule's check sees (:class:`Context`), and the checks by kind (:data:`CHECKS`).

Each kind's check lives with the rest of its kind in
:mod:`configurator.rules.kinds` (``Kind.check``). The engine calls a kind's
check only for rules that an ingredient of the formula triggers (see
``RuleSet.by_ingredient`` and :mod:`configurator.engine.plan`) and whose
``when`` holds. Messages and fixes are built there from the numbers; a rule's
own ``message`` and ``fix`` texts, where R&D wrote them, take the lead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..rules.kinds.words import fmt, ph_problem, window_text
from ..rules.model import Rule, RuleSet
from ..rules.native import ERR
from .report import Finding

__all__ = ["CHECKS", "Context", "fmt", "ph_problem", "window_text"]


@dataclass(slots=True)
class Context:
    """What a check may look at: the formula as percentages, resolved."""

    rs: RuleSet
    present: dict[str, float]
    live: frozenset[str]  # the ids present above 0 %
    application: str
    area: str
    form: str
    ph: float | None
    qs: str | None
    _cel: Any = None  # the CEL library's context (an expression outside the engine's subset)
    _tags: dict[str, float] | None = None
    inci: dict[str, str] = None  # type: ignore[assignment]  # id -> INCI name

    def __post_init__(self) -> None:
        if self.inci is None:
            self.inci = self.rs.inci_names

    def tag_totals(self) -> dict[str, float]:
        """% of the formula carrying each tag some expression names (0.0 when none)."""
        if self._tags is None:
            rs = self.rs
            ings, carrying = rs.ingredients, rs.expr_tagged
            tags = dict.fromkeys(rs.expr_tags, 0.0)
            for iid, p in self.present.items():
                if iid in carrying:
                    for t in ings[iid].tags:
                        if t in tags:
                            tags[t] += p
            self._tags = tags
        return self._tags

    def tag_total(self, tag: str):
        """``tag["…"]`` of an expression: CEL's error value for a tag no expression named."""
        v = self.tag_totals().get(tag)
        return ERR if v is None else v

    def cel_context(self) -> Any:
        """The names every expression rule sees (rules/README.md, `expression`).

        Built once per check: handing Python values to the CEL runtime costs
        ten times more than evaluating a compiled expression, so all the
        expressions of one check share one context, holding only the
        ingredients and tags that some expression of the rule set names.
        """
        if self._cel is None:
            import cel

            present = self.present
            ings = self.rs.ingredients
            c = cel.Context()
            c.update({
                "pct": {ings[i].inci: present[i] for i in self.rs.expr_names if i in present},
                "tag": self.tag_totals(),
                "ph": self.ph if self.ph is not None else 0.0,
                "application": self.application, "area": self.area, "form": self.form,
            })
            self._cel = c
        return self._cel


class _Checks(Mapping):
    """kind name -> the engine's check of that kind (``Kind.check``), read from the kinds'
    table when asked (a kind added to the table is checked too)."""

    def __getitem__(self, kind: str) -> Callable[[Rule, Context], list[Finding]]:
        from ..rules.kinds import KINDS

        return KINDS[kind].check

    def __iter__(self) -> Iterator[str]:
        from ..rules.kinds import KINDS

        return iter(KINDS)

    def __len__(self) -> int:
        from ..rules.kinds import KINDS

        return len(KINDS)


CHECKS: Mapping[str, Callable[[Rule, Context], list[Finding]]] = _Checks()
