"""Answers in, a starting design out: the formula, the reason for every choice, the report.

The personalizer holds no chemistry. It reads what ``rules/quiz.yaml`` maps
the answers to and lets the engine judge every step, so the rules in force
decide every conflict, always the same way (no chance, no order of arrival):

1. **Constraints first.** Each quiz constraint whose answers were given goes on
   the design before anything is chosen. From then on the engine refuses what
   they forbid: with ``pregnancy-safe`` on the design a retinoid is an error
   finding, so it is never proposed, whatever the concerns say; the slot falls
   to its next candidate (bakuchiol for fine lines).
2. **Vehicle.** The vehicles are ranked by the points the answers give them
   (ties: the order of the file). The first one whose bare base has no error
   finding under those constraints is taken; e.g. the rich cream holds shea
   butter, so a tree-nut allergy moves the design to the next vehicle.
3. **Slots**, most points first (ties: file order), until ``max_actives``
   actives are in (slots marked ``extra``, a scent, do not count). A slot is
   filled by its first candidate that
   * the answers do not exclude (``unless``: e.g. tranexamic acid while
     pregnant) and that suits the base (``only_bases``), and
   * the engine accepts at one of its strengths: strongest first, lowered
     by the ``caps`` the answers trigger; when the strongest step breaks a
     limit, the engine's advisor (:func:`configurator.engine.advise`) gives the
     highest strength the limits allow and that is tried too. "Accepts" means
     no new error *and no new warning* compared with the design so far: a
     starting design proposes nothing the lab's rules would flag (budget,
     base capacity, incompatibilities, pH windows, group totals).
   An ingredient already chosen for an earlier slot fills a later slot too
   and gathers its reasons ("Niacinamide — you said: oily skin, dark
   spots"); one the base already holds fills it without a new row.
4. **Target pH.** The base's own target, moved only as far as the catalog pH
   windows of the chosen actives require (the nearest point of their common
   window, to 0.1); a candidate whose window does not meet the design's is
   not chosen, with that reason.

Every step that was tried and refused is kept in ``left_out`` with the
engine's own message, so the client sees why retinol is not there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..engine import advise, check, parse_formula
from ..engine.report import Finding, Report
from ..errors import ConfiguratorError
from ..rules.kinds import UPPER_LIMITS
from ..rules.model import RuleSet
from .answers import Answers, matches, normalise
from .model import Candidate, Quiz, Slot, Vehicle

MEMO_LIMIT = 200_000  # engine verdicts kept per quiz (one quiz per rule set version)
LIMIT_CODES = UPPER_LIMITS  # the limits the advisor computes a ceiling for (their codes: the kinds)
ROOM = 2.0  # % of the base's capacity a proposal leaves free (at most a fifth of it)


class PersonalizeError(ConfiguratorError):
    """The quiz cannot build any valid design for these answers (a gap in rules/quiz.yaml)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Because:
    """One answer that led to a choice."""

    question: str
    answer: str
    says: str

    def to_dict(self) -> dict[str, str]:
        return {"question": self.question, "answer": self.answer, "says": self.says}


@dataclass
class Choice:
    """One choice of the proposed design and why it was made."""

    kind: str  # product_type | base | constraint | ingredient | target_ph
    ref: str  # id, INCI name, or the pH as text
    label: str  # "Niacinamide 5 %"
    reason: str  # R&D's explanation (rules/quiz.yaml)
    because: list[Because] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    percent: float | None = None
    slot: str = ""

    @property
    def says(self) -> str:
        return ", ".join(b.says for b in self.because)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "ref": self.ref, "label": self.label,
                             "reason": self.reason,
                             "because": [b.to_dict() for b in self.because],
                             "notes": list(self.notes)}
        if self.percent is not None:
            d["percent"] = self.percent
        if self.slot:
            d["slot"] = self.slot
        return d


@dataclass
class LeftOut:
    """Something the quiz considered and did not propose, and why."""

    ref: str
    label: str
    reason: str
    because: list[Because] = field(default_factory=list)

    @property
    def says(self) -> str:
        return ", ".join(b.says for b in self.because)

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "label": self.label, "reason": self.reason,
                "because": [b.to_dict() for b in self.because]}


