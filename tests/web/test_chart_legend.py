"""The composition chart has a legend: one item per segment, in the segment's colour."""

from __future__ import annotations

import re

from tests.web.test_panel_fragments import CREAM, _preview


def test_every_chart_segment_has_its_legend_item(app, client, auth):
    auth.login()
    html = _preview(app, client, CREAM)
    rects = re.findall(r'<rect x="[^"]+" y="0" width="[^"]+" height="28" fill="([^"]+)">'
                       r"<title>([^<]+)</title>", html)
    legend = re.findall(r'<li><svg class="swatch"[^>]*><rect width="12" height="12" '
                        r'fill="([^"]+)"/></svg> ([^<]+)</li>', html)
    assert len(rects) >= 3
    assert legend == rects  # the same colours and words, in the same order
    assert any("Niacinamide 5.00 %" == title for _fill, title in legend)
    assert any("under 1 % each" in title for _fill, title in legend)  # the merged slivers
