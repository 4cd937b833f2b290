"""Spec sheet speed: build and render the PDF of a 35-ingredient formula.

Run: .venv/bin/python benchmarks/bench_specsheet.py [--runs N] [--png PATH]
Uses the shipped rules when they load; else the shipped catalog files alone;
else tests/data/minirules (padded with names the catalog does not know, which
adds findings and makes the sheet longer, not shorter). Prints the rule set
used, the cold render (first in the process: template compile, stylesheet
parse, font lookup), the warm render median and spread, build_sheet's time and
the page count. --png also writes the first page at 60 dpi (pdftoppm).

The floor (issue 19): a plain WeasyPrint render of a comparable sheet, run in the same
process in alternating rounds with the warm render (sheet, floor, floor, sheet, ...).
It is the same HTML with every ``class`` attribute taken out, rendered with a plain
stylesheet (:data:`PLAIN`: A4 with the sheet's margins, its font family, size and line
height, tables 100 % wide with fixed layout and collapsed borders): the same text in
the same font over the same number of pages, without the sheet's styling (running
header and footer, page counter, watermark, rules, colours). Each round's time is the
process's CPU time (``time.process_time``) beside the wall clock: on a shared machine
the wall clock also counts the time other jobs held the cores. The figure is the median
of the per-round ratios sheet ÷ floor, beside each side's median. Before the first
render the objects made so far (the rule set above all, which neither render touches) are
moved out of the garbage collector's view (``gc.freeze``): otherwise each full collection,
which ever render's allocations happen to trigger it, walks the ~150,000 objects of the
rule set (30 ms a render on average here), and the side that drew more of them in a run
moved the ratio by 0.1-0.3 between runs (sheet medians 200 or 230-256 ms beside a floor of
182-184 ms). Both sides render with the same collector.

``--instructions`` counts instead of timing (the CPU-time ratio moves by ±15 points on a
busy shared machine; instruction counts do not): each side runs under callgrind in a
process of its own, once with 1 render and once with 3, and one warm render is half the
difference (the imports, the cold render and the set-up cancel out). It needs valgrind;
``PYTHONHASHSEED`` is fixed to 0 so dict and set order, and with them the counts, repeat.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from configurator.engine import check, parse_formula  # noqa: E402
from configurator.errors import RuleSetError  # noqa: E402
from configurator.rules import load_rules  # noqa: E402

N = 35

# A rich O/W cream, in order of preference; names the rule set does not know are skipped.
CREAM = [
    ("Glycerin", 4), ("Propanediol", 2), ("Butylene Glycol", 2), ("Niacinamide", 4),
    ("Panthenol", 1), ("Allantoin", 0.2), ("Sodium Hyaluronate", 0.1), ("Xanthan Gum", 0.2),
    ("Disodium EDTA", 0.1), ("Sodium Phytate", 0.1), ("Caprylic/Capric Triglyceride", 5),
    ("Squalane", 3), ("Cetearyl Alcohol", 2.5), ("Glyceryl Stearate", 2), ("Cetearyl Glucoside", 1),
    ("Butyrospermum Parkii Butter", 2), ("Simmondsia Chinensis Seed Oil", 2), ("Dimethicone", 1),
    ("Tocopherol", 0.5), ("Cetyl Alcohol", 1), ("Isopropyl Myristate", 1), ("Bisabolol", 0.2),
    ("Ceramide NP", 0.1), ("Betaine", 1), ("Phenoxyethanol", 0.9),
    ("Ethylhexylglycerin", 0.1), ("Ascorbyl Glucoside", 1), ("Zinc PCA", 0.3),
    ("Adenosine", 0.04), ("Centella Asiatica Extract", 0.5), ("Aloe Barbadensis Leaf Juice", 2),
    ("Sodium Lactate", 0.5), ("Linalool", 0.002), ("Citric Acid", 0.05),
    ("Sodium Hydroxide", 0.05), ("Parfum", 0.1),
]


def rule_set():
    """(rule set, how it was obtained): the shipped rules, their catalog, or minirules."""
    try:
        return load_rules(ROOT / "rules"), "shipped rules/"
    except RuleSetError as exc:
        problems = len(exc.problems)
    tmp = Path(tempfile.mkdtemp(prefix="bench-specsheet-"))
    for f in (ROOT / "rules" / "catalog").glob("*.yaml"):
        shutil.copy(f, tmp / f.name)
    shutil.copy(ROOT / "rules" / "product_types.yaml", tmp / "product_types.yaml")
    try:
        return load_rules(tmp), f"shipped catalog only (rules/ has {problems} lint problems)"
    except RuleSetError:
        return load_rules(ROOT / "tests" / "data" / "minirules"), (
            f"tests/data/minirules (rules/ has {problems} lint problems)")


def formula_doc(rs) -> dict:
    known = [(n, p) for n, p in CREAM if rs.resolve(n) is not None
             and "prohibited-eu" not in rs.resolve(n).tags]
    seen = {rs.resolve(n).id for n, _p in known}
    extra = [i for i in sorted(rs.ingredients.values(), key=lambda i: i.id)
             if i.id not in seen and i.id != "aqua" and "prohibited-eu" not in i.tags
             and not i.tags & {"uv-filter", "colourant"}]
    rows = known[: N - 1]
    for ing in extra[: N - 1 - len(rows)]:
        rows.append((ing.inci, ing.use_min or 0.1))
    k = 1
    while len(rows) < N - 1:  # a small catalog: pad with names it does not know
        rows.append((f"Benchmark Extract {k}", 0.1))
        k += 1
    return {
        "name": "Barrier repair cream with niacinamide and ceramides",
        "product_type": "face-cream" if "face-cream" in rs.product_types else
                        {"application": "leave-on", "area": "face", "form": "cream"},
        "target_ph": 5.5,
        "constraints": [c for c in ("vegan",) if c in rs.constraints],
        "ingredients": [{"inci": "Aqua", "qs": True}] + [{"inci": n, "percent": p}
                                                          for n, p in rows],
        "batch": {"units": 2000, "fill": "50 mL"},
        "notes": "Pilot batch for the client's launch; fill in airless pumps.",
    }


PLAIN = """@page { size: A4; margin: 20mm 16mm 18mm 16mm }
html { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; line-height: 1.35 }
body { margin: 0 }
table { width: 100%; border-collapse: collapse; table-layout: fixed }
"""


def floor_renderer(html: str):
    """The floor: ``html`` without its classes, with :data:`PLAIN` (parsed once), to PDF."""
    from weasyprint import CSS, HTML

    plain_html = re.sub(r'\sclass="[^"]*"', "", html)
    css = CSS(string=PLAIN)

    def render() -> bytes:
        return HTML(string=plain_html).write_pdf(stylesheets=[css], pdf_identifier=True)

    return render


def _renders(side: str, count: int, sheet_file: Path) -> None:
    """Render ``count`` times, untimed (a child of :func:`instructions`)."""
    from configurator.specsheet.render import render_html, render_pdf

    sheet = pickle.loads(sheet_file.read_bytes())
    render = (lambda: render_pdf(sheet)) if side == "sheet" else floor_renderer(render_html(sheet))
    gc.collect()
    gc.freeze()  # as in the timed mode
    for _ in range(count):
        render()


def instructions(sheet) -> dict[str, int]:
    """Instructions of one warm render of each side: callgrind, (3 renders - 1 render) / 2."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("--instructions needs valgrind")
    with tempfile.TemporaryDirectory(prefix="bench-specsheet-") as tmp:
        sheet_file = Path(tmp) / "sheet.pickle"
        sheet_file.write_bytes(pickle.dumps(sheet))
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        runs = {}
        for side in ("sheet", "floor"):
            for count in (1, 3):  # two at a time: one per core of the usual 2-core machine
                log = Path(tmp) / f"{side}-{count}.log"
                cmd = [valgrind, "--tool=callgrind", f"--callgrind-out-file={tmp}/{side}-{count}.out",
                       f"--log-file={log}", sys.executable, __file__, "--side", side,
                       "--renders", str(count), "--sheet-file", str(sheet_file)]
                runs[side, count] = (subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL), log)
            for count in (1, 3):
                proc, _log = runs[side, count]
                if proc.wait() != 0:
                    raise SystemExit(f"callgrind run {side} x{count} failed")
        counts = {}
        for (side, count), (_proc, log) in runs.items():
            found = re.search(r"Collected : (\d+)", log.read_text())
            counts[side, count] = int(found.group(1))
    return {side: (counts[side, 3] - counts[side, 1]) // 2 for side in ("sheet", "floor")}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--png", type=Path, help="write the first page as PNG (60 dpi)")
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions per warm render under callgrind instead of timing")
    ap.add_argument("--side", choices=("sheet", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--renders", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--sheet-file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side:  # a child of --instructions
        _renders(args.side, args.renders, args.sheet_file)
        return 0

    rs, origin = rule_set()
    formula = parse_formula(formula_doc(rs))
    report = check(formula, rs)

    t0 = time.perf_counter()
    from configurator.specsheet import build_sheet
    from configurator.specsheet.render import render_pdf
    import_ms = (time.perf_counter() - t0) * 1000

    t = time.perf_counter()
    sheet = build_sheet(formula, report, rs, design_id=1207, revision=4, status="in_review",
                        client="studio@example.com", created=date(2026, 11, 12),
                        updated=datetime(2026, 11, 24, 9, 15))
    build_ms = (time.perf_counter() - t) * 1000

    if args.instructions:
        counts = instructions(sheet)
        print(f"machine: {machine()}")
        print(f"rules: {origin}; {len(rs.ingredients)} ingredients")
        print(f"instructions per warm render (callgrind, (3 renders - 1) / 2, PYTHONHASHSEED=0): "
              f"sheet {counts['sheet'] / 1e6:,.1f} M, floor {counts['floor'] / 1e6:,.1f} M, "
              f"sheet ÷ floor {counts['sheet'] / counts['floor']:.3f}")
        return 0

    gc.collect()
    gc.freeze()  # the rule set out of the collector's view (see the docstring)
    t = time.perf_counter()
    first = render_pdf(sheet)
    cold_ms = (time.perf_counter() - t) * 1000
    from configurator.specsheet.render import render_html

    floor = floor_renderer(render_html(sheet))
    floor_pdf = floor()  # its first render: the plain stylesheet's fonts and caches
    sides: dict[str, list[tuple[float, float]]] = {"sheet": [], "floor": []}  # (wall, CPU) ms
    for r in range(max(10, args.runs)):
        for side in ("sheet", "floor") if r % 2 == 0 else ("floor", "sheet"):
            t, c = time.perf_counter(), time.process_time()
            pdf = render_pdf(sheet) if side == "sheet" else floor()
            sides[side].append(((time.perf_counter() - t) * 1000,
                                (time.process_time() - c) * 1000))
            if side == "sheet":
                assert pdf == first, "rendering is not deterministic"
    warm = [w for w, _c in sides["sheet"]]

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(first)).pages)
    floor_pages = len(PdfReader(io.BytesIO(floor_pdf)).pages)
    rows = sum(len(b.rows) for b in sheet.phases)
    print(f"machine: {machine()}")
    print(f"rules: {origin}; {len(rs.ingredients)} ingredients")
    print(f"sheet: {rows} formula rows, {len(sheet.findings)} findings, "
          f"{len(sheet.procedure)} procedure steps, {pages} pages, {len(first)} bytes")
    print(f"import specsheet (jinja2 + weasyprint): {import_ms:.0f} ms")
    print(f"build_sheet: {build_ms:.2f} ms")
    print(f"render cold (first in process): {cold_ms:.0f} ms")
    print(f"render warm: median {statistics.median(warm):.0f} ms, min {min(warm):.0f} ms, "
          f"max {max(warm):.0f} ms over {len(warm)} runs (byte-identical each time)")
    print(f"floor (plain WeasyPrint, same text, {floor_pages} pages, {len(floor_pdf)} bytes), "
          f"{len(warm)} rounds alternating with the sheet; load average {os.getloadavg()[0]:.2f}")
    for i, clock in enumerate(("wall", "CPU")):
        sh = [x[i] for x in sides["sheet"]]
        fl = [x[i] for x in sides["floor"]]
        ratios = [a / b for a, b in zip(sh, fl, strict=True)]
        print(f"  {clock:4}: sheet {statistics.median(sh):4.0f} ms, floor "
              f"{statistics.median(fl):4.0f} ms, sheet ÷ floor {statistics.median(ratios):.2f} "
              f"(rounds {min(ratios):.2f}–{max(ratios):.2f})")
    if args.png:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(first)
            f.flush()
            stem = args.png.with_suffix("")
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                            "-singlefile", f.name, str(stem)], check=True)
        print(f"first page: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
