"""Checking a client's answers: the one gate for the quiz page and the API.

Answers are a mapping question id → answer id (a single-choice question) or
→ list of answer ids (a multiple-choice question). Every single-choice question
must be answered; a multiple-choice question left out means "none of these".
Anything else is refused with a message naming the question in the quiz's own
words: an unknown question, an unknown answer, a list where one answer is
expected, more answers than allowed. Nothing is guessed or dropped silently,
so a tampered form gets an error, never a design built on half its answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfiguratorError
from .model import Points, Quiz

Answers = dict[str, Any]  # question id -> option id | list of option ids (normalised)

MAX_QUESTIONS = 100


@dataclass
class AnswerError(ValueError, ConfiguratorError):
    """Answers that cannot be used; ``problems`` is a list of (question id or "", message)."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(m for _q, m in self.problems) or "invalid answers"

    def details(self) -> list[dict[str, str]]:
        return [{"question": q, "message": m} for q, m in self.problems]


def normalise(quiz: Quiz, raw: Any) -> Answers:
    """The answers in canonical form (questions in quiz order); raise :class:`AnswerError`."""
    if not isinstance(raw, dict):
        raise AnswerError([("", "the answers must be an object {question id: answer id or list}")])
    problems: list[tuple[str, str]] = []
    known = {q.id for q in quiz.questions}
    for key in list(raw)[:MAX_QUESTIONS]:
        if key not in known:
            shown = str(key)[:40]
            problems.append((shown, f"{shown!r} is not a question of the quiz "
                                    f"(questions: {', '.join(q.id for q in quiz.questions)})"))
    out: Answers = {}
    for q in quiz.questions:
        v = raw.get(q.id)
        valid = ", ".join(o.id for o in q.options)
        if q.multiple:
            if v is None:
                v = []
            if not isinstance(v, list):
                problems.append((q.id, f"“{q.text}” takes a list of answers (of: {valid})"))
                continue
            picked: list[str] = []
            for item in v[:len(q.options) + 1]:
                if not isinstance(item, str) or q.option(item) is None:
                    problems.append((q.id, f"{str(item)[:40]!r} is not an answer to “{q.text}” "
                                           f"(answers: {valid})"))
                elif item not in picked:
                    picked.append(item)
            if len(v) > len(q.options):
                problems.append((q.id, f"“{q.text}” has only {len(q.options)} answers"))
            if q.max_choices is not None and len(picked) > q.max_choices:
                problems.append((q.id, f"choose at most {q.max_choices} answers to “{q.text}”"))
            out[q.id] = [o.id for o in q.options if o.id in picked]  # quiz order: canonical
        else:
            if v is None or v == "":
                problems.append((q.id, f"please answer “{q.text}”"))
                continue
            if isinstance(v, list):
                problems.append((q.id, f"“{q.text}” takes one answer, not a list"))
                continue
            if not isinstance(v, str) or q.option(v) is None:
                problems.append((q.id, f"{str(v)[:40]!r} is not an answer to “{q.text}” "
                                       f"(answers: {valid})"))
                continue
            out[q.id] = v
    if problems:
        raise AnswerError(problems)
    return out


def matches(cond: Points, answers: Answers) -> list[tuple[str, str, float]]:
    """The (question, answer, points) of ``cond`` that the answers give, in condition order."""
    hits = []
    for qid, opts in cond:
        given = answers.get(qid)
        chosen = given if isinstance(given, list) else [given]
        for oid, pts in opts:
            if oid in chosen:
                hits.append((qid, oid, pts))
    return hits


def describe(quiz: Quiz, answers: Answers) -> list[dict[str, Any]]:
    """The answers as the client saw them: question text and answer labels, in quiz order."""
    out = []
    for q in quiz.questions:
        given = answers.get(q.id)
        ids = given if isinstance(given, list) else ([given] if given else [])
        out.append({"question": q.id, "text": q.text,
                    "answers": [q.option(i).label for i in ids if q.option(i)] or ["None of these"]})
    return out
