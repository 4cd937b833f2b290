"""SpecSheet → PDF with WeasyPrint: deterministic, and fetching nothing it was not built with.

* The template (``templates/specsheet/sheet.html``) is compiled once per process
  by a Jinja2 environment with autoescape on, so a client's text is printed as
  text, never read as markup. The print stylesheet beside it is read and parsed
  once.
* :class:`SheetFetcher` is the only way WeasyPrint can load anything: it serves
  files under the app's own static folder and the spec sheet's template folder
  and refuses every other URL (any other ``file://`` path, ``http(s)://``, a
  ``data:`` URL beyond :data:`MAX_DATA_URL` characters, any other scheme) by
  raising, and records what it served and refused.
* Fonts are looked up once per thread: one WeasyPrint ``FontConfiguration`` (Fontconfig's
  font list and Pango's font map, with the faces it has opened and shaped) serves every
  sheet the thread renders, instead of a new one loaded for each. The sheet's one font
  face is still subset into each PDF from the glyphs that PDF uses; the bytes are the
  same as with a fresh configuration (tests/specsheet/test_sheet_fontconfig.py).
* The same :class:`SpecSheet` renders to the same bytes: the PDF's dates come
  from the sheet (``dcterms.created``/``dcterms.modified`` meta tags), its file
  identifier is the MD5 of its content (``pdf_identifier=True``), and nothing
  else in WeasyPrint's output depends on the clock.
"""

from __future__ import annotations

import functools
import hashlib
import mimetypes
import os
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import ConfiguratorError
from .view import SpecSheet

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "specsheet"
STYLESHEET = TEMPLATES / "sheet.css"
STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
ALLOWED_ROOTS = (STATIC, TEMPLATES)
MAX_DATA_URL = 512  # characters: a tiny inline icon, never a smuggled document

ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                  undefined=StrictUndefined, auto_reload=False)


class RefusedURL(PermissionError, ConfiguratorError):
    """A URL the spec sheet renderer will not fetch."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url

    def __str__(self) -> str:
        return f"the spec sheet renderer does not fetch {self.url[:120]!r}"


class SheetFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, locked down to the app's own files.

    ``served`` and ``refused`` list the URLs asked for, in order, so that a test
    (or a log) can tell exactly what a render touched.
    """

    def __init__(self, roots: tuple[Path, ...] = ALLOWED_ROOTS):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(r.resolve() for r in roots)
        self.served: list[str] = []
        self.refused: list[str] = []

    def _local(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()  # follows symlinks: no way out of the roots
        if path.is_file() and any(path.is_relative_to(r) for r in self.roots):
            return path
        return None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Serve an allowed local file or tiny ``data:`` URL; raise :class:`RefusedURL` otherwise."""
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme == "file" and (path := self._local(url)) is not None:
            self.served.append(url)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      headers={"Content-Type": kind})
        if scheme == "data" and len(url) <= MAX_DATA_URL:
            self.served.append(url)
            return super().fetch(url, headers)
        self.refused.append(url)
        raise RefusedURL(url)


@functools.cache
def _template() -> Template:
    """The compiled sheet template (compiled on first use, then kept)."""
    return ENV.get_template("sheet.html")


@functools.cache
def _stylesheet() -> CSS:
    """The print stylesheet, read and parsed once; it fetches nothing."""
    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=TEMPLATES.as_uri() + "/",
               url_fetcher=SheetFetcher())


def warm() -> None:
    """Compile the sheet's template and parse its stylesheet now (WeasyPrint imported).

    ``configurator serve`` calls this before its workers fork, so that they share the
    result and no worker's first sheet pays for it (about 1.5 s on a slow host: a ZIP
    export's first sheet outlived a short gunicorn ``--timeout``). Pango's font map is
    not made here: it is per thread and made on a thread's first sheet.
    """
    _template()
    _stylesheet()


_FONTS = threading.local()  # Pango's font map is not shared between threads


def _font_config() -> FontConfiguration:
    """This thread's font configuration, made on its first sheet and kept."""
    fc = getattr(_FONTS, "config", None)
    if fc is None:
        fc = _FONTS.config = FontConfiguration()
    return fc


def render_html(sheet: SpecSheet) -> str:
    """The sheet's HTML (what WeasyPrint lays out)."""
    return _template().render(s=sheet)


def html_to_pdf(html: str, url_fetcher: SheetFetcher | None = None) -> bytes:
    """Lay out ``html`` with the sheet's stylesheet; every fetch goes through ``url_fetcher``."""
    # Without HarfBuzz's subsetter WeasyPrint subsets fonts with fontTools, which stamps the
    # current time into each font's `head` table unless SOURCE_DATE_EPOCH says otherwise
    # (the reproducible-builds convention fontTools honours): the same sheet must give the
    # same bytes whichever subsetter the machine has. A deployment's own value is kept.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    doc = HTML(string=html, base_url=STATIC.as_uri() + "/",
               url_fetcher=url_fetcher or SheetFetcher())
    return doc.write_pdf(stylesheets=[_stylesheet()], pdf_identifier=True,
                         font_config=_font_config())


def render_pdf(sheet: SpecSheet, *, url_fetcher: SheetFetcher | None = None) -> bytes:
    """The spec sheet as PDF bytes; the same sheet always gives the same bytes."""
    return html_to_pdf(render_html(sheet), url_fetcher)


def sheet_sha256(pdf: bytes) -> str:
    """Hex SHA-256 of a rendered sheet (the web layer's cache key and ETag)."""
    return hashlib.sha256(pdf).hexdigest()
