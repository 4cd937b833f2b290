"""``configurator check FILE`` as a whole process, beside a process that only parses the rules' YAML.

Run: .venv/bin/python benchmarks/bench_cli_check.py [ROUNDS]
The formula is bench_engine.py's (30 ingredients, a leave-on face cream). Each
round runs, in alternating order, one fresh ``python -m configurator check
FILE`` and one fresh floor process that imports PyYAML (libyaml's loader, the
one configurator.yamlio uses) and parses every rule file the loader reads
(``rules/**/*.yaml`` without ``tests/``): no inventory, no checks, no engine.
Prints both medians (wall time, start to exit, and the process's CPU time, user +
system, which a loaded machine inflates less) and the median of the per-round ratios.
A third process per round imports only what ``check`` imports (``configurator.cli``,
the engine, the rules, ``yamlio``): the import share of the check.

Bytecode: every process runs as an installed package would, reading ``.pyc`` files
(written once, by the warm-up run, under a temporary ``PYTHONPYCACHEPREFIX``, so the
tree gets no ``__pycache__``); ``PYTHONDONTWRITEBYTECODE`` in the caller's environment
would otherwise make each process compile every module from source. ``--source``
keeps the caller's setting. Figures: docs/performance.md.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import formula_doc  # noqa: E402

from configurator.rules import load_rules  # noqa: E402

FLOOR = """
import sys
from pathlib import Path
from configurator.yamlio import loads
root = Path(sys.argv[1])
n = 0
for p in sorted(root.rglob("*.yaml")):
    if "tests" not in p.relative_to(root).parts:
        loads(p.read_text(encoding="utf-8"), p.name)
        n += 1
print(n)
"""


IMPORTS = "import configurator.cli, configurator.engine, configurator.rules, configurator.yamlio"


def timed(cmd: list[str], expect: set[int], env: dict) -> tuple[float, float]:
    """(wall, CPU) milliseconds of one fresh process, start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    ms = (time.perf_counter() - t) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert proc.returncode in expect, proc.stderr[-2000:]
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return ms, cpu


def _line(what: str, xs: list[float]) -> str:
    return f"{what:42} median {statistics.median(xs):6.0f} ms (min {min(xs):.0f}, max {max(xs):.0f})"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rounds = int(args[0]) if args else 11
    rs = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        if "--source" not in sys.argv:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pyc")
        path = Path(tmp) / "bench-formula.yaml"
        path.write_text(yaml.safe_dump(formula_doc(rs), sort_keys=False, allow_unicode=True))
        check = [sys.executable, "-m", "configurator", "check", str(path)]
        floor = [sys.executable, "-c", FLOOR, str(ROOT / "rules")]
        imports = [sys.executable, "-c", IMPORTS]
        files = subprocess.run(floor, capture_output=True, text=True, cwd=ROOT, env=env,
                               check=True).stdout.strip()
        timed(check, {0, 1}, env)  # warm the disk cache and .pyc files once
        got: dict[str, list[tuple[float, float]]] = {"check": [], "floor": [], "imports": []}
        for i in range(rounds):
            order = [("check", check), ("floor", floor), ("imports", imports)]
            for name, cmd in (order if i % 2 == 0 else order[::-1]):
                got[name].append(timed(cmd, {0, 1}, env))
    wall = {k: [w for w, _c in v] for k, v in got.items()}
    cpu = {k: [c for _w, c in v] for k, v in got.items()}
    ratio = [c / f for c, f in zip(wall["check"], wall["floor"], strict=True)]
    ratio_cpu = [c / f for c, f in zip(cpu["check"], cpu["floor"], strict=True)]
    load = os.getloadavg()
    print(f"python: {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, bytecode: "
          f"{'from source' if '--source' in sys.argv else '.pyc'}")
    print(f"rule set: {len(rs.ingredients)} ingredients, {len(rs.rules)} rules, "
          f"{files} rule files parsed by the floor")
    print(_line("configurator check FILE (process), wall", wall["check"]))
    print(_line("  the same, CPU", cpu["check"]))
    print(_line("floor: parse the rules' YAML, wall", wall["floor"]))
    print(_line("  the same, CPU", cpu["floor"]))
    print(_line("check's imports alone (process), wall", wall["imports"]))
    print(_line("  the same, CPU", cpu["imports"]))
    print(f"check / floor, median of {rounds} alternating rounds: "
          f"{statistics.median(ratio):.2f} × wall, {statistics.median(ratio_cpu):.2f} × CPU")


if __name__ == "__main__":
    main()
