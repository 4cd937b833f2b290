"""Issue 18, point 14: the same sheet gives the same bytes without HarfBuzz's subsetter.

WeasyPrint falls back to fontTools when `harfbuzz_subset` is missing; fontTools stamps
the time into each subset font unless SOURCE_DATE_EPOCH is set (render.html_to_pdf sets
it). A fresh process with the subsetter switched off renders one sheet twice, a second
apart, and the bytes must be equal.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = r"""
import logging, time
import weasyprint.pdf.fonts as fonts
fonts.harfbuzz_subset = None  # as on a machine without libharfbuzz-subset
logging.getLogger("weasyprint").setLevel(logging.ERROR)
from configurator.specsheet.render import html_to_pdf
html = "<html><body><h1>Spec sheet</h1><p>Aqua, Glycerin, Niacinamide 5 %</p></body></html>"
a = html_to_pdf(html)
time.sleep(1.2)
b = html_to_pdf(html)
print(len(a), a == b)
"""


def test_fonttools_subsetting_is_deterministic():
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    size, same = out.stdout.split()
    assert int(size) > 1000 and same == "True"
