"""Frozen values for everything the rule files describe.

Nothing here reads a file; :mod:`configurator.rules.loader` builds these values
and :class:`RuleSet` holds them with the indexes the engine needs, so a check
touches only the rules its ingredients can trigger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

APPLICATIONS = ("leave-on", "rinse-off")
AREAS = (
    "face", "body", "hand", "hair", "scalp", "lip", "eye", "foot", "nail", "oral", "underarm",
)
PHASES = ("A", "B", "C", "D")
PHASE_NAMES = {
    "A": "water phase",
    "B": "oil phase",
    "C": "cool-down phase (below 40 °C)",
    "D": "final adjustment",
}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Ingredient:
    """A raw material of the catalog."""

    id: str
    inci: str
    cas: tuple[str, ...]
    synonyms: tuple[str, ...]
    trade_names: tuple[str, ...]
    functions: tuple[str, ...]
    solubility: str
    phase: str
    use_min: float | None
    use_max: float | None
    ph_min: float | None
    ph_max: float | None
    max_temp: float | None
    tags: frozenset[str]
    cost_per_kg: float
    density: float
    notes: str = ""
    contains: tuple[tuple[str, float], ...] = ()  # (ingredient id, % of this material)

    @property
    def is_oil_phase(self) -> bool:
        return self.phase == "B" or self.solubility == "oil"


@dataclass(frozen=True, slots=True)
class ProductType:
    """What the product is: application, area and (free text) form."""

    id: str
    name: str
    application: str
    area: str
    form: str = ""


@dataclass(frozen=True, slots=True)
class BaseLine:
    ingredient: str  # ingredient id
    percent: float


@dataclass(frozen=True, slots=True)
class Base:
    """A ready-made vehicle whose q.s. ingredient gives up the room additions take."""

    id: str
    name: str
    suits: tuple[str, ...]
    qs: str  # ingredient id
    composition: tuple[BaseLine, ...]
    ph_target: float | None
    ph_min: float | None
    ph_max: float | None
    capacity_additions: float
    capacity_oil: float
    appearance: str = ""
    viscosity: str = ""
    description: str = ""
    process: tuple[tuple[str, str], ...] = ()  # (phase, instruction)


@dataclass(frozen=True, slots=True)
class TagMax:
    tags: frozenset[str]
    members: frozenset[str]
    max: float


@dataclass(frozen=True, slots=True)
class Constraint:
    """A client's requirement (vegan, fragrance-free, a budget…), defined by data."""

    id: str
    name: str
    description: str
    forbid: frozenset[str]  # ingredient ids, tags already expanded
    forbid_tags: frozenset[str]
    tag_max: tuple[TagMax, ...]
    max_cost_per_kg: float | None


@dataclass(frozen=True, slots=True)
class When:
    """The products a rule applies to; ``None`` fields do not restrict."""

    application: frozenset[str] | None = None
    area: frozenset[str] | None = None
    not_area: frozenset[str] | None = None
    form: frozenset[str] | None = None
    not_form: frozenset[str] | None = None

    def holds(self, application: str, area: str, form: str) -> bool:
        if self.application is not None and application not in self.application:
            return False
        if self.area is not None and area not in self.area:
            return False
        if self.not_area is not None and area in self.not_area:
            return False
        if self.form is not None and form not in self.form:
            return False
        if self.not_form is not None and form in self.not_form:
            return False
        return True

    def describe(self) -> str:
        parts = []
        if self.application:
            parts.append("/".join(sorted(self.application)) + " products")
        if self.area:
            parts.append("for " + ", ".join(sorted(self.area)))
        if self.not_area:
            parts.append("except " + ", ".join(sorted(self.not_area)))
        if self.form:
            parts.append("in " + ", ".join(sorted(self.form)) + " form")
        if self.not_form:
            parts.append("not in " + ", ".join(sorted(self.not_form)) + " form")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule. ``kind`` selects the check; unused fields stay empty."""

    id: str
    kind: str
    severity: str
    source: str
    when: When | None
    members: dict[str, float]  # ingredient id -> factor (limits, prohibited, declare, ph-window)
    triggers: frozenset[str]  # ingredient ids whose presence makes the rule worth checking
    message: str = ""
    fix: str = ""
    max: float | None = None
    min: float | None = None
    expressed_as: str = ""
    label_warning: str = ""
    leave_on: float | None = None
    rinse_off: float | None = None
    first: frozenset[str] = frozenset()
    second: frozenset[str] = frozenset()
    if_above: float = 0.0
    then: frozenset[str] = frozenset()
    expr: Any = None  # a compiled CEL program
    expr_text: str = ""
    expr_tags: tuple[str, ...] = ()  # the tags an expression reads (its `tag` map holds only these)
    expr_names: tuple[str, ...] = ()  # ingredient ids whose INCI the expression names
    code: str = ""
    file: str = ""
    line: int = 0

    def applies(self, application: str, area: str, form: str) -> bool:
        return self.when is None or self.when.holds(application, area, form)


@dataclass(frozen=True)
class RuleSet:
    """Everything R&D knows, immutable and versioned by its content hash."""

    version: str
    directory: str
    ingredients: dict[str, Ingredient]
    bases: dict[str, Base]
    product_types: dict[str, ProductType]
    constraints: dict[str, Constraint]
    rules: tuple[Rule, ...]
    by_ingredient: dict[str, tuple[Rule, ...]]
    always: tuple[Rule, ...]
    names: dict[str, str]  # lower-cased INCI / id / synonym -> ingredient id
    quiz: Any = None
    all_tags: frozenset[str] = frozenset()
    expr_tags: frozenset[str] = frozenset()  # the tags any expression rule reads
    expr_names: frozenset[str] = frozenset()  # the ingredient ids any expression rule names
    # the same indexes as by_ingredient/always, as positions in ``rules`` (the engine's form)
    rule_index: dict[str, frozenset[int]] = field(default_factory=dict)
    always_index: frozenset[int] = frozenset()
    files: tuple[str, ...] = field(default=())

    def applicable(self, application: str, area: str, form: str) -> frozenset[int]:
        """Positions of the rules whose ``when`` holds for this product (memoised per product)."""
        memo = self.__dict__.setdefault("_applicable", {})
        key = (application, area, form)
        got = memo.get(key)
        if got is None:
            got = frozenset(n for n, r in enumerate(self.rules)
                            if r.applies(application, area, form))
            if len(memo) < 10_000:
                memo[key] = got
        return got

    def resolve(self, name: str) -> Ingredient | None:
        """The catalog ingredient for an INCI name, id, synonym or trade name."""
        iid = self.names.get(name.strip().casefold())
        return self.ingredients[iid] if iid is not None else None

    def tagged(self, tag: str) -> list[Ingredient]:
        return [i for i in self.ingredients.values() if tag in i.tags]