@dataclass
class Proposal:
    """The personalizer's answer: a contract §1 formula document, its reasons and its report."""

    answers: Answers
    document: dict[str, Any]
    choices: list[Choice]
    left_out: list[LeftOut]
    report: Report
    vehicle: str

    def to_dict(self) -> dict[str, Any]:
        return {"answers": self.answers, "formula": self.document,
                "reasons": [c.to_dict() for c in self.choices],
                "left_out": [x.to_dict() for x in self.left_out],
                "report": self.report.to_dict()}

    def ingredient(self, inci: str) -> Choice | None:
        for c in self.choices:
            if c.kind == "ingredient" and c.ref.casefold() == inci.casefold():
                return c
        return None


def pct_text(p: float) -> str:
    return f"{p:g} %"


class _Run:
    """One personalisation: the design so far and the engine's verdict on it."""

    def __init__(self, quiz: Quiz, rs: RuleSet, answers: Answers):
        self.quiz, self.rs, self.answers = quiz, rs, answers
        self.constraints: list[str] = []
        self.vehicle: Vehicle | None = None
        self.additions: list[tuple[str, float]] = []  # (ingredient id, %) in order of choice
        self.ph: float | None = None
        self.report: Report | None = None
        self.choices: dict[str, Choice] = {}  # ingredient id -> choice
        self.left_out: list[LeftOut] = []
        self.cons_choices: list[Choice] = []
        self.cons_because: dict[str, list[Because]] = {}
        self.vehicle_notes: list[str] = []
        self.vehicle_because: list[Because] = []
        self.ph_because: list[Because] = []

    # ---- the engine, memoised ---------------------------------------------------
    def _doc(self, vehicle: Vehicle, additions: list[tuple[str, float]],
             ph: float | None) -> dict[str, Any]:
        ings = self.rs.ingredients
        doc: dict[str, Any] = {"name": f"{vehicle.name} (skin quiz)",
                               "product_type": vehicle.product_type, "base": vehicle.base}
        if ph is not None:
            doc["target_ph"] = ph
        if self.constraints:
            doc["constraints"] = list(self.constraints)
        doc["ingredients"] = [{"inci": ings[i].inci, "percent": p} for i, p in additions]
        return doc

    def _check(self, vehicle: Vehicle, additions: list[tuple[str, float]],
               ph: float | None) -> Report:
        key = ("check", vehicle.id, tuple(self.constraints), ph, tuple(additions))
        memo = self.quiz.memo
        got = memo.get(key)
        if got is None:
            got = check(parse_formula(self._doc(vehicle, additions, ph)), self.rs)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = got
        return got

    def _ceiling(self, iid: str) -> float | None:
        """The highest strength of ``iid`` the limits allow on top of the design (the advisor's)."""
        assert self.vehicle is not None and self.report is not None
        key = ("ceiling", self.vehicle.id, tuple(self.constraints), self.ph,
               tuple(self.additions), iid)
        memo = self.quiz.memo
        if key not in memo:
            formula = parse_formula(self._doc(self.vehicle, self.additions, self.ph))
            adv = advise(formula, self.rs, [iid], report=self.report)
            memo[key] = adv[0].max_percent if adv else None
        return memo[key]

    # ---- helpers ----------------------------------------------------------------
    def because(self, hits) -> list[Because]:
        out: list[Because] = []
        for qid, oid, _pts in sorted(hits, key=lambda h: -h[2]):  # stable: condition order on ties
            q = self.quiz.question(qid)
            o = q.option(oid) if q else None
            b = Because(qid, oid, o.says if o else oid)
            if b not in out:
                out.append(b)
        return out

    def new_findings(self, report: Report) -> list[Finding]:
        assert self.report is not None
        before = {(f.severity, f.code, f.rule, f.ingredients) for f in self.report.findings}
        return [f for f in report.findings if f.severity in ("error", "warning")
                and (f.severity, f.code, f.rule, f.ingredients) not in before]

    def blame(self, finding: Finding) -> list[Because]:
        """The answers behind a refusal: those of the constraint that refused, if one did."""
        if finding.code == "constraint" and finding.rule.startswith("constraint-"):
            return list(self.cons_because.get(finding.rule[len("constraint-"):], []))
        return []

    def ph_window(self, ids: list[str]) -> tuple[float, float] | None:
        """The common pH window of the base and these ingredients; None if they do not meet."""
        assert self.vehicle is not None
        base = self.rs.bases[self.vehicle.base]
        lo = base.ph_min if base.ph_min is not None else 0.0
        hi = base.ph_max if base.ph_max is not None else 14.0
        for iid in ids:
            ing = self.rs.ingredients[iid]
            if ing.ph_min is not None:
                lo = max(lo, ing.ph_min)
            if ing.ph_max is not None:
                hi = min(hi, ing.ph_max)
        return (lo, hi) if lo <= hi + 1e-9 else None

    def target_ph(self, window: tuple[float, float]) -> float | None:
        """The base's target pH moved into ``window`` (None: the base's own target stands)."""
        assert self.vehicle is not None
        target = self.rs.bases[self.vehicle.base].ph_target
        if target is None:
            return None
        lo, hi = window
        if lo - 1e-9 <= target <= hi + 1e-9:
            return None
        moved = math.ceil(lo * 10 - 1e-9) / 10 if target < lo else math.floor(hi * 10 + 1e-9) / 10
        if not lo - 1e-9 <= moved <= hi + 1e-9:  # a window narrower than 0.1
            moved = round((lo + hi) / 2, 2)
        return moved

    # ---- the steps ----------------------------------------------------------------
    def pick_constraints(self) -> None:
        for qc in self.quiz.constraints:
            hits = matches(qc.when, self.answers)
            if not hits:
                continue
            because = self.because(hits)
            if qc.constraint in self.cons_because:  # the same constraint asked twice: merge
                for b in because:
                    if b not in self.cons_because[qc.constraint]:
                        self.cons_because[qc.constraint].append(b)
                continue
            self.constraints.append(qc.constraint)
            self.cons_because[qc.constraint] = because
            c = self.rs.constraints[qc.constraint]
            self.cons_choices.append(Choice("constraint", qc.constraint, c.name, qc.reason,
                                            because))

    def pick_vehicle(self) -> None:
        ranked = []
        for n, v in enumerate(self.quiz.vehicles):
            hits = matches(v.points, self.answers)
            ranked.append((-sum(h[2] for h in hits), n, v, hits))
        ranked.sort(key=lambda r: (r[0], r[1]))
        for _score, _n, v, hits in ranked:
            self.vehicle = v
            rep = self._check(v, [], None)
            errors = rep.errors
            if not errors:
                self.report = rep
                self.vehicle_because = self.because(hits) + self.vehicle_because
                return
            blame = self.blame(errors[0])
            self.left_out.append(LeftOut(v.id, v.name, errors[0].message, blame))
            self.vehicle_notes.append(f"The {v.name.lower()} was not possible: {errors[0].message}")
            for b in blame:
                if b not in self.vehicle_because:
                    self.vehicle_because.append(b)
        raise PersonalizeError("No vehicle of the skin quiz passes the rules for these answers; "
                               "please tell the lab (rules/quiz.yaml needs a fallback).")

    def steps(self, cand: Candidate) -> tuple[list[float], list[str], list[Because]]:
        """The strengths to try, strongest first, after the caps the answers trigger."""
        cap, notes, because = None, [], []
        for c in cand.caps:
            hits = matches(c.when, self.answers)
            if hits and (cap is None or c.max < cap):
                cap = c.max
                notes = [c.reason]
                because = self.because(hits)
        steps = list(cand.strengths)
        if cap is not None:
            steps = [s for s in steps if s <= cap + 1e-9] or [cap]
        return steps, notes, because

    def try_candidate(self, slot: Slot, cand: Candidate, slot_because: list[Because]) -> bool:
        rs = self.rs
        assert self.vehicle is not None
        ing = rs.ingredients[cand.ingredient]
        unless = matches(cand.unless, self.answers)
        if unless:
            self.left_out.append(LeftOut(ing.inci, ing.inci, cand.unless_reason,
                                         self.because(unless)))
            return False
        if cand.only_bases is not None and self.vehicle.base not in cand.only_bases:
            self.left_out.append(LeftOut(ing.inci, ing.inci,
                                         f"not used in a {self.vehicle.name.lower()}", []))
            return False
        present = {line.ingredient for line in self.report.composition}
        companions = [c for c in cand.companions if c.ingredient not in present
                      and c.ingredient != cand.ingredient]
        window = self.ph_window([i for i, _p in self.additions] + [cand.ingredient]
                                + [c.ingredient for c in companions])
        if window is None:
            lo_hi = self.ph_window([i for i, _p in self.additions])
            self.left_out.append(LeftOut(ing.inci, ing.inci,
                                         f"{ing.inci} works at pH {ing.ph_min:g}–{ing.ph_max:g}; "
                                         f"the design is at pH {lo_hi[0]:g}–{lo_hi[1]:g}"
                                         if lo_hi and ing.ph_min is not None and ing.ph_max is not None
                                         else "its pH window does not meet the design's", []))
            return False
        ph = self.target_ph(window)
        steps, cap_notes, cap_because = self.steps(cand)
        first_refusal: Finding | None = None
        tried_ceiling = False
        i = 0
        while i < len(steps):
            s = steps[i]
            trial = self.additions + [(cand.ingredient, s)] + [(c.ingredient, c.strength)
                                                                for c in companions]
            rep = self._check(self.vehicle, trial, ph)
            new = self.new_findings(rep)
            if not new:
                self.accept(slot, cand, s, trial, ph, rep, companions, slot_because,
                            cap_notes, cap_because, first_refusal, steps[0])
                return True
            bad = next((f for f in new if f.severity == "error"), new[0])
            if first_refusal is None:
                first_refusal = bad
            if not tried_ceiling and bad.code in LIMIT_CODES:
                tried_ceiling = True
                ceiling = self._ceiling(cand.ingredient)
                if ceiling is not None:
                    c = math.floor(ceiling * 100 + 1e-9) / 100
                    lo = ing.use_min or 0.0
                    if lo <= c < s and c not in steps:
                        steps = steps[:i + 1] + sorted([c] + [x for x in steps[i + 1:]
                                                               if x != c], reverse=True)
            i += 1
        assert first_refusal is not None
        self.left_out.append(LeftOut(ing.inci, ing.inci, first_refusal.message,
                                     self.blame(first_refusal)))
        return False

    def accept(self, slot, cand, s, trial, ph, rep, companions, slot_because, cap_notes,
               cap_because, refusal, strongest) -> None:
        rs = self.rs
        ing = rs.ingredients[cand.ingredient]
        self.additions = trial
        self.report = rep
        if ph != self.ph:
            self.ph = ph
        notes = list(cap_notes)
        because = list(slot_because)
        for b in cap_because:
            if b not in because:
                because.append(b)
        if s < strongest - 1e-9 and refusal is not None:
            notes.append(f"{pct_text(strongest)} was not possible: {refusal.message}")
            for b in self.blame(refusal):
                if b not in because:
                    because.append(b)
        self.choices[cand.ingredient] = Choice(
            "ingredient", ing.inci, f"{ing.inci} {pct_text(s)}", cand.reason, because, notes, s,
            slot.id)
        for c in companions:
            ci = rs.ingredients[c.ingredient]
            self.choices[c.ingredient] = Choice(
                "ingredient", ci.inci, f"{ci.inci} {pct_text(c.strength)}", c.reason,
                list(slot_because), [f"added with {ing.inci}"], c.strength, slot.id)
        if ph is not None and (ing.ph_min is not None or ing.ph_max is not None):
            for b in because:
                if b not in self.ph_because:
                    self.ph_because.append(b)

    def fill_slots(self) -> None:
        rs = self.rs
        assert self.vehicle is not None
        ranked = []
        for n, slot in enumerate(self.quiz.slots):
            hits = matches(slot.when, self.answers)
            if hits:
                ranked.append((-sum(h[2] for h in hits), n, slot, hits))
        ranked.sort(key=lambda r: (r[0], r[1]))
        base_ids = {line.ingredient: line.percent
                    for line in rs.bases[self.vehicle.base].composition}
        actives = 0
        for _score, _n, slot, hits in ranked:
            because = self.because(hits)
            if not slot.extra and actives >= self.quiz.max_actives:
                self.left_out.append(LeftOut(
                    slot.id, slot.name,
                    f"the design already has {actives} actives, a sensible start; "
                    "you can add more in the configurator", because))
                continue
            for cand in slot.candidates:
                if cand.ingredient in self.choices:  # chosen for an earlier slot: it serves here too
                    ch = self.choices[cand.ingredient]
                    for b in because:
                        if b not in ch.because:
                            ch.because.append(b)
                    break
                if cand.ingredient in base_ids:  # the base already holds it
                    ing = rs.ingredients[cand.ingredient]
                    self.vehicle_notes.append(
                        f"{ing.inci} ({pct_text(base_ids[cand.ingredient])}, in the base) "
                        f"answers {', '.join(b.says for b in because)}")
                    for b in because:
                        if b not in self.vehicle_because:
                            self.vehicle_because.append(b)
                    break
                if self.try_candidate(slot, cand, because):
                    if not slot.extra:
                        actives += 1
                    break

    def proposal(self) -> Proposal:
        rs = self.rs
        v = self.vehicle
        assert v is not None and self.report is not None
        pt, base = rs.product_types[v.product_type], rs.bases[v.base]
        choices = [
            Choice("product_type", pt.id, pt.name, v.reason, list(self.vehicle_because),
                   list(self.vehicle_notes)),
            Choice("base", base.id, base.name, v.reason, list(self.vehicle_because),
                   list(self.vehicle_notes)),
            *self.cons_choices,
        ]
        order = {iid: n for n, (iid, _p) in enumerate(self.additions)}
        choices += sorted(self.choices.values(),
                          key=lambda c: order.get(rs.resolve(c.ref).id, 0))
        if self.ph is not None:
            needs = [rs.ingredients[i] for i, _p in self.additions
                     if rs.ingredients[i].ph_min is not None or rs.ingredients[i].ph_max is not None]
            names = ", ".join(i.inci for i in needs)
            choices.append(Choice(
                "target_ph", f"{self.ph:g}", f"pH {self.ph:g}",
                f"The base is made at pH {base.ph_target:g}; {names} work best "
                f"within pH {_window_text(self.ph_window([i.id for i in needs]))}, so the target "
                "moves to the nearest pH inside that window.", list(self.ph_because)))
        doc = self._doc(v, self.additions, self.ph)
        doc, report = self.make_room(doc, choices)
        return Proposal(self.answers, doc, choices, self.left_out, report or self.report, v.id)

    def make_room(self, doc: dict[str, Any], choices: list[Choice]) -> tuple[dict, Report | None]:
        """The repair on the proposal (base kept): valid, with ``ROOM`` % of the base's
        capacity left free, so a small active added later fits at once. Each change it
        makes is written into the choice it touches (memoised per document)."""
        from ..engine.repair import Pins, repair

        base = self.rs.bases[doc["base"]]
        memo = self.quiz.memo
        # the most room that costs no chosen active (halved until only strengths move)
        for room in (min(ROOM, base.capacity_additions / 5) / 2**n for n in range(3)):
            key = ("room", repr(doc), room)
            if key not in memo:
                memo[key] = repair(parse_formula(doc), self.rs, Pins(base=True), headroom=room)
            fixed = memo[key]
            if fixed.formula is not None and all(c.op in ("set-percent", "set-ph")
                                                 for c in fixed.changes):
                break
        else:
            return doc, None
        if not fixed.changes:
            return doc, None
        for c in fixed.changes:
            if c.op == "set-ph":
                for ch in choices:
                    if ch.kind == "target_ph":
                        ch.ref, ch.label = f"{c.new:g}", f"pH {c.new:g}"
                continue
            ch = next((x for x in choices if x.kind == "ingredient"
                       and x.ref.casefold() == c.inci.casefold()), None)
            if ch is None:
                continue
            why = f"to leave {pct_text(room)} of the base's room free for additions"
            if c.op == "remove":
                choices.remove(ch)
                self.left_out.append(LeftOut(ch.ref, ch.label, f"Left out {why}.", ch.because))
            else:
                if c.op == "swap":
                    ch.ref = c.new_inci
                ch.percent = c.new
                ch.label = f"{ch.ref} {pct_text(c.new)}"
                ch.notes.append(f"{c.text} {why}")
        return {**fixed.formula.to_document(), "name": doc["name"]}, fixed.report


def _window_text(w: tuple[float, float] | None) -> str:
    return "?" if w is None else f"{w[0]:g}–{w[1]:g}"


def personalize(quiz: Quiz, rs: RuleSet, raw_answers: Any) -> Proposal:
    """The starting design for ``raw_answers`` (raises :class:`AnswerError` on bad answers)."""
    answers = normalise(quiz, raw_answers)
    run = _Run(quiz, rs, answers)
    run.pick_constraints()
    run.pick_vehicle()
    run.fill_slots()
    return run.proposal()
