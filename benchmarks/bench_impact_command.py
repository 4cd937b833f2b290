"""`configurator rules impact` as R&D runs it: the whole command, beside the check-only floor.

    .venv/bin/python benchmarks/bench_impact_command.py [--designs 50000] [--rounds 3]

bench_impact_path.py times ``impact()`` on formulas already in memory; this one times
the command a user types, in a child process, end to end:

    configurator rules impact --rules CANDIDATE --database URL --quiet --format json

over a SQLite database holding ``--designs`` saved designs (one latest revision each,
stored as the app stores them: the formula document, the verdict and the engine's full
report): the interpreter's start, both rule sets loaded (the built-rules disk cache warm,
as after the first run), every revision read and parsed, both passes, the comparison,
the report printed and the run saved.

The candidate matters since the command checks in full only the designs a changed rule
touches when a candidate changes only rules (``impact.scope``), so each run times the
command against five candidates, each a copy of the shipped folder:

* ``copy``: nothing changed (every rule compared, no design checked in full);
* ``one-rule``: salicylic acid's leave-on limit (Annex III 98) lowered from 2 to 1.5 %,
  a rule few designs meet;
* ``common-rule``: phenoxyethanol's limit (Annex V 29) lowered from 1 to 0.8 %, a rule
  about half the synthetic designs meet (their bases carry it);
* ``one-entry``: niacinamide's usual use level lowered from 10 to 4 %, a catalog entry
  (the designs listing it are checked in full);
* ``base``: a base's pH range edited: the designs on that base are checked in full
  (besides those the scope sends there);
* ``product-type``: a product type's name edited: the designs of that type (and those
  written out on a base suiting it) are checked in full;
* ``synonym``: a synonym added to a catalog entry: the designs listing it, or writing a
  name read otherwise, are checked in full;
* ``new-tag``: a tag no entry had before given to one: the designs listing it;
* ``moved``: a rule whose products are named by category moved to its file's end, past
  others that may ask a category question: it counts as changed (the designs in which it
  finds something are checked in full);
* ``new-base``: a base added after the first (the bases are numbered otherwise): an
  edited base (the designs on it, none here, checked in full);
* ``new-constraint``: a constraint added after the first (the constraints are numbered
  otherwise): an edited constraint (the designs asking for it, none here);
* ``new-inventory``: one INCI name added to the CosIng inventory (another export): no
  scope holds, every design is composed and checked in full under both sets (the
  command's slowest path, and the work the floor does).

The floor, in this process, alternating with the command: the check-only path of
bench_impact.py on the same designs, once per rule set the command checks
(``compose_arrays`` + ``BulkChecker.run(collect=False)`` for the rules in force and for
the candidate, warm checkers): the least work that re-validates every design twice.

Printed (medians of the rounds, wall clock), for each candidate: the command's time and its designs per
minute counted two ways: designs re-validated (2 × N: each design under both rule sets,
the convention of the earlier figures, "per pass") and designs per minute of the
command (N ÷ its time); the floor's; the ratio; where the command's time goes
(``--profile``: one run under cProfile in this process, top 25 by cumulative time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_impact import Synth  # noqa: E402

from configurator.engine import check  # noqa: E402
from configurator.rules import load_rules  # noqa: E402
from configurator.tooling.bulk import BulkChecker, compose_arrays  # noqa: E402


def populate(url: str, formulas: list, rs) -> None:
    """Every formula saved as a design with one revision, as the app's store saves them."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from configurator.store import db
    from configurator.store.models import Design, Revision, User

    engine = db.make_engine(url)
    db.upgrade(engine)
    stamp = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), [{
            "id": 1, "email": "rnd@example.com", "name": "rnd", "role": "rnd",
            "password_hash": generate_password_hash("x"), "created_at": stamp}])
        designs, revisions = [], []
        for i, f in enumerate(formulas, 1):
            report = check(f, rs)
            designs.append({"id": i, "owner_id": 1, "name": f"design {i}", "product_type":
                            f.product_type.id, "status": "draft", "archived": False,
                            "version": 1, "created_at": stamp, "updated_at": stamp})
            revisions.append({
                "design_id": i, "number": 1, "document": f.to_document(),
                "rules_version": report.rules_version, "valid": report.valid,
                "errors": sum(x.severity == "error" for x in report.findings),
                "warnings": sum(x.severity == "warning" for x in report.findings),
                "report": report.to_dict(), "author_id": 1, "created_at": stamp,
                "locked": False})
            if len(designs) == 2000 or i == len(formulas):
                conn.execute(insert(Design.__table__), designs)
                conn.execute(insert(Revision.__table__), revisions)
                designs, revisions = [], []
    engine.dispose()


