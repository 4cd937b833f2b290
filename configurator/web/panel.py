"""What the findings panel shows of a report, computed once in Python.

The live preview renders this panel on every change the client makes; its
composition table and chart used to format each number in the template
(hundreds of Jinja filter calls per preview). Here the numbers are formatted
in one pass, and the chart merges the lines under 1 % (invisible slivers on a
400-unit bar) into one "other" segment whose title lists them.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup, escape

from ..engine.report import Report

PALETTE = ("#1f6f8b", "#99a8b2", "#e6a157", "#5c8d89", "#c06c84", "#6c5b7b", "#355c7d",
           "#f67280", "#a8e6cf", "#ffd3b6")
OTHER = "#d0d4d8"


class Row(NamedTuple):
    phase: str
    inci: str
    qs: bool
    functions: str
    percent: str


class Segment(NamedTuple):
    x: str
    width: str
    fill: str
    title: str


class PanelView(NamedTuple):
    rows: list[Row]
    segments: list[Segment]
    total: str

    def tbody(self) -> Markup:
        """The composition table's rows as HTML, every value escaped (each row's HTML kept:
        a keystroke changes one row, the preview redraws them all)."""
        return Markup("".join([_ROWS.get(r) or _keep(_ROWS, r, _row_html(r)) for r in self.rows]))

    def chart(self) -> Markup:
        """The chart's segments as SVG rects, every title escaped."""
        return Markup("".join([_SEGMENTS.get(g) or _keep(_SEGMENTS, g, _segment_html(g))
                               for g in self.segments]))

    def legend(self) -> Markup:
        """The chart's legend: one item per segment, its colour (an SVG swatch: no inline
        style, which the Content-Security-Policy refuses) and what it is, escaped."""
        return Markup("".join([_LEGEND.get(g) or _keep(_LEGEND, g, _legend_html(g))
                               for g in self.segments]))


_ROWS: dict[Row, str] = {}  # a composition row → its <tr>
_SEGMENTS: dict[Segment, str] = {}  # a chart segment → its <rect>
_LEGEND: dict[Segment, str] = {}  # a chart segment → its legend <li>
_KEEP_MAX = 4096


def _keep(cache: dict, key, html: str) -> str:
    if len(cache) >= _KEEP_MAX:  # bounded: drop everything, refill as used
        cache.clear()
    cache[key] = html
    return html


def _row_html(r: Row) -> str:
    return (f"<tr><td>{escape(r.phase)}</td><td>{escape(r.inci)}"
            f"{' <small>(q.s.)</small>' if r.qs else ''}</td><td>{escape(r.functions)}</td>"
            f'<td class="num">{r.percent}</td></tr>\n')


def _segment_html(g: Segment) -> str:
    return (f'<rect x="{g.x}" y="0" width="{g.width}" height="28" fill="{g.fill}">'
            f"<title>{escape(g.title)}</title></rect>")


def _legend_html(g: Segment) -> str:
    return (f'<li><svg class="swatch" width="12" height="12" aria-hidden="true" focusable="false">'
            f'<rect width="12" height="12" fill="{g.fill}"/></svg> {escape(g.title)}</li>')


def panel_view(report: Report) -> PanelView:
    lines = report.composition
    rows = [Row(ln.phase or "?", ln.inci, ln.qs, ", ".join(ln.functions), f"{ln.percent:.2f}")
            for ln in lines]
    segments: list[Segment] = []
    x = 0.0
    small: list[str] = []
    small_total = 0.0
    for ln in sorted(lines, key=lambda ln: -ln.percent):
        if ln.percent <= 0:
            continue
        if ln.percent < 1.0:
            small.append(ln.inci)
            small_total += ln.percent
            continue
        segments.append(Segment(f"{x * 4:.3f}", f"{ln.percent * 4:.3f}",
                                PALETTE[len(segments) % len(PALETTE)],
                                f"{ln.inci} {ln.percent:.2f} %"))
        x += ln.percent
    if small:
        segments.append(Segment(f"{x * 4:.3f}", f"{small_total * 4:.3f}", OTHER,
                                f"{len(small)} ingredients under 1 % each, {small_total:.2f} % "
                                f"together: {', '.join(small)}"))
    total = sum(ln.percent for ln in lines)
    return PanelView(rows, segments, f"{total:.2f}")


_FINDINGS: dict = {}  # (finding, editable, its coming date) → the finding's <li>, as Markup
_FINDINGS_MAX = 4096


def finding_html(finding, editable, coming) -> Markup:
    """One finding's ``<li>`` in the findings panel (``designs/_finding.html``), kept per value.

    The live preview redraws the panel on every keystroke, mostly with the findings it
    drew the time before; the HTML of a finding depends only on the finding (a frozen
    tuple), whether the panel is editable and the day its rule applies from (``coming``:
    rule id → date text, or None). Rendering each through Jinja was about a quarter of
    a preview.
    """
    from flask import current_app

    when = coming.get(finding.rule) if coming and finding.code == "coming-rule" else None
    key = (finding, bool(editable), when)
    try:
        hit = _FINDINGS.get(key)
    except TypeError:  # a field that cannot be hashed: render it, keep nothing
        hit, key = None, None
    if hit is not None:
        return hit
    html = Markup(current_app.jinja_env.get_template("designs/_finding.html").render(
        f=finding, editable=bool(editable), coming={finding.rule: when} if when else {}))
    if key is not None:
        if len(_FINDINGS) >= _FINDINGS_MAX:  # bounded: drop everything, refill as used
            _FINDINGS.clear()
        _FINDINGS[key] = html
    return html


def findings_html(findings, editable, coming) -> Markup:
    """The panel's findings, each by :func:`finding_html` (one call from the template)."""
    return Markup("".join([finding_html(f, editable, coming) for f in findings]))
