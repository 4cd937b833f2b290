"""The compiled skin quiz: frozen values built from ``rules/quiz.yaml``.

Nothing here reads a file or runs a check: :mod:`configurator.quiz.compile`
builds these values against a :class:`~configurator.rules.model.RuleSet` (so
every ingredient, base, product type and constraint named exists), and
:mod:`configurator.quiz.personalize` uses them.

``Points`` is the one shape every answer condition takes: question id →
option id → points. A condition written as a list (``{pregnancy: [pregnant]}``)
gives each option one point; it *holds* when any of its options was answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Points = tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # frozen {question: {option: pts}}


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str  # what the form shows
    says: str  # how a reason quotes the answer: "you said: oily skin"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    options: tuple[Option, ...]
    multiple: bool = False
    max_choices: int | None = None
    help: str = ""

    def option(self, oid: str) -> Option | None:
        for o in self.options:
            if o.id == oid:
                return o
        return None


@dataclass(frozen=True, slots=True)
class QuizConstraint:
    constraint: str  # constraint id of the rule set
    when: Points
    reason: str


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: str
    name: str
    product_type: str  # product type id
    base: str  # base id
    reason: str
    points: Points


@dataclass(frozen=True, slots=True)
class Cap:
    when: Points
    max: float
    reason: str


@dataclass(frozen=True, slots=True)
class Companion:
    ingredient: str  # ingredient id
    strength: float
    reason: str


@dataclass(frozen=True, slots=True)
class Candidate:
    ingredient: str  # ingredient id
    strengths: tuple[float, ...]  # strongest first
    reason: str
    unless: Points = ()
    unless_reason: str = ""
    caps: tuple[Cap, ...] = ()
    only_bases: frozenset[str] | None = None
    companions: tuple[Companion, ...] = ()


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    name: str
    when: Points
    candidates: tuple[Candidate, ...]
    extra: bool = False  # not counted against ``max_actives`` (a scent)


@dataclass(frozen=True)
class Quiz:
    """The whole quiz, valid against the rule set it was compiled with."""

    title: str
    intro: str
    questions: tuple[Question, ...]
    constraints: tuple[QuizConstraint, ...]
    vehicles: tuple[Vehicle, ...]
    slots: tuple[Slot, ...]
    max_actives: int = 4
    file: str = ""
    # personalize() memoises engine verdicts here: same rule set, same trial → same report
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def question(self, qid: str) -> Question | None:
        for q in self.questions:
            if q.id == qid:
                return q
        return None

    def to_dict(self) -> dict:
        """The questions as the API publishes them (GET /api/v1/quiz)."""
        return {
            "title": self.title, "intro": self.intro,
            "questions": [
                {"id": q.id, "text": q.text, "help": q.help, "multiple": q.multiple,
                 "max_choices": q.max_choices, "required": not q.multiple,
                 "options": [{"id": o.id, "label": o.label, "says": o.says} for o in q.options]}
                for q in self.questions],
        }
