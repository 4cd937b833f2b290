"""pint is imported only when a unit needs it, and its registry's cache changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
from configurator.units import concentration, parse_fraction
print(concentration("0.5 %"), concentration("5000 ppm"), concentration(2), "pint" in sys.modules)
from configurator.units import quantity, is_mass
q = quantity("50 kg")
print(parse_fraction("2 g/kg").percent, q.to("g").magnitude, is_mass(q), "pint" in sys.modules)
"""


def _run(env: dict) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    return out.splitlines()


def test_pint_only_when_a_unit_needs_it_with_the_cache_on_or_off(tmp_path):
    on = {**os.environ, "CONFIGURATOR_CACHE_DIR": str(tmp_path / "cache")}
    off = {**os.environ, "CONFIGURATOR_CACHE_DIR": "off"}
    first, second, without = _run(on), _run(on), _run(off)
    assert first == second == without == ["0.5 0.5 2.0 False", "0.2 50000.0 True True"]
    assert (tmp_path / "cache" / "parsed" / "pint").is_dir()  # pint's parsed definitions


def test_configurator_check_imports_neither_pint_nor_the_web_stack():
    code = ("import sys, configurator.cli as c\n"
            "sys.argv = ['configurator', 'check', sys.argv[1]]\n"
            "try:\n    c.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pint', 'flask', 'sqlmodel', 'sqlalchemy', 'wtforms', "
            "'weasyprint') if m in sys.modules), file=sys.stderr)")
    got = subprocess.run([sys.executable, "-c", code, str(ROOT / "docs/examples/niacinamide-serum.yaml")],
                         capture_output=True, text=True, cwd=ROOT)
    assert got.stderr.strip().splitlines()[-1] == "[]"
