"""Regression formulas with their expected findings (``rules/tests/``, ``tests/golden/``).

A cases folder may group its files in subfolders (``rules/tests/real/``,
``rules/tests/violations/``): every case below it runs, in path order.

A case file is a formula document (contract §1) plus:

```yaml
expect:                      # each must match at least one finding
  - {code: max-concentration, severity: error, ingredients: [Phenoxyethanol]}
expect_valid: false          # optional: the verdict
on: 2027-06-06               # optional: check as of this day (rules with dates), default today
forbid:                      # optional: findings that must NOT appear
  - {code: ph-window}
```

A matcher names any of ``code``, ``severity``, ``rule`` and ``ingredients``
(all listed names must be among the finding's); unnamed keys match anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..engine import Finding, Report, check, parse_formula
from ..errors import ConfiguratorError
from ..rules.model import RuleSet
from ..yamlio import load_path

CASE_KEYS = ("expect", "expect_valid", "forbid", "description", "on")


@dataclass(frozen=True)
class CaseResult:
    path: str
    mismatches: tuple[str, ...]
    report: Report | None

    @property
    def ok(self) -> bool:
        return not self.mismatches


def matches(f: Finding, m: dict) -> bool:
    if "code" in m and f.code != m["code"]:
        return False
    if "severity" in m and f.severity != m["severity"]:
        return False
    if "rule" in m and f.rule != m["rule"]:
        return False
    want = [n.casefold() for n in m.get("ingredients", [])]
    have = [n.casefold() for n in f.ingredients]
    return all(n in have for n in want)


def run_case(path: str | Path, rs: RuleSet, name: str | None = None) -> CaseResult:
    """Check one case file; every way it differs from its expectations is a mismatch.

    ``name`` is how the result names the file (default: ``path`` as given).
    """
    name = name or str(path)
    try:
        doc = load_path(path)
        if not isinstance(doc, dict):
            return CaseResult(name, ("not a mapping",), None)
        formula = parse_formula({k: v for k, v in doc.items() if k not in CASE_KEYS}, name)
        on = doc.get("on")  # the day to check on (dated rules); default today
        if on is not None and not isinstance(on, date):
            on = date.fromisoformat(str(on))
    except ValueError as exc:
        return CaseResult(name, (f"cannot be read: `on` is not a date (YYYY-MM-DD): {exc}",), None)
    except ConfiguratorError as exc:
        return CaseResult(name, (f"cannot be read: {exc}",), None)
    report = check(formula, rs, on=on)
    out = []
    for m in doc.get("expect") or []:
        if not any(matches(f, m) for f in report.findings):
            out.append(f"expected {dict(m)} but no finding matches")
    for m in doc.get("forbid") or []:
        hit = [f for f in report.findings if matches(f, m)]
        if hit:
            out.append(f"forbidden {dict(m)} found: {hit[0].message}")
    if "expect_valid" in doc and bool(doc["expect_valid"]) != report.valid:
        errs = "; ".join(f.message for f in report.errors) or "no errors"
        out.append(f"expected valid={doc['expect_valid']}, got valid={report.valid} ({errs})")
    return CaseResult(name, tuple(out), report)


CASE_SUFFIXES = (".yaml", ".json")


def case_files(folder: str | Path) -> list[Path]:
    """Every case file under ``folder``, subfolders included, sorted by relative path.

    Sorting by the path's parts (not its text) keeps the order the same whatever
    the platform's separator.
    """
    root = Path(folder)
    files = [p for p in root.rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(root).parts)


def run_folder(folder: str | Path, rs: RuleSet) -> list[CaseResult]:
    """Run every case under ``folder``; each result names its file relative to it
    (``real/cerave-moisturising-cream.yaml``), the way R&D finds it in the tree."""
    root = Path(folder)
    return [run_case(p, rs, p.relative_to(root).as_posix()) for p in case_files(root)]
