"""The rule set in force for a running app, swapped only for a good one.

``current`` is read once per request. ``reload()`` loads the folder again; the
new set goes into force only when it passes :func:`admit`:

1. it loads (every rule file lints clean);
2. it is complete: it has ingredients, product types and rules (an empty
   folder, or one with whole parts missing, is no rule set);
3. R&D's rule tests (``rules/tests/``) pass on it;
4. it covers what the last good set covered: no rule file and no annex of
   Regulation (EC) No 1223/2009 that had rules is dropped. A set that drops
   them goes into force only by an explicit promotion (:meth:`RuleSetHolder.promote`:
   ``configurator rules promote`` or the R&D page's button), with its reason recorded.

Otherwise the last good rule set stays in force and the problems are kept for
the R&D page (with, for a coverage drop, what a promotion would accept).

The holder knows nothing of the engine or the database: the rule tests, the
last good coverage and the record of what went into force are a :class:`Gate`
the app gives it (``configurator/web/rulegate.py``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..collector import settle
from ..errors import Problem, RuleSetError
from .loader import load_rules
from .model import RuleSet

#: a regulatory source as the loader demands it: "…, Annex V, entry 29" (or "entries", "preamble")
ANNEX_RE = re.compile(r"\bAnnex ([IVX]+), (?:entr(?:y|ies)\b|preamble)")


def _stamp(root: Path) -> tuple:
    """Names, times and sizes of the rule files (not ``tests/``, which the loader skips)."""
    out = []
    for p in root.rglob("*.yaml"):
        if "tests" in p.relative_to(root).parts:
            continue
        try:
            st = p.stat()
        except OSError:  # removed while we looked: the next look sees the folder as it is
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(sorted(out))


@dataclass(frozen=True)
class Coverage:
    """What a rule set covers: its rule files and the annexes its rules cite."""

    files: frozenset[str]
    annexes: frozenset[str]  # "II", "III", … : an annex with at least one rule citing it

    @classmethod
    def of(cls, rs: RuleSet) -> Coverage:
        annexes = set()
        for r in rs.rules:
            annexes.update(ANNEX_RE.findall(r.source or ""))
        return cls(frozenset(rs.files), frozenset(annexes))

    def dropped(self, new: Coverage) -> list[str]:
        """What ``new`` no longer covers of this coverage, in words."""
        return [f"the rule file {f}" for f in sorted(self.files - new.files)] + \
            [f"every rule of Annex {a}" for a in sorted(self.annexes - new.annexes)]

    def to_dict(self) -> dict:
        return {"files": sorted(self.files), "annexes": sorted(self.annexes)}

    @classmethod
    def from_dict(cls, d: dict) -> Coverage:
        return cls(frozenset(d.get("files", ())), frozenset(d.get("annexes", ())))


def completeness(rs: RuleSet) -> list[Problem]:
    """The whole parts a rule set lacks (an empty folder lacks them all)."""
    parts = (("ingredients", rs.ingredients), ("product types", rs.product_types),
             ("rules", rs.rules))
    return [Problem(rs.directory, None, f"no {name}: a rules folder with whole parts missing "
                                        "is no rule set")
            for name, got in parts if not got]


def _no_tests(_rs: RuleSet) -> list[str]:
    return []


@dataclass(frozen=True)
class Gate:
    """What the holder asks before a rule set goes into force (the app supplies it).

    * ``rule_tests(rs)``: the mismatches of R&D's rule tests on ``rs`` (empty: all pass);
    * ``baseline()``: the coverage of the last set that went into force (None: none yet);
    * ``record(rs, coverage, reason, actor)``: remember that ``rs`` went into force
      (``reason`` and ``actor`` are set for a promotion only);
    * ``load(directory)``: the rule set of a folder (the app's also compiles its quiz,
      ``configurator.quiz.load_with_quiz``, so that a broken quiz keeps a set out of force).
    """

    rule_tests: Callable[[RuleSet], list[str]] = _no_tests
    baseline: Callable[[], Coverage | None] = lambda: None
    record: Callable[[RuleSet, Coverage, str, str], None] = lambda *_a: None
    load: Callable[[Path], RuleSet] = load_rules


@dataclass(frozen=True)
class Verdict:
    """Why a candidate rule set may not go into force; ``ok`` when nothing stops it."""

    problems: tuple[str, ...] = ()  # file:line problems, missing parts, failed rule tests
    dropped: tuple[str, ...] = ()  # coverage a promotion would give up
    version: str = ""
    coverage: Coverage | None = None  # the candidate's

    @property
    def ok(self) -> bool:
        return not self.problems and not self.dropped


def admit(rs: RuleSet, gate: Gate, promoting: bool = False) -> Verdict:
    """Check a loaded rule set against the gate (see the module docstring)."""
    problems = [str(p) for p in completeness(rs)]
    if not problems:
        problems += [f"rule test {m}" for m in gate.rule_tests(rs)]
    coverage = Coverage.of(rs)
    dropped: list[str] = []
    if not promoting:
        base = gate.baseline()
        if base is not None:
            dropped = base.dropped(coverage)
    return Verdict(tuple(problems), tuple(dropped), rs.version, coverage)


class RuleSetHolder:
    """Holds the last good :class:`RuleSet` of a folder."""

    #: settle the collector (:func:`configurator.collector.settle`) whenever a new set goes into force: the
    #: server turns it on; tests and one-off commands leave it off (a full collection
    #: costs a few hundred ms with the inventory loaded)
    freeze = False

    def __init__(self, directory: str | Path, gate: Gate | None = None):
        self.directory = Path(directory)
        self.gate = gate or Gate()
        self._lock = threading.Lock()
        self._stamp = _stamp(self.directory)
        rs = self.gate.load(self.directory)
        verdict = admit(rs, self.gate)
        if not verdict.ok:  # nothing in force yet: a server does not start on such a set
            raise RuleSetError(_as_problems(self.directory, verdict))
        self.gate.record(rs, Coverage.of(rs), "", "")
        self.current: RuleSet = rs
        self.loaded_at: datetime = datetime.now(UTC)
        #: problems of the last edit that could not go into force ("file:line: message")
        self.problems: list[str] = []
        self.problems_at: datetime | None = None
        #: the last edit's version and the coverage it drops (a promotion would accept them)
        self.pending: Verdict | None = None

    def _refuse(self, verdict: Verdict) -> bool:
        self.problems = list(verdict.problems) + [
            f"{self.directory}: drops {d}, which the set in force covers; R&D may promote it "
            "with a reason (`configurator rules promote`)" for d in verdict.dropped]
        self.problems_at = datetime.now(UTC)
        self.pending = verdict if verdict.dropped and not verdict.problems else None
        return False

    def reload(self) -> bool:
        """Load the folder again; True if a new version went into force."""
        with self._lock:
            self._stamp = _stamp(self.directory)
            try:
                rs = self.gate.load(self.directory)
            except RuleSetError as exc:
                return self._refuse(Verdict(tuple(str(p) for p in exc.problems)))
            if rs.version == self.current.version:  # same content: keep the warm one
                self.problems, self.problems_at, self.pending = [], None, None
                return False
            verdict = admit(rs, self.gate)
            if not verdict.ok:
                return self._refuse(verdict)
            return self._swap(rs, "", "")

    def promote(self, version: str, reason: str, actor: str) -> Verdict:
        """Put the folder's set into force though it drops coverage, recording why.

        ``version`` is the one R&D looked at: a folder changed since is not promoted
        blindly. The set must still load, be complete and pass the rule tests.
        """
        if not reason.strip():
            raise ValueError("a promotion needs a reason")
        with self._lock:
            self._stamp = _stamp(self.directory)
            rs = self.gate.load(self.directory)
            if rs.version != version:
                return Verdict((f"{self.directory}: the folder is now version {rs.version}, "
                                f"not {version}: look at it again before promoting it",),
                               version=rs.version)
            verdict = admit(rs, self.gate, promoting=True)
            if verdict.ok:
                self._swap(rs, reason.strip(), actor)
            return verdict

    def _swap(self, rs: RuleSet, reason: str, actor: str) -> bool:
        self.gate.record(rs, Coverage.of(rs), reason, actor)
        self.current = rs
        self.loaded_at = datetime.now(UTC)
        self.problems, self.problems_at, self.pending = [], None, None
        if self.freeze:
            settle()
        return True

    def reload_if_changed(self) -> bool:
        """Cheap check of file times and sizes; reload when any changed."""
        if os.environ.get("CONFIGURATOR_NO_RELOAD"):
            return False
        if _stamp(self.directory) == self._stamp and not self._promoted_elsewhere():
            return False
        return self.reload()

    def _promoted_elsewhere(self) -> bool:
        """True when the refused edit was promoted meanwhile (by the CLI or another worker)."""
        pending = self.pending
        if pending is None or pending.coverage is None:
            return False
        base = self.gate.baseline()
        return base is not None and not base.dropped(pending.coverage)


def _as_problems(directory: Path, verdict: Verdict) -> list[Problem]:
    """A refused verdict as problems (for a server that cannot start)."""
    return [Problem(str(directory), None, p) for p in verdict.problems] + [
        Problem(str(directory), None, f"drops {d}, which the last set in force covered (R&D "
                                      "may accept it: `configurator rules promote`)")
        for d in verdict.dropped]
