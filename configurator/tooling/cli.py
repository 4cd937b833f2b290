"""``configurator rules test|diff|docs``: R&D's regression formulas, rule diffs, rule pages.

Each ``add_*`` function adds one command's options; ``configurator/cli.py``'s
``COMMANDS`` table calls it when that command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import add_format_opt, add_rules_opt, rules_from


def cmd_rules_test(args: argparse.Namespace) -> int:
    from .cases import run_folder

    rs = rules_from(args.rules)
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


def add_test(p: argparse.ArgumentParser) -> None:
    """``configurator rules test [CASES] [--rules DIR]``."""
    p.add_argument("cases", nargs="?", help="folder of case files (default: RULES/tests)")
    add_rules_opt(p)
    p.set_defaults(func=cmd_rules_test)


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

    rs = rules_from(args.rules)
    pages = write_docs(rs, args.output)
    print(f"{len(pages)} pages written to {args.output} (rules {rs.version[:19]}…)")
    return 0


def add_diff(p: argparse.ArgumentParser) -> None:
    """``configurator rules diff OLD NEW [--format text|json]``."""
    p.add_argument("old", metavar="OLD", help="rules folder or git revision (HEAD~3, HEAD:rules)")
    p.add_argument("new", metavar="NEW", help="rules folder or git revision")
    add_format_opt(p)
    p.set_defaults(func=cmd_rules_diff)


def add_docs(p: argparse.ArgumentParser) -> None:
    """``configurator rules docs -o DIR [--rules DIR]``."""
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder to write into")
    add_rules_opt(p)
    p.set_defaults(func=cmd_rules_docs)
