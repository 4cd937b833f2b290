"""``configurator rules coverage``: how much of each annex the rule set encodes.

Per annex: entries encoded by generated rules (rules/eu/generated/), by hand-written
overrides, and not encoded (each with its reason), and the percentage covered. Rows that
are no entry in force are counted apart and listed with why, outside the percentage:
"Moved or deleted" rows, and older versions of an entry the export still carries
(restricted.superseded). The
exports are read from `<rules>/cosing/`. It also says whether the generated files on
disk are the ones `import-cosing` would write now (an override added since the last
import, or an edited generated file, makes them stale).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    DELETED,
    GENERATED,
    GENERATED_DIR,
    NOT_ENCODED,
    OVERRIDE,
    SUPERSEDED,
    Status,
    counts,
    plan,
)
from .read import ANNEXES, read_all


@dataclass(frozen=True)
class Coverage:
    statuses: tuple[Status, ...]
    counts: dict  # annex → {generated, override, not-encoded, deleted, superseded, total (live)}
    versions: dict  # annex → last update of its export (ISO)
    stale: tuple[str, ...]  # generated files missing or differing from a fresh import
    # the rule set's rules per act they enforce (Regulation (EC) No 1223/2009, REACH, …)
    by_regulation: dict = field(default_factory=dict)
    # (annex, ref, enforced): the entries whose conditions name children (under 3, under 6,
    # the nappy area), and whether a rule conditioned on the product's age encodes them
    children: tuple = ()

    def percent(self, annex: str) -> float:
        c = self.counts[annex]
        return round(100.0 * (c[GENERATED] + c[OVERRIDE]) / c["total"], 1) if c["total"] else 100.0


def coverage(rules_dir: str | Path) -> Coverage:
    """The coverage of the rule set in `rules_dir` against the exports in `rules_dir/cosing`."""
    rules_dir = Path(rules_dir)
    p = plan(rules_dir / "cosing", rules_dir)
    stale = []
    for rel, text in sorted(p.files.items()):
        path = rules_dir / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel)
    folder = rules_dir / GENERATED_DIR
    extra = {f"{GENERATED_DIR.as_posix()}/{f.name}" for f in folder.glob("annex-*.yaml")} - set(p.files)
    by_regulation, children = _regulations_and_children(rules_dir)
    return Coverage(p.statuses, counts(p.statuses), p.versions, tuple(sorted([*stale, *extra])),
                    by_regulation, children)


_CHILDREN = re.compile(r"children|nappy", re.IGNORECASE)
_CITES = re.compile(r"Annex ([IVX]+), entr(?:y|ies) (\w+)")


def _regulations_and_children(rules_dir: Path) -> tuple[dict, tuple]:
    """Rules per regulation, and the annex entries about children with their enforcement."""
    from ...rules.loader import load_rules

    rs = load_rules(rules_dir)
    by_regulation: dict[str, int] = {}
    aged: set[tuple[str, str]] = set()
    for r in rs.rules:
        by_regulation[r.regulation or "(none)"] = by_regulation.get(r.regulation or "(none)", 0) + 1
        if r.when is not None and r.when.age:  # a limit, or a label (III 59: talc powders)
            aged.update(_CITES.findall(r.source))
    children = []
    for annex, entries in read_all(rules_dir / "cosing").items():
        for e in entries:
            if annex != "II" and _CHILDREN.search(f"{e.product_type} {e.other} {e.maximum}") \
                    and not re.match(r"moved or deleted", e.chemical_name.strip(), re.I):
                children.append((annex, e.ref, (annex, e.ref) in aged))
    return dict(sorted(by_regulation.items())), tuple(sorted(set(children)))


def to_dict(cov: Coverage) -> dict:
    """The JSON form: per annex the counts, the percentage, every not-encoded entry and
    every row not counted (deleted, superseded) with why."""
    annexes = {}
    for annex in ANNEXES:
        c = cov.counts[annex]
        annexes[annex] = {
            "export_last_update": cov.versions[annex],
            "entries": c["total"], "generated": c[GENERATED], "override": c[OVERRIDE],
            "not_encoded": c[NOT_ENCODED], "percent": cov.percent(annex),
            "not_encoded_entries": [{"ref": s.ref, "name": s.name, "reason": s.reason}
                                    for s in cov.statuses if s.annex == annex and s.status == NOT_ENCODED],
            "deleted": c[DELETED], "superseded": c[SUPERSEDED],
            "not_counted_rows": [{"ref": s.ref, "line": s.line, "status": s.status, "reason": s.reason}
                                 for s in cov.statuses if s.annex == annex and s.status in (DELETED, SUPERSEDED)],
        }
    return {"annexes": annexes, "generated_files_up_to_date": not cov.stale, "stale_files": list(cov.stale),
            "rules_by_regulation": cov.by_regulation,
            "children_entries": [{"annex": a, "ref": r, "enforced_by_age": ok}
                                 for a, r, ok in cov.children]}


def render_text(cov: Coverage) -> str:
    """A table per annex, then the not-encoded entries with their reasons."""
    lines = [f"{'annex':<6}{'entries':>8}{'generated':>10}{'override':>9}{'not enc.':>9}{'covered':>9}"
             f"{'deleted':>9}{'superseded':>11}"]
    for annex in ANNEXES:
        c = cov.counts[annex]
        lines.append(f"{annex:<6}{c['total']:>8}{c[GENERATED]:>10}{c[OVERRIDE]:>9}{c[NOT_ENCODED]:>9}"
                     f"{cov.percent(annex):>8.1f}%{c[DELETED]:>9}{c[SUPERSEDED]:>11}")
    lines.append("(entries: the live entries; deleted and superseded rows are not counted in them)")
    lines.append("")
    lines.append("rules by regulation: " + "; ".join(f"{k}: {v}" for k, v in cov.by_regulation.items()))
    done = [f"{a} {r}" for a, r, ok in cov.children if ok]
    todo = [f"{a} {r}" for a, r, ok in cov.children if not ok]
    lines.append(f"entries about children (under 3, under 6, nappy area): {len(cov.children)}, "
                 f"enforced by the product's age: {len(done)} ({', '.join(done)})"
                 + (f"; not by age: {', '.join(todo)}" if todo else ""))
    lines.append("")
    lines.append("generated files: " + ("up to date" if not cov.stale else
                                         "STALE (run `configurator rules import-cosing`): " + ", ".join(cov.stale)))
    for annex in ANNEXES:
        todo = [s for s in cov.statuses if s.annex == annex and s.status == NOT_ENCODED]
        if todo:
            lines += ["", f"Annex {annex}, not encoded:"]
            lines += [f"  entry {s.ref}: {s.name[:60]} -- {s.reason}" for s in todo]
    for annex in ANNEXES:
        gone = [s for s in cov.statuses if s.annex == annex and s.status in (DELETED, SUPERSEDED)]
        if gone:
            lines += ["", f"Annex {annex}, rows not counted (no entry in force):"]
            lines += [f"  entry {s.ref} (line {s.line}): {s.status} -- {s.reason}" for s in gone]
    return "\n".join(lines) + "\n"
