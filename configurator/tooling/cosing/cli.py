"""``configurator rules import-cosing`` and ``configurator rules coverage``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ...cli import add_format_opt, add_rules_opt


def _rules_dir(args: argparse.Namespace) -> Path:
    from ...rules.loader import default_rules_dir

    return Path(args.rules) if args.rules else default_rules_dir()


def cmd_import_cosing(args: argparse.Namespace) -> int:
    from . import DELETED, GENERATED, NOT_ENCODED, OVERRIDE, SUPERSEDED, generate

    rules_dir = _rules_dir(args)
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

    cov = coverage(_rules_dir(args))
    if args.format == "json":
        json.dump(to_dict(cov), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(render_text(cov))
    return 0


def add_import(p: argparse.ArgumentParser) -> None:
    """``configurator rules import-cosing DIR [--rules RULES_DIR]``."""
    p.add_argument("dir", metavar="DIR", help="folder holding the five COSING_Annex_*_v2.txt exports")
    add_rules_opt(p, "rules folder to write into (default: the shipped rules/)", "RULES_DIR")
    p.set_defaults(func=cmd_import_cosing)


def add_coverage(p: argparse.ArgumentParser) -> None:
    """``configurator rules coverage [--rules DIR] [--format text|json]``."""
    add_rules_opt(p)
    add_format_opt(p)
    p.set_defaults(func=cmd_coverage)
