"""The app's side of the rule-set gate (configurator/rules/holder.py): rule tests and records.

* R&D's rule tests (``<rules>/tests/``, run by ``configurator/tooling/cases.py``)
  are run on every candidate set; their outcome is kept per rule-set version and
  test-file stamp in this process, so a worker or a test starting an app on a
  set already checked does not run them again.
* The coverage of the last set in force is the latest :class:`RuleSetRecord`
  row: shared by every worker and host through the database, so a restart on a
  folder with ``eu/`` moved out is refused like a hot reload is.
* A promotion (``configurator rules promote`` or the R&D page's button) records
  the reason and who gave it; that row is the new baseline.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ..quiz import load_with_quiz
from ..rules.holder import Coverage, Gate
from ..rules.model import RuleSet
from ..store.models import RuleSetRecord

_TESTED: dict[tuple, tuple[str, ...]] = {}  # (version, tests stamp) -> mismatches


def _tests_stamp(folder: Path) -> tuple:
    from ..tooling.cases import case_files

    out = []
    for p in case_files(folder) if folder.is_dir() else ():
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def rule_tests(rs: RuleSet) -> list[str]:
    """The mismatches of R&D's rule tests (``<rules folder>/tests/``) on ``rs``."""
    from ..tooling.cases import run_folder

    folder = Path(rs.directory) / "tests"
    key = (rs.version, str(folder), _tests_stamp(folder))
    got = _TESTED.get(key)
    if got is None:
        got = tuple(f"tests/{r.path}: {m}" for r in run_folder(folder, rs)
                    for m in r.mismatches) if key[2] else ()
        if len(_TESTED) > 64:
            _TESTED.clear()
        _TESTED[key] = got
    return list(got)


def latest(engine: Engine) -> RuleSetRecord | None:
    """The last record: the set in force at that time and its coverage."""
    with Session(engine) as s:
        return s.exec(select(RuleSetRecord).order_by(RuleSetRecord.id.desc())).first()


def gate(engine: Engine) -> Gate:
    """The holder's gate for an app on ``engine``."""

    def baseline() -> Coverage | None:
        rec = latest(engine)
        return None if rec is None else Coverage.from_dict(rec.coverage)

    def record(rs: RuleSet, coverage: Coverage, reason: str, actor: str) -> None:
        with Session(engine, expire_on_commit=False) as s:
            last = s.exec(select(RuleSetRecord).order_by(RuleSetRecord.id.desc())).first()
            if last is not None and last.version == rs.version and not reason:
                return  # another worker recorded it already
            s.add(RuleSetRecord(version=rs.version, directory=rs.directory[:1000],
                                coverage=coverage.to_dict(), promoted_by=actor[:254],
                                reason=reason))
            s.commit()

    return Gate(rule_tests=rule_tests, baseline=baseline, record=record, load=load_with_quiz)


def promote_folder(engine: Engine, directory: str, reason: str, actor: str):
    """Promote a rules folder outside any running app (``configurator rules promote``).

    Returns (verdict, dropped): the set must load, be complete and pass its rule
    tests; what it gives up of the last set in force is recorded with ``reason``.
    """
    from ..rules.holder import admit

    if not reason.strip():
        raise ValueError("a promotion needs a reason (--reason)")
    g = gate(engine)
    rs = g.load(directory)
    verdict = admit(rs, g, promoting=True)
    base = g.baseline()
    dropped = base.dropped(verdict.coverage) if base is not None and verdict.coverage else []
    if verdict.ok:
        g.record(rs, verdict.coverage, reason.strip(), actor)
    return verdict, dropped
