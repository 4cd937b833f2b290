"""Compile the ``quiz:`` section of the rule files against the rule set.

The rules layer does not compile the quiz (it does not import this package):
:func:`~configurator.rules.loader.load_rules` keeps the section as written in
``RuleSet.quiz_source``, and whoever needs the quiz compiles it with
:func:`with_quiz` (once per rule set), or loads with :func:`load_with_quiz`:
the web app's rule-set holder (so a set with a broken quiz is never put in
force), ``configurator rules check`` and the commands that read a ``--rules``
folder (so they refuse it as before). Every problem has its file and line, as
the loader's. What is checked:

* the shape of every entry (unknown fields are mistakes, not ignored);
* every reference: ingredients (id, INCI name or synonym, as everywhere in
  ``rules/``), bases, product types and constraints must exist; every
  question and answer named in a condition must be a question of the quiz and
  one of its answers;
* a vehicle's base must list its product type in ``suits``;
* strengths are listed strongest first and lie inside the ingredient's usual
  use level (the personalizer never proposes a strength the catalog would
  flag).
"""

from __future__ import annotations

import re
from typing import Any

from ..derived import per_rule_set
from ..errors import Problem, RuleSetError
from ..rules.model import RuleSet
from ..yamlio import LineDict
from .model import (
    Candidate,
    Cap,
    Companion,
    Option,
    Points,
    Question,
    Quiz,
    QuizConstraint,
    Slot,
    Vehicle,
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_TOP = {"title", "intro", "max_actives", "questions", "constraints", "vehicles", "slots"}
_QUESTION = {"id", "text", "help", "multiple", "max_choices", "options"}
_OPTION = {"id", "label", "says"}
_CONSTRAINT = {"constraint", "when", "reason"}
_VEHICLE = {"id", "name", "product_type", "base", "reason", "points"}
_SLOT = {"id", "name", "when", "extra", "candidates"}
_CANDIDATE = {"ingredient", "strengths", "reason", "unless", "unless_reason", "caps", "only_bases",
              "with"}
_CAP = {"when", "max", "reason"}
_COMPANION = {"ingredient", "strength", "reason"}


class _Compiler:
    def __init__(self, rs: RuleSet, ctx: Any):
        self.rs, self.ctx = rs, ctx
        self.questions: dict[str, Question] = {}

    # ---- helpers -----------------------------------------------------------
    def bad(self, m: Any, key: str | None, msg: str) -> None:
        self.ctx.bad(m, key, f"quiz: {msg}")

    def fields(self, m: LineDict, allowed: set[str], what: str) -> None:
        for key in m:
            if key not in allowed:
                self.bad(m, key, f"unknown field {key!r} in {what} "
                                 f"(expected {', '.join(sorted(allowed))})")

    def mapping_list(self, m: LineDict, key: str, what: str, required: bool = True) -> list:
        v = m.get(key)
        if v is None:
            if required:
                self.bad(m, None, f"missing `{key}` (a list of {what})")
            return []
        if not isinstance(v, list):
            self.bad(m, key, f"`{key}` must be a list of {what}")
            return []
        out = []
        for item in v:
            if isinstance(item, LineDict):
                out.append(item)
            else:
                self.bad(m, key, f"each entry of `{key}` must be a mapping ({what})")
        if required and not v:
            self.bad(m, key, f"`{key}` must not be empty")
        return out

    def text(self, m: LineDict, key: str, required: bool = True) -> str:
        v = m.get(key)
        if v is None:
            if required:
                self.bad(m, None, f"missing `{key}`")
            return ""
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            self.bad(m, key, f"`{key}` must be text")
            return ""
        s = str(v).strip()
        if required and not s:
            self.bad(m, key, f"`{key}` must not be empty")
        return s

    def ident(self, m: LineDict, seen: dict[str, int | None], what: str) -> str:
        i = self.text(m, "id")
        if not i:
            return ""
        if not ID_RE.match(i):
            self.bad(m, "id", f"{what} id {i!r} must be kebab-case (a-z, 0-9, -)")
        if i in seen:
            self.bad(m, "id", f"duplicate {what} id {i!r} (first at line {seen[i]})")
            return ""
        seen[i] = m.line_of("id")
        return i

    def flag(self, m: LineDict, key: str) -> bool:
        v = m.get(key, False)
        if not isinstance(v, bool):
            self.bad(m, key, f"`{key}` must be true or false")
            return False
        return v

    def number(self, m: LineDict, key: str, what: str) -> float | None:
        v = m.get(key)
        if v is None:
            self.bad(m, None, f"missing `{key}`")
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 100:
            self.bad(m, key, f"{what} must be a number of % w/w above 0 and at most 100, not {v!r}")
            return None
        return float(v)

    def ingredient(self, m: LineDict, key: str = "ingredient") -> str | None:
        name = m.get(key)
        if not isinstance(name, str) or not name.strip():
            self.bad(m, key if key in m else None, f"`{key}` must name a catalog ingredient")
            return None
        ing = self.rs.resolve(name)
        if ing is None:
            self.bad(m, key, f"unknown ingredient {name!r} (not in the catalog)")
            return None
        return ing.id

    def in_use_range(self, m: LineDict, key: str, iid: str, pct: float) -> None:
        ing = self.rs.ingredients[iid]
        lo, hi = ing.use_min, ing.use_max
        if (lo is not None and pct < lo - 1e-9) or (hi is not None and pct > hi + 1e-9):
            self.bad(m, key, f"{ing.inci} at {pct:g} % is outside its usual use level "
                             f"({lo or 0:g}–{hi if hi is not None else 100:g} %)")

    def points(self, m: LineDict, key: str, required: bool = False) -> Points:
        """A condition: {question: [option, ...]} (1 point each) or {question: {option: points}}."""
        v = m.get(key)
        if v is None:
            if required:
                self.bad(m, None, f"missing `{key}` (answers: {{question: [answer, ...]}})")
            return ()
        if not isinstance(v, LineDict) or not v:
            self.bad(m, key, f"`{key}` must map question ids to answers")
            return ()
        out: list[tuple[str, tuple[tuple[str, float], ...]]] = []
        for qid, opts in v.items():
            q = self.questions.get(str(qid))
            if q is None:
                self.bad(v, qid, f"unknown question {qid!r}")
                continue
            pairs: list[tuple[str, float]] = []
            if isinstance(opts, str):
                opts = [opts]
            if isinstance(opts, list):
                items = [(o, 1.0) for o in opts]
            elif isinstance(opts, LineDict):
                items = list(opts.items())
            else:
                self.bad(v, qid, f"answers of {qid!r} must be a list or a mapping answer → points")
                continue
            for oid, pts in items:
                oid = str(oid)
                if q.option(oid) is None:
                    self.bad(v, qid, f"{oid!r} is not an answer of question {qid!r} "
                                     f"(answers: {', '.join(o.id for o in q.options)})")
                    continue
                if isinstance(pts, bool) or not isinstance(pts, int | float) or pts <= 0:
                    self.bad(v, qid, f"points for {qid}: {oid} must be a positive number")
                    continue
                pairs.append((oid, float(pts)))
            if pairs:
                out.append((q.id, tuple(pairs)))
        return tuple(out)

    # ---- sections ----------------------------------------------------------
    def question(self, m: LineDict, seen: dict) -> Question | None:
        self.fields(m, _QUESTION, "a question")
        qid = self.ident(m, seen, "question")
        text = self.text(m, "text")
        multiple = self.flag(m, "multiple")
        max_choices = m.get("max_choices")
        if max_choices is not None:
            if not multiple:
                self.bad(m, "max_choices", "`max_choices` is meaningful only with `multiple: true`")
            if isinstance(max_choices, bool) or not isinstance(max_choices, int) or max_choices < 1:
                self.bad(m, "max_choices", "`max_choices` must be a whole number from 1")
                max_choices = None
        options: list[Option] = []
        seen_opt: dict[str, int | None] = {}
        for o in self.mapping_list(m, "options", "answers {id, label, says}"):
            self.fields(o, _OPTION, "an answer")
            oid = self.ident(o, seen_opt, "answer")
            label = self.text(o, "label")
            says = self.text(o, "says")
            if oid and label and says:
                options.append(Option(oid, label, says))
        if not multiple and len(options) < 2 and m.get("options"):
            self.bad(m, "options", f"question {qid!r} needs at least two answers")
        if not (qid and text and options):
            return None
        return Question(qid, text, tuple(options), multiple, max_choices, self.text(m, "help", False))

    def constraint(self, m: LineDict) -> QuizConstraint | None:
        self.fields(m, _CONSTRAINT, "a quiz constraint")
        cid = self.text(m, "constraint")
        if cid and cid not in self.rs.constraints:
            self.bad(m, "constraint", f"unknown constraint {cid!r} (not in rules/ constraints)")
            cid = ""
        when = self.points(m, "when", required=True)
        reason = self.text(m, "reason")
        if not (cid and when and reason):
            return None
        return QuizConstraint(cid, when, reason)

    def vehicle(self, m: LineDict, seen: dict) -> Vehicle | None:
        self.fields(m, _VEHICLE, "a vehicle")
        vid = self.ident(m, seen, "vehicle")
        pt = self.text(m, "product_type")
        if pt and pt not in self.rs.product_types:
            self.bad(m, "product_type", f"unknown product type {pt!r}")
            pt = ""
        base = self.text(m, "base")
        if base and base not in self.rs.bases:
            self.bad(m, "base", f"unknown base {base!r}")
            base = ""
        if pt and base and self.rs.bases[base].suits and pt not in self.rs.bases[base].suits:
            self.bad(m, "base", f"base {base!r} is not meant for product type {pt!r} "
                                f"(its `suits`: {', '.join(self.rs.bases[base].suits)})")
        name, reason = self.text(m, "name"), self.text(m, "reason")
        points = self.points(m, "points", required=True)
        if not (vid and pt and base and name and reason):
            return None
        return Vehicle(vid, name, pt, base, reason, points)

    def candidate(self, m: LineDict) -> Candidate | None:
        self.fields(m, _CANDIDATE, "a candidate")
        iid = self.ingredient(m)
        reason = self.text(m, "reason")
        raw = m.get("strengths")
        strengths: list[float] = []
        if not isinstance(raw, list) or not raw:
            self.bad(m, "strengths" if "strengths" in m else None,
                     "`strengths` must be a non-empty list of % w/w, strongest first")
        else:
            for s in raw:
                if isinstance(s, bool) or not isinstance(s, int | float) or not 0 < s <= 100:
                    self.bad(m, "strengths", f"strength {s!r} must be a number of % w/w above 0")
                    continue
                strengths.append(float(s))
            if any(a <= b for a, b in zip(strengths, strengths[1:], strict=False)):
                self.bad(m, "strengths", "`strengths` must be listed strongest first, each once")
            if iid:
                for s in strengths:
                    self.in_use_range(m, "strengths", iid, s)
        unless = self.points(m, "unless")
        unless_reason = self.text(m, "unless_reason", required=bool(unless))
        if "unless_reason" in m and not unless:
            self.bad(m, "unless_reason", "`unless_reason` without `unless`")
        caps: list[Cap] = []
        for c in self.mapping_list(m, "caps", "caps {when, max, reason}", required=False):
            self.fields(c, _CAP, "a cap")
            when = self.points(c, "when", required=True)
            mx = self.number(c, "max", "`max`")
            why = self.text(c, "reason")
            if iid and mx is not None:
                self.in_use_range(c, "max", iid, mx)
            if when and mx is not None and why:
                caps.append(Cap(when, mx, why))
        only = None
        if "only_bases" in m:
            v = m.get("only_bases")
            if not isinstance(v, list) or not v or not all(isinstance(b, str) for b in v):
                self.bad(m, "only_bases", "`only_bases` must be a non-empty list of base ids")
            else:
                for b in v:
                    if b not in self.rs.bases:
                        self.bad(m, "only_bases", f"unknown base {b!r}")
                only = frozenset(v)
        companions: list[Companion] = []
        for c in self.mapping_list(m, "with", "companions {ingredient, strength, reason}",
                                   required=False):
            self.fields(c, _COMPANION, "a companion")
            cid = self.ingredient(c)
            st = self.number(c, "strength", "`strength`")
            why = self.text(c, "reason")
            if cid and st is not None:
                self.in_use_range(c, "strength", cid, st)
                if cid == iid:
                    self.bad(c, "ingredient", "a candidate cannot be its own companion")
            if cid and st is not None and why and cid != iid:
                companions.append(Companion(cid, st, why))
        if not (iid and strengths and reason):
            return None
        return Candidate(iid, tuple(strengths), reason, unless, unless_reason, tuple(caps), only,
                         tuple(companions))

    def slot(self, m: LineDict, seen: dict) -> Slot | None:
        self.fields(m, _SLOT, "a slot")
        sid = self.ident(m, seen, "slot")
        name = self.text(m, "name")
        when = self.points(m, "when", required=True)
        extra = self.flag(m, "extra")
        cands = [c for c in (self.candidate(c) for c in
                             self.mapping_list(m, "candidates", "candidates")) if c]
        if not (sid and name and when and cands):
            return None
        return Slot(sid, name, when, tuple(cands), extra)

    def quiz(self, raw: Any) -> Quiz | None:
        if not isinstance(raw, LineDict):
            self.bad(raw, None, "the `quiz` section must be a mapping (questions, vehicles, slots…)")
            return None
        self.fields(raw, _TOP, "the quiz")
        title = self.text(raw, "title")
        mx = raw.get("max_actives", 4)
        if isinstance(mx, bool) or not isinstance(mx, int) or not 1 <= mx <= 10:
            self.bad(raw, "max_actives", "`max_actives` must be a whole number from 1 to 10")
            mx = 4
        seen: dict[str, int | None] = {}
        for m in self.mapping_list(raw, "questions", "questions"):
            q = self.question(m, seen)
            if q:
                self.questions[q.id] = q
        constraints = [c for c in (self.constraint(m) for m in
                                   self.mapping_list(raw, "constraints", "constraints",
                                                     required=False)) if c]
        seen = {}
        vehicles = [v for v in (self.vehicle(m, seen) for m in
                                self.mapping_list(raw, "vehicles", "vehicles")) if v]
        seen = {}
        slots = [s for s in (self.slot(m, seen) for m in
                             self.mapping_list(raw, "slots", "slots", required=False)) if s]
        if not (title and self.questions and vehicles):
            return None
        return Quiz(title=title, intro=self.text(raw, "intro", False),
                    questions=tuple(self.questions.values()), constraints=tuple(constraints),
                    vehicles=tuple(vehicles), slots=tuple(slots), max_actives=mx,
                    file=getattr(self.ctx, "file", ""))


def compile_quiz(raw: Any, ruleset: RuleSet, ctx: Any) -> Quiz | None:
    """The compiled :class:`Quiz` of a ``quiz:`` document, problems recorded through
    ``ctx.bad(mapping, key, message)`` (``ctx.file`` names the file)."""
    return _Compiler(ruleset, ctx).quiz(raw)


class _Problems:
    """The quiz's problems, each at the line of its key (else of its mapping), as the loader's."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, m: Any, key: str | None, msg: str) -> None:
        line = (m.line_of(key) if key else m.line) if isinstance(m, LineDict) else None
        self.problems.append(Problem(self.file, line, msg))


@per_rule_set
def with_quiz(rs: RuleSet) -> RuleSet:
    """``rs`` with its quiz compiled (``.quiz``, a :class:`Quiz`), worked out once per rule
    set; ``rs`` itself when it has no quiz section or carries its quiz already.

    Raises :class:`RuleSetError` with the quiz's ``file:line`` problems."""
    if rs.quiz_source is None or rs.quiz is not None:
        return rs
    file, raw = rs.quiz_source
    ctx = _Problems(file)
    quiz = compile_quiz(raw, rs, ctx)
    if ctx.problems:
        raise RuleSetError(ctx.problems)
    return rs.with_quiz(quiz)


def load_with_quiz(directory: Any = None) -> RuleSet:
    """:func:`~configurator.rules.load_rules`, then :func:`with_quiz`: a folder whose quiz
    does not compile does not load (``RuleSetError``, as any other rule-file problem)."""
    from ..rules import load_rules

    return with_quiz(load_rules(directory))