CANDIDATES = ("copy", "one-rule", "common-rule", "one-entry", "base", "product-type", "synonym",
              "new-tag", "moved", "new-base", "new-constraint", "new-inventory")


def _edit(path: Path, pattern: str, new: str) -> None:
    """Replace the first match of ``pattern`` (which must match) in a rule file."""
    text = path.read_text(encoding="utf-8")
    got, k = re.subn(pattern, new, text, count=1, flags=re.S)
    assert k == 1, f"{pattern!r} not in {path}"
    path.write_text(got, encoding="utf-8")


def _entry_copied(path: Path, entry_id: str, new_id: str) -> None:
    """A copy of a list entry (a base, a constraint) put right after it, as ``new_id``."""
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"  - id: {entry_id}\n.*?(?=  - id: )", text, re.S).group(0)
    path.write_text(text.replace(block, block + block.replace(f"id: {entry_id}\n",
                                                              f"id: {new_id}\n", 1), 1),
                    encoding="utf-8")


def candidate(tmp: Path, name: str) -> Path:
    """The shipped rules copied to ``tmp/name`` with that candidate's edit (module doc)."""
    d = tmp / name
    shutil.copytree(ROOT / "rules", d, ignore=shutil.ignore_patterns("tests"))
    if name == "one-rule":
        _edit(d / "eu" / "annex-iii.yaml",
              r"(  - id: eu-annex-iii-98-salicylic-acid-leave-on\n.*?max: )2\.0", r"\g<1>1.5")
    elif name == "common-rule":
        _edit(d / "eu" / "annex-v.yaml",
              r"(    ingredients: \[Phenoxyethanol\]\n    max: )1\.0\n", r"\g<1>0.8\n")
    elif name == "one-entry":
        _edit(d / "catalog" / "actives.yaml",
              r"(  - id: niacinamide\n.*?    use: \{min: 2, max: )10\}", r"\g<1>4}")
    elif name == "base":
        _edit(d / "bases.yaml", r"(  - id: light-gel\n.*?    ph: \{target: 5\.5, min: )3\.5",
              r"\g<1>4.0")
    elif name == "product-type":
        _edit(d / "product_types.yaml", r"(  - id: serum\n    name: Face serum)\n",
              "\\g<1> (edited)\n")
    elif name == "synonym":
        _edit(d / "catalog" / "actives.yaml", r"(    synonyms: \[Nicotinamide, Vitamin B3)\]",
              r"\g<1>, Vit B3]")
    elif name == "new-tag":
        _edit(d / "catalog" / "actives.yaml",
              r"(    tags: \[vegan, active, brightening, anti-acne)\]", r"\g<1>, b3]")
    elif name == "moved":
        annex = d / "eu" / "annex-iii.yaml"
        text = annex.read_text(encoding="utf-8")
        block = re.search(r"  - id: eu-annex-iii-14-hydroquinone-nail\n.*?(?=  - id: )", text,
                          re.S)
        annex.write_text(text.replace(block.group(0), "", 1).rstrip("\n") + "\n\n"
                         + block.group(0), encoding="utf-8")
    elif name == "new-base":
        _entry_copied(d / "bases.yaml", "light-gel", "light-gel-two")
    elif name == "new-constraint":
        _entry_copied(d / "constraints.yaml", "vegan", "vegan-two")
    elif name == "new-inventory":
        import gzip

        inv = d / "cosing" / "inventory.csv.gz"
        text = gzip.decompress(inv.read_bytes()).decode("utf-8").rstrip("\n")
        inv.write_bytes(gzip.compress(
            (text + "\n999999,TESTOSYL GLYCERIDE,,,,,A name added,,HUMECTANT,01/12/2026\n")
            .encode("utf-8")))
    return d


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=CANDIDATES,
                    help="the candidate folders to time (default: all; at most 7 at once "
                         "keep the built-rules cache warm, see the note it prints)")
    ap.add_argument("--profile", action="store_true",
                    help="also one run of the command's function under cProfile")
    args = ap.parse_args()
    from configurator.rules.built import KEEP

    if len(args.candidates) >= KEEP:  # (the rules in force are one more rule set)
        print(f"note: {len(args.candidates)} candidates and the rules in force are more rule "
              f"sets than the built-rules cache keeps ({KEEP}): in alternating rounds each "
              "run would rebuild its candidate's, not what a user re-running one candidate "
              f"meets; time at most {KEEP - 1} at once (--candidates)", file=sys.stderr)
    load0 = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-impact-cmd-"))
    try:
        rs = load_rules()
        cands = {name: candidate(tmp, name) for name in args.candidates}
        cand_dir = cands[args.candidates[0]]
        cand = load_rules(cand_dir)
        n = args.designs
        arrays = Synth(rs, args.seed).chunk(n)
        designs = compose_arrays(rs, *arrays)
        formulas = [designs.formula(i) for i in range(n)]
        url = f"sqlite:///{tmp / 'impact.db'}"
        t = time.perf_counter()
        populate(url, formulas, rs)
        print(f"database: {n:,} designs saved in {time.perf_counter() - t:.0f} s "
              f"({(tmp / 'impact.db').stat().st_size / 1e6:.0f} MB)", flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("CONFIGURATOR_RULES", None)

        def command(d: Path) -> list[str]:
            return [sys.executable, "-m", "configurator", "rules", "impact", "--rules", str(d),
                    "--database", url, "--quiet", "--format", "json"]

        shown: dict[str, str] = {}
        for name, d in cands.items():  # the first run of each: the disk cache warm after it
            first = subprocess.run(command(d), env=env, capture_output=True, text=True,
                                   timeout=3600)
            assert first.returncode == 0, first.stderr[-2000:]
            rep = json.loads(first.stdout)
            assert rep["designs_checked"] == n, first.stdout[:500]
            sc = rep.get("scope")
            shown[name] = (f"{rep['designs_changed']:,} designs changed, "
                           + (f"{sc['designs_checked_in_full']:,} checked in full"
                              if sc is not None else "no scope: all checked in full"))
        checkers = [BulkChecker(rs), BulkChecker(cand)]
        for c, r in zip(checkers, (rs, cand), strict=True):
            c.run(compose_arrays(r, *arrays), collect=False)  # warm: plans, programs
        times: dict[str, list[float]] = {"floor": [], **{k: [] for k in cands}}
        order = ["floor", *cands]
        for r in range(args.rounds):
            for which in (order if r % 2 == 0 else order[::-1]):
                t = time.perf_counter()
                if which == "floor":
                    for c, rules in zip(checkers, (rs, cand), strict=True):
                        c.run(compose_arrays(rules, *arrays), collect=False)
                else:
                    out = subprocess.run(command(cands[which]), env=env, capture_output=True,
                                         text=True, timeout=3600)
                    assert out.returncode == 0, out.stderr[-2000:]
                times[which].append(time.perf_counter() - t)
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, numpy {np.__version__}; load average {load0:.2f} "
              f"before, {os.getloadavg()[0]:.2f} after; {n:,} designs, {args.rounds} "
              f"alternating rounds; rules: {len(rs.rules)}")
        fl = statistics.median(times["floor"])
        print(f"floor: check-only path, both rule sets   {fl:7.2f} s   "
              f"{2 * n / fl * 60 / 1e6:6.2f} M designs re-validated/min")
        for name in cands:
            cm = statistics.median(times[name])
            print(f"the command, {name:<12} end to end {cm:7.2f} s   "
                  f"{2 * n / cm * 60 / 1e6:6.2f} M designs re-validated/min "
                  f"({n / cm * 60 / 1e6:.2f} M designs/min of the command)   "
                  f"{cm / fl:.2f} × the floor's time (rounds "
                  f"{min(times[name]):.2f}–{max(times[name]):.2f} s; {shown[name]})")
        if args.profile:
            import cProfile
            import pstats

            from configurator.tooling.impact import default_workers, run_impact

            pr = cProfile.Profile()
            pr.enable()
            run_impact(url, str(cands[args.candidates[-1]]), progress=False,
                       workers=default_workers())
            pr.disable()
            pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
