"""The ``configurator`` command (contract §2).

Exit status for ``check``: 0 no error findings, 1 error findings, 2 the file
(or the rule set) cannot be read; the message names the file and the line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from .errors import ConfiguratorError, RuleSetError
from .rules import load_rules
from .rules.model import RuleSet


def _rules(path: str | None) -> RuleSet:
    return load_rules(path)


def _print_report_text(report, name: str) -> None:
    from .days import day_text
    from .engine.checks import fmt

    status = "valid" if report.valid else "NOT valid"
    print(f"{name}: {status} (rules {report.rules_version[:19]}… as of "
          f"{day_text(report.checked_on)})")
    for f in report.findings:
        who = f" [{', '.join(f.ingredients)}]" if f.ingredients else ""
        print(f"  {f.severity.upper():7} {f.code}{who}: {f.message}")
        if f.fix:
            print(f"          fix: {f.fix}")
        if f.source:
            print(f"          source: {f.source}")
    print("Composition:")
    for line in report.composition:
        print(f"  {line.phase or '?':1}  {fmt(line.percent):>8} %  {line.inci}")
    print(f"  total {report.total:.2f} %")
    print(f"Label: {report.label}")
    if report.allergens:
        print(f"Allergens to declare: {', '.join(report.allergens)}")
    if report.cost_per_kg is not None:
        print(f"Raw-material cost: {report.cost_per_kg:.2f} EUR/kg")


def cmd_check(args: argparse.Namespace) -> int:
    from .engine import check, parse_formula
    from .yamlio import load_path

    rs = _rules(args.rules)
    formula = parse_formula(load_path(args.file), args.file)
    report = check(formula, rs, args.on)
    if args.format == "json":
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_report_text(report, args.file)
    return 0 if report.valid else 1


def cmd_repair(args: argparse.Namespace) -> int:
    import yaml

    from .engine import parse_formula
    from .engine.repair import Pins, repair
    from .yamlio import load_path

    rs = _rules(args.rules)
    formula = parse_formula(load_path(args.file), args.file)
    result = repair(formula, rs, Pins.parse(args.pin))
    if args.format == "json":
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{args.file}: {result.status} ({len(result.changes)} change(s); "
              f"rules {rs.version[:19]}…)")
        for c in result.changes:
            print(f"  ~ {c.text}")
            for why in c.why:
                print(f"      why: {why}")
        if result.why:
            print(f"  {result.why}:")
            for f in result.report.errors if result.report is not None else ():
                print(f"  ERROR   {f.code}: {f.message}")
        if result.conflict is not None:
            print(f"Conflict: {result.conflict.text}")
            for way in result.conflict.ways_out:
                print(f"  drop {way.drop.text}: "
                      + ("; ".join(c.text for c in way.changes) or "nothing else changes"))
        if result.formula is not None:
            print("Repaired formula:")
            print(yaml.safe_dump(result.formula.to_document(), sort_keys=False,
                                 allow_unicode=True).rstrip())
    return 0 if result.formula is not None else 1


def cmd_rules_check(args: argparse.Namespace) -> int:
    from .rules.holder import completeness

    try:
        rs = load_rules(args.dir)
        missing = completeness(rs)  # an empty folder loads, but is no rule set
        if missing:
            raise RuleSetError(missing)
    except RuleSetError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.dir or rs.directory}: OK, {len(rs.ingredients)} ingredients, {len(rs.bases)} "
          f"bases, {len(rs.product_types)} product types, {len(rs.constraints)} constraints, "
          f"{len(rs.rules)} rules; version {rs.version}")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    rs = _rules(args.rules)
    data = {
        "rules_version": rs.version,
        "ingredients": [
            {"id": i.id, "inci": i.inci, "cas": list(i.cas), "functions": list(i.functions),
             "tags": sorted(i.tags), "phase": i.phase, "use": [i.use_min, i.use_max],
             "cost_per_kg": i.cost_per_kg}
            for i in sorted(rs.ingredients.values(), key=lambda i: i.inci.casefold())
        ],
        "bases": [{"id": b.id, "name": b.name, "suits": list(b.suits)} for b in rs.bases.values()],
        "product_types": [
            {"id": p.id, "name": p.name, "application": p.application, "area": p.area,
             "form": p.form} for p in rs.product_types.values()],
        "constraints": [{"id": c.id, "name": c.name, "description": c.description}
                        for c in rs.constraints.values()],
    }
    section = args.section
    if args.format == "json":
        json.dump(data if section == "all" else {section: data[section]}, sys.stdout,
                  ensure_ascii=False, indent=2)
        print()
        return 0
    for key in (("ingredients", "bases", "product_types", "constraints") if section == "all"
                else (section,)):
        print(f"{key.replace('_', ' ').title()} ({len(data[key])}):")
        for row in data[key]:
            label = row.get("inci") or row.get("name")
            print(f"  {row['id']:40} {label}")
    return 0


def _add_rules_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", metavar="DIR", help="rules folder (default: the shipped rules/)")


def day_arg(text: str):
    """An argparse ``type`` for ``--on YYYY-MM-DD``: a bad day is a usage error (exit 2)."""
    from .days import DayError, parse_day

    try:
        return parse_day(text)
    except DayError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_on_opt(p: argparse.ArgumentParser, what: str = "check") -> None:
    """``--on YYYY-MM-DD``: the day to check as of (rules with a later date only warn)."""
    p.add_argument("--on", type=day_arg, metavar="YYYY-MM-DD",
                   help=f"{what} as of this day (default: today); a rule that applies from a "
                        "later day gives a coming-rule warning instead of its finding")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="configurator", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate a formula file (contract §2)")
    p.add_argument("file")
    _add_rules_opt(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_on_opt(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("repair", help="the nearest formula that keeps every rule "
                                      "(exit 0 found, 1 conflict, 2 unreadable)")
    p.add_argument("file")
    p.add_argument("--pin", action="append", default=[], metavar="ROW|ph|base",
                   help="keep this row at its strength (an INCI name), the target pH or the base")
    _add_rules_opt(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("catalog", help="list ingredients, bases, product types, constraints")
    _add_rules_opt(p)
    p.add_argument("section", nargs="?", default="all",
                   choices=("all", "ingredients", "bases", "product_types", "constraints"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_catalog)

    rules = sub.add_parser("rules", help="R&D's rule tooling").add_subparsers(
        dest="rules_command", required=True)
    p = rules.add_parser("check", help="lint a rules folder (exit 1 on problems)")
    p.add_argument("dir", nargs="?", default=None)
    p.set_defaults(func=cmd_rules_check)

    for register in EXTRA_COMMANDS:
        register(sub, rules)
    return parser


# Other modules (web, spec sheet, rule tooling) add their sub-commands here.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction, argparse._SubParsersAction], None]] = []


def _load_extras() -> None:
    for mod in ("configurator.web.cli", "configurator.specsheet.cli", "configurator.tooling.cli",
                "configurator.web.backup"):
        try:
            __import__(mod)
        except ModuleNotFoundError as exc:
            if exc.name and not mod.startswith(exc.name):
                raise


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``configurator`` console script."""
    _load_extras()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except RuleSetError as exc:
        print(f"configurator: the rule set cannot be loaded\n{exc}", file=sys.stderr)
        return 2
    except ConfiguratorError as exc:
        print(f"configurator: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `configurator check x | head`: the reader left, so do we
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
