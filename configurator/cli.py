"""The ``configurator`` command (contract §2).

Exit status, the same table for every command (README.md, "The command line"):

* **0**: done, and the thing checked has no error (``check``: no error
  findings, warnings allowed; ``rules check``: no problem; ``rules test``:
  every case passes).
* **1**: the thing checked fails: ``check`` has error findings, ``repair``
  meets a conflict, ``rules check`` finds problems in the rule files (a rule
  folder is its subject, so its problems are findings, as a formula's are for
  ``check``), ``rules test`` a mismatch, ``rules promote`` a refusal.
* **2**: usage error, or an input that cannot be read: a missing or malformed
  formula, a ``--rules`` folder that does not load (for every command that
  *uses* the rules: ``check``, ``repair``, ``catalog``, ``specsheet``,
  ``rules test|diff|docs|impact|coverage``), a rules folder that does not
  exist (``rules check`` too), a database that does not answer. The message
  names the file and the line; never a traceback.

The skin quiz's section is compiled by what uses it (the web app, ``rules check``,
``rules promote``), not by ``load_rules``: ``rules check`` reports its problems (1), the
app does not start on it, and a command that never reads the quiz (``check``, ``repair``,
``catalog``, …) is not stopped by them.

Wiring: :data:`COMMANDS` names every sub-command, its one-line help and the
function (``"module:function"``) that adds its options to its own parser.
:func:`build_parser` calls that function only for the command being run, so a
command imports only what it uses: ``configurator check`` and ``--help`` load
neither the web stack (flask, sqlmodel, ``configurator.web``) nor WeasyPrint.
Adding a command is one line in the table and one function in its module.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfiguratorError, RuleSetError


def rules_from(path: str | None):
    """The rule set of ``--rules`` (the shipped one when ``None``); RuleSetError exits 2.

    Its quiz is not compiled: no command that calls this reads the quiz."""
    from .rules import load_rules

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
    from .errors import FormulaError
    from .yamlio import load_path

    rs = rules_from(args.rules)
    try:
        formula = parse_formula(load_path(args.file), args.file)
    except FormulaError as exc:
        if args.format == "json":  # as the API answers a malformed document (stdout), and
            json.dump({"error": f"{args.file} cannot be read as a formula",  # stderr below
                       "details": [{"file": p.file, "line": p.line, "message": p.message}
                                   for p in exc.problems]}, sys.stdout, ensure_ascii=False)
            print()
        raise
    report = check(formula, rs, args.on)
    if args.format == "json":
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_report_text(report, args.file)
    return 0 if report.valid else 1


@contextlib.contextmanager
def stdout_to_stderr():
    """Send what is written to file descriptor 1 meanwhile to 2 instead.

    The repair's MILP solver (HiGHS, inside scipy) now and then prints a line of its own
    straight to the process's standard output ("HighsMipSolverData::…"), under Python's
    ``sys.stdout``: in ``repair --format json`` it came before the JSON and broke it for
    a script reading it. For the one-shot command only: the redirection is the
    process's, not a thread's.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def cmd_repair(args: argparse.Namespace) -> int:
    import yaml

    from .engine import parse_formula
    from .engine.repair import Pins, repair
    from .yamlio import load_path

    rs = rules_from(args.rules)
    formula = parse_formula(load_path(args.file), args.file)
    with stdout_to_stderr():  # the MILP solver's own prints are not the answer
        result = repair(formula, rs, Pins.parse(args.pin))
    for pin in result.unmatched:
        print(f"configurator: {args.file}: --pin {pin} holds nothing in this formula (ignored)",
              file=sys.stderr)
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
                print(f"  drop {way.text}: "
                      + ("; ".join(c.text for c in way.changes) or "nothing else changes"))
        if result.formula is not None:
            print("Repaired formula:")
            print(yaml.safe_dump(result.formula.to_document(), sort_keys=False,
                                 allow_unicode=True).rstrip())
    return 0 if result.formula is not None else 1


def cmd_rules_check(args: argparse.Namespace) -> int:
    from .quiz import with_quiz
    from .rules import load_rules
    from .rules.holder import completeness

    if args.dir is not None and not Path(args.dir).is_dir():  # nothing to lint: unreadable, 2
        print(f"configurator: {args.dir} is not a folder of rule files", file=sys.stderr)
        return 2
    try:
        rs = with_quiz(load_rules(args.dir))
        missing = completeness(rs)  # an empty folder loads, but is no rule set
        if missing:
            raise RuleSetError(missing)
    except RuleSetError as exc:  # the folder's problems are this command's findings: 1
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.dir or rs.directory}: OK, {len(rs.ingredients)} ingredients, {len(rs.bases)} "
          f"bases, {len(rs.product_types)} product types, {len(rs.constraints)} constraints, "
          f"{len(rs.rules)} rules; version {rs.version}")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    rs = rules_from(args.rules)
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


def add_rules_opt(p: argparse.ArgumentParser,
                  help: str = "rules folder (default: the shipped rules/)",  # noqa: A002
                  metavar: str = "DIR") -> None:
    """``--rules DIR``: the one definition every command that reads a rules folder uses."""
    p.add_argument("--rules", metavar=metavar, help=help)


