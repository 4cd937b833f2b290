"""``configurator rules impact --on DATE``: the saved designs a coming date breaks.

A rule may apply from a later day (``placed_from``, rules/README.md). Checked
today, a design that breaks it gets a ``coming-rule`` warning; checked on that
day, the rule's own finding. A design *breaks on DATE* when it is valid today
and not valid as of DATE.

Exact, and cheap: between today and DATE the only rules whose effect changes are
those with ``today < placed_from <= DATE`` (the window). The engine runs a rule
only when one of its ``triggers`` is in the formula, or when it has none (see
``RuleSet.rule_index`` and ``always_index``, the engine's own plan). So a design
holding none of the window's triggers gets the same report both days and is left
out; the engine checks the others twice, today and as of DATE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..days import day_text
from ..engine import check
from ..engine.compose import compose
from ..engine.formula import Formula
from ..rules.model import Rule, RuleSet


@dataclass(frozen=True)
class Window:
    """The rules of ``rs`` that come into force after ``today`` and by ``on``."""

    today: date
    on: date
    rules: tuple[Rule, ...]

    @staticmethod
    def of(rs: RuleSet, today: date, on: date) -> Window:
        """The window of ``rs`` from ``today`` (excluded) to ``on`` (included)."""
        return Window(today, on, tuple(r for r in rs.rules if r.placed_from is not None
                                       and today < r.placed_from <= on))

    def concerns(self, formula: Formula, rs: RuleSet) -> bool:
        """Whether a rule of the window can find something in ``formula`` at all."""
        if not self.rules:
            return False
        if any(not r.triggers for r in self.rules):
            return True  # a rule no ingredient triggers runs on every formula
        d = compose(formula, rs, rs.bases.get(formula.base or ""))
        live = {iid for iid, p in d.present.items() if p > 0}
        return any(not r.triggers.isdisjoint(live) for r in self.rules)


def _rule_json(r: Rule) -> dict:
    return {"rule": r.id, "placed_from": r.placed_from.isoformat(),
            "available_from": r.available_from.isoformat() if r.available_from else None,
            "regulation": r.regulation, "source": r.source}


def coming_impact(items: list[dict], formulas: list[Formula], rs: RuleSet, on: date,
                  today: date | None = None,
                  progress: Callable[[int], None] | None = None) -> dict:
    """The designs (``items``, one per formula) valid ``today`` that are not valid ``on``.

    Each is listed with the window's rules it breaks then (their error findings);
    designs already not valid today that a coming rule adds errors to are listed
    apart (``also_affected``), so that a fix today can cover both.
    """
    today = today or date.today()
    window = Window.of(rs, today, on)
    ids = {r.id: r for r in window.rules}
    breaks, also, concerned = [], [], 0
    for item, formula in zip(items, formulas, strict=True):
        if progress is not None:
            progress(1)
        if not window.concerns(formula, rs):
            continue
        concerned += 1
        now, then = check(formula, rs, today), check(formula, rs, on)
        found = [{"rule": f.rule, "placed_from": ids[f.rule].placed_from.isoformat(),
                  "ingredients": list(f.ingredients), "message": f.message, "fix": f.fix,
                  "source": f.source}
                 for f in then.findings if f.severity == "error" and f.rule in ids]
        if not found:
            continue
        if now.valid and not then.valid:
            breaks.append({**item, "rules": found})
        elif not now.valid:
            also.append({**item, "rules": found})
    groups: dict[str, list[int]] = {}
    for entry in breaks:
        for f in entry["rules"]:
            groups.setdefault(f["rule"], [])
            if entry["design"] not in groups[f["rule"]]:
                groups[f["rule"]].append(entry["design"])
    return {
        "rules_version": rs.version, "today": today.isoformat(), "on": on.isoformat(),
        "coming_rules": [_rule_json(r) for r in window.rules],
        "designs_checked": len(items), "designs_concerned": concerned,
        "breaks": breaks, "also_affected": also,
        "groups": [{**_rule_json(ids[rid]), "designs": designs}
                   for rid, designs in sorted(groups.items(),
                                              key=lambda g: (ids[g[0]].placed_from, g[0]))],
    }


def run_coming(database_url: str, rules_dir: str, on: date, today: date | None = None,
               progress: Callable[[int], None] | None = None) -> dict:
    """:func:`coming_impact` over every design's latest revision in a database."""
    from sqlmodel import Session

    from ..rules import load_rules
    from ..store import db
    from .impact import latest_designs

    rs = load_rules(rules_dir)
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
        with Session(engine) as session:
            items, formulas, _stored, unreadable = latest_designs(session, stored=False)
        report = coming_impact(items, formulas, rs, on, today, progress)
        report["rules_dir"] = str(rules_dir)
        report["unreadable"] = unreadable
        return report
    finally:
        engine.dispose()


def _when(iso: str) -> str:
    return day_text(date.fromisoformat(iso))


def format_text(report: dict) -> str:
    """The report as the terminal shows it."""
    on, today = _when(report["on"]), _when(report["today"])
    out = [f"Designs valid today ({today}) that break a rule coming into force by {on} "
           f"(rules {report['rules_version'][:19]}…)"]
    rules = report["coming_rules"]
    if not rules:
        out.append(f"No rule of {report['rules_dir']} comes into force after {today} and by {on}.")
    else:
        out.append(f"{len(rules)} rule{'s' if len(rules) != 1 else ''} come{'' if len(rules) != 1 else 's'} "
                   f"into force after today and by {on}:")
        for r in rules:
            out.append(f"  {r['rule']}: from {_when(r['placed_from'])} ({r['source']})")
    out.append(f"{report['designs_checked']} designs checked (latest revisions), "
               f"{report['designs_concerned']} hold an ingredient a coming rule concerns, "
               f"{len(report['breaks'])} break on {on}.")
    for u in report.get("unreadable", []):
        out.append(f"  design #{u['design']} revision {u['revision']} cannot be read: {u['problem']}")
    by_id = {e["design"]: e for e in report["breaks"]}
    if report["groups"]:
        out += ["", "By rule:"]
    for g in report["groups"]:
        n = len(g["designs"])
        out.append(f"  {g['rule']} from {_when(g['placed_from'])} ({n} design{'s' if n != 1 else ''}; "
                   f"{g['source']})")
        for did in g["designs"]:
            e = by_id[did]
            f = next(f for f in e["rules"] if f["rule"] == g["rule"])
            out.append(f"    #{did} {e['name']!r} r{e['revision']} ({e['status']}): valid today → "
                       f"NOT valid on {on}: {f['message']}")
    if report["also_affected"]:
        out += ["", "Already not valid today, with more errors then:"]
        for e in report["also_affected"]:
            out.append(f"  #{e['design']} {e['name']!r} r{e['revision']} ({e['status']}): "
                       + ", ".join(dict.fromkeys(f["rule"] for f in e["rules"])))
    return "\n".join(out)
