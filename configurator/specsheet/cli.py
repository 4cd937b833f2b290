"""``configurator specsheet FORMULA -o sheet.pdf``: a draft spec sheet, offline.

Exit status 0 when the PDF is written (whatever the findings: the sheet prints
them), 2 when the formula, the batch, the rules or the output file cannot be
used; the message names the culprit, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from ..cli import add_on_opt, add_rules_opt, rules_from
from ..errors import ConfiguratorError, UnitError
from ..units import quantity

UNITS_FILL = re.compile(r"^\s*(\d+)\s*[x×*]\s*(.+?)\s*$")


def parse_batch(text: str):
    """``"50 kg"``, ``"200 L"`` or ``"1000 x 30 mL"`` (units × fill) as an engine Batch."""
    from ..engine.formula import Batch

    m = UNITS_FILL.match(text)
    units, size = (int(m.group(1)), m.group(2)) if m else (None, text.strip())
    q = quantity(size, "a mass or a volume")
    if not (q.check("[mass]") or q.check("[length]**3")) or not q.magnitude > 0:
        raise UnitError(size, "a positive mass or volume")
    if units is not None:
        if not 0 < units <= 10_000_000:
            raise UnitError(text, "a number of units from 1 to 10,000,000 times a fill")
        return Batch(units=units, fill=size)
    return Batch(size=size)


def cmd_specsheet(args: argparse.Namespace) -> int:
    from ..engine import check, parse_formula
    from ..yamlio import load_path
    from .render import render_pdf
    from .view import build_sheet

    try:
        batch = parse_batch(args.batch) if args.batch is not None else None
    except ConfiguratorError as exc:
        print(f"configurator: --batch {args.batch!r}: {exc}", file=sys.stderr)
        return 2
    formula = parse_formula(load_path(args.file), args.file)  # FormulaError: exit 2 in main()
    rs = rules_from(args.rules)
    report = check(formula, rs, args.on)
    try:
        sheet = build_sheet(formula, report, rs, status="draft", updated=date.today(),
                            batch=batch)
    except UnitError as exc:  # a formula batch in a volume the density cannot convert, say
        print(f"configurator: {args.file}: batch: {exc}", file=sys.stderr)
        return 2
    pdf = render_pdf(sheet)
    try:
        with open(args.output, "wb") as out:
            out.write(pdf)
    except OSError as exc:
        print(f"configurator: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 2
    state = "valid" if report.valid else f"NOT valid, {len(report.errors)} error(s)"
    print(f"{args.output}: spec sheet of {args.file} ({state}; {len(pdf)} bytes)")
    return 0


def add_specsheet(p: argparse.ArgumentParser) -> None:
    """``configurator specsheet FORMULA -o PDF [--batch SIZE] [--rules DIR] [--on DAY]``."""
    p.add_argument("file", metavar="FORMULA", help="formula file (YAML or JSON, contract §1)")
    p.add_argument("-o", "--output", required=True, metavar="PDF", help="where to write the PDF")
    p.add_argument("--batch", metavar="SIZE",
                   help='batch size: "50 kg", "200 L" or "1000 x 30 mL" (default: the formula\'s)')
    add_rules_opt(p)
    add_on_opt(p, "check the formula")
    p.set_defaults(func=cmd_specsheet)
