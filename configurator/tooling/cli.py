"""``configurator rules test``: R&D's regression formulas."""

from __future__ import annotations

import argparse
import sys
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
    if not results:
        print(f"configurator: no case files (*.yaml, *.json) in {folder}", file=sys.stderr)
    return 1 if bad or not results else 0


def register(_sub, rules) -> None:
    p = rules.add_parser("test", help="run the regression formulas of rules/tests/")
    p.add_argument("cases", nargs="?", help="folder of case files (default: RULES/tests)")
    p.add_argument("--rules", metavar="DIR")
    p.set_defaults(func=cmd_rules_test)


EXTRA_COMMANDS.append(register)


def cmd_rules_diff(args: argparse.Namespace) -> int:
    import json

    from .diff import diff, render_text

    d = diff(args.old, args.new)
    if args.format == "json":
        json.dump(d.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(render_text(d))
    return 0


def cmd_rules_docs(args: argparse.Namespace) -> int:
    from .docs import write_docs

    rs = load_rules(args.rules)
    pages = write_docs(rs, args.output)
    print(f"{len(pages)} pages written to {args.output} (rules {rs.version[:19]}…)")
    return 0


def register_diff_docs(_sub, rules) -> None:
    p = rules.add_parser("diff", help="what changed between two rule sets (folders or git revisions)")
    p.add_argument("old", metavar="OLD", help="rules folder or git revision (HEAD~3, HEAD:rules)")
    p.add_argument("new", metavar="NEW", help="rules folder or git revision")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_rules_diff)
    p = rules.add_parser("docs", help="render the rule set as static HTML pages")
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder to write into")
    p.add_argument("--rules", metavar="DIR")
    p.set_defaults(func=cmd_rules_docs)


EXTRA_COMMANDS.append(register_diff_docs)

# `configurator rules impact` registers itself (configurator/tooling/impact.py)
from . import impact as _impact  # noqa: E402,F401
# `configurator rules import-cosing` and `rules coverage` (configurator/tooling/cosing/cli.py)
from .cosing import cli as _cosing_cli  # noqa: E402,F401
