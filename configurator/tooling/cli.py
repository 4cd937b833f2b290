"""``configurator rules test``: R&D's regression formulas."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import EXTRA_COMMANDS
from ..rules import load_rules


def cmd_rules_test(args: argparse.Namespace) -> int:
    from .cases import run_folder

    rs = load_rules(args.rules)
    folder = Path(args.cases) if args.cases else Path(rs.directory) / "tests"
    results = run_folder(folder, rs)
    bad = [r for r in results if not r.ok]
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.path}")
        for m in r.mismatches:
            print(f"       {m}")
    print(f"{len(results) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad or not results else 0


def register(_sub, rules) -> None:
    p = rules.add_parser("test", help="run the regression formulas of rules/tests/")
    p.add_argument("cases", nargs="?", help="folder of case files (default: RULES/tests)")
    p.add_argument("--rules", metavar="DIR")
    p.set_defaults(func=cmd_rules_test)


EXTRA_COMMANDS.append(register)