def add_format_opt(p: argparse.ArgumentParser) -> None:
    """``--format text|json`` (contract §2)."""
    p.add_argument("--format", choices=("text", "json"), default="text")


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


def add_check(p: argparse.ArgumentParser) -> None:
    """``configurator check FILE [--rules DIR] [--format text|json] [--on DAY]``."""
    p.add_argument("file")
    add_rules_opt(p)
    add_format_opt(p)
    add_on_opt(p)
    p.set_defaults(func=cmd_check)


def add_repair(p: argparse.ArgumentParser) -> None:
    """``configurator repair FILE [--pin ROW|ph|base]…``."""
    p.add_argument("file")
    p.add_argument("--pin", action="append", default=[], metavar="ROW|ph|base",
                   help="keep this row at its strength (an INCI name), the target pH or the base")
    add_rules_opt(p)
    add_format_opt(p)
    p.set_defaults(func=cmd_repair)


def add_catalog(p: argparse.ArgumentParser) -> None:
    """``configurator catalog [SECTION]``."""
    add_rules_opt(p)
    p.add_argument("section", nargs="?", default="all",
                   choices=("all", "ingredients", "bases", "product_types", "constraints"))
    add_format_opt(p)
    p.set_defaults(func=cmd_catalog)


def add_rules_check(p: argparse.ArgumentParser) -> None:
    """``configurator rules check [DIR]``: DIR is the subject, so a positional, not ``--rules``."""
    p.add_argument("dir", nargs="?", default=None)
    p.set_defaults(func=cmd_rules_check)


@dataclass(frozen=True)
class Command:
    """One sub-command: its words, its one-line help, what adds its options.

    ``adds`` is ``"module:function"``; the function gets the command's own
    parser. ``None`` marks a group (``rules``) whose sub-commands follow.
    """

    words: tuple[str, ...]
    help: str
    adds: str | None


_WEB, _TOOLING = "configurator.web.cli", "configurator.tooling.cli"

COMMANDS: tuple[Command, ...] = (
    Command(("check",), "validate a formula file (contract §2)", f"{__name__}:add_check"),
    Command(("repair",), "the nearest formula that keeps every rule "
                         "(exit 0 found, 1 conflict, 2 unreadable)", f"{__name__}:add_repair"),
    Command(("catalog",), "list ingredients, bases, product types, constraints",
            f"{__name__}:add_catalog"),
    Command(("specsheet",), "render a formula's spec sheet (PDF, status draft)",
            "configurator.specsheet.cli:add_specsheet"),
    Command(("serve",), "run the web app (gunicorn; --dev for Flask's server)",
            f"{_WEB}:add_serve"),
    Command(("users",), "manage accounts", f"{_WEB}:add_users"),
    Command(("db",), "back up and restore the database", "configurator.store.backup:register"),
    Command(("rules",), "R&D's rule tooling", None),
    Command(("rules", "check"), "lint a rules folder (exit 1 on problems)",
            f"{__name__}:add_rules_check"),
    Command(("rules", "test"), "run the regression formulas of rules/tests/",
            f"{_TOOLING}:add_test"),
    Command(("rules", "diff"), "what changed between two rule sets (folders or git revisions)",
            f"{_TOOLING}:add_diff"),
    Command(("rules", "docs"), "render the rule set as static HTML pages",
            f"{_TOOLING}:add_docs"),
    Command(("rules", "impact"), "re-validate every saved design against candidate rules",
            "configurator.tooling.impact:register"),
    Command(("rules", "import-cosing"), "generate rules/eu/generated/ from the CosIng annex "
                                        "exports", "configurator.tooling.cosing.cli:add_import"),
    Command(("rules", "coverage"), "how much of Annexes II-VI the rules encode, and what is left",
            "configurator.tooling.cosing.cli:add_coverage"),
    Command(("rules", "promote"), "accept a rules folder that drops files or annex coverage "
                                  "(the reason is recorded)", f"{_WEB}:add_promote"),
)


def _words(argv: list[str]) -> tuple[str, ...]:
    """The command words at the head of ``argv`` (``["rules", "check", "x"]``), up to an option."""
    words = []
    for arg in argv:
        if arg.startswith("-"):
            break
        words.append(arg)
    return tuple(words)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser: every command named, the options of the one ``argv`` runs (all if ``None``)."""
    parser = argparse.ArgumentParser(prog="configurator", description=__doc__.splitlines()[0])
    groups = {(): parser.add_subparsers(dest="command", required=True)}
    chosen = None if argv is None else _words(argv)
    for cmd in COMMANDS:
        p = groups[cmd.words[:-1]].add_parser(cmd.words[-1], help=cmd.help)
        if cmd.adds is None:
            groups[cmd.words] = p.add_subparsers(dest=f"{cmd.words[-1]}_command", required=True)
        elif chosen is None or chosen[:len(cmd.words)] == cmd.words:
            module, function = cmd.adds.split(":")
            getattr(importlib.import_module(module), function)(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``configurator`` console script (exit status: the module docstring)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
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
