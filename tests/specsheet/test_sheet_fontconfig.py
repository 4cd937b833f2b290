"""The spec sheet keeps one font configuration per thread (specsheet/render.py): the PDF is
the same, byte for byte, as with a fresh configuration, and a thread gets its own."""

from __future__ import annotations

import threading

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from configurator.specsheet import render
from configurator.specsheet.render import SheetFetcher, render_html, render_pdf


def _fresh(html: str) -> bytes:
    """The sheet as WeasyPrint renders it with a configuration of its own."""
    return HTML(string=html, base_url=render.STATIC.as_uri() + "/",
                url_fetcher=SheetFetcher()).write_pdf(
        stylesheets=[render._stylesheet()], pdf_identifier=True,
        font_config=FontConfiguration())


def test_same_bytes_as_a_fresh_configuration(sheet):
    for s in (sheet(), sheet(status="approved"), sheet({"name": "Crème “légère” — été ✓"})):
        kept = render_pdf(s)
        assert kept == _fresh(render_html(s)) == render_pdf(s)


def test_one_configuration_per_thread(sheet):
    render_pdf(sheet())
    mine = render._font_config()
    assert render._font_config() is mine
    theirs = []
    t = threading.Thread(target=lambda: (render_pdf(sheet()), theirs.append(render._font_config())))
    t.start()
    t.join()
    assert theirs and theirs[0] is not mine
