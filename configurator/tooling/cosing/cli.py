"""``configurator rules import-cosing`` and ``configurator rules coverage``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ...cli import EXTRA_COMMANDS
from ...rules.loader import default_rules_dir


def cmd_import_cosing(args: argparse.Namespace) -> int:
    from . import DELETED, GENERATED, NOT_ENCODED, OVERRIDE, SUPERSEDED, generate

    rules_dir = Path(args.rules) if args.rules else default_rules_dir()
    result = generate(args.dir, rules_dir)
    for path in result.written:
        print(f"wrote {path}")
    for path in result.removed:
        print(f"removed {path} (no longer generated)")
    for annex, c in result.counts.items():
        print(f"Annex {annex}: {c['total']} entries, {c[GENERATED]} generated, {c[OVERRIDE]} by overrides, "
              f"{c[NOT_ENCODED]} not encoded; {c[DELETED]} moved or deleted, {c[SUPERSEDED]} superseded "
              f"rows not counted")
    print(f"{result.rules} rules generated")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage, render_text, to_dict

    cov = coverage(Path(args.rules) if args.rules else default_rules_dir())
    if args.format == "json":
        json.dump(to_dict(cov), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(render_text(cov))
    return 0


def register(_sub, rules) -> None:
    p = rules.add_parser("import-cosing", help="generate rules/eu/generated/ from the CosIng annex exports")
    p.add_argument("dir", metavar="DIR", help="folder holding the five COSING_Annex_*_v2.txt exports")
    p.add_argument("--rules", metavar="RULES_DIR", help="rules folder to write into (default: the shipped rules/)")
    p.set_defaults(func=cmd_import_cosing)
    p = rules.add_parser("coverage", help="how much of Annexes II-VI the rules encode, and what is left")
    p.add_argument("--rules", metavar="DIR")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_coverage)


EXTRA_COMMANDS.append(register)
