"""Client text is printed, never obeyed; the renderer fetches only the app's own files."""

from __future__ import annotations

import re

import pytest

from configurator.specsheet.render import (
    STATIC,
    STYLESHEET,
    RefusedURL,
    SheetFetcher,
    html_to_pdf,
    render_html,
    render_pdf,
)

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="stylesheet" href="http://127.0.0.1:9/x">'
CSS_URL = '<div style="background:url(http://127.0.0.1:9/y)">z</div>'


def allowed(url: str) -> bool:
    return url.startswith((STATIC.as_uri() + "/", STYLESHEET.parent.as_uri() + "/"))


def test_markup_in_a_design_is_escaped_and_fetches_nothing(sheet, pages_text):
    s = sheet({"name": f"Serum {IMG}", "notes": f"{LINK}\n{CSS_URL}\nclient: {IMG}"},
              client='<script>alert(1)</script>')
    html = render_html(s)
    assert IMG not in html and LINK not in html and CSS_URL not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    fetcher = SheetFetcher()
    pdf = render_pdf(s, url_fetcher=fetcher)
    assert fetcher.refused == []  # nothing was even asked for...
    assert all(allowed(u) for u in fetcher.served)  # ...and nothing outside the app was served
    text = re.sub(r"\s+", " ", " ".join(pages_text(pdf)))
    assert "<img src=" in text
    assert "http://127.0.0.1:9/x" in text and "background:url(http://127.0.0.1:9/y)" in text
    assert "<script>alert(1)</script>" in text
    assert "root:x:0:0" not in text


def test_the_renderer_routes_every_fetch_through_the_locked_fetcher(tmp_path):
    """Raw HTML (as if escaping failed): the external URLs are refused, the app's CSS served."""
    html = ("<html><head><link rel=stylesheet href='app.css'>"
            f"{LINK}</head><body><p>x</p>{IMG}"
            "<img src='http://127.0.0.1:9/z.png'>"
            f"{CSS_URL}<img src='{STATIC.as_uri()}/../../../etc/passwd'></body></html>")
    fetcher = SheetFetcher()
    pdf = html_to_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF-")
    assert fetcher.served == [f"{STATIC.as_uri()}/app.css"]
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://127.0.0.1:9/x" in fetcher.refused
    assert "http://127.0.0.1:9/y" in fetcher.refused
    assert "http://127.0.0.1:9/z.png" in fetcher.refused


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    "file://evil.example/share/x.css",
    f"{STATIC.as_uri()}/../__init__.py",
    f"{STATIC.as_uri()}/no-such-file.css",
    "http://127.0.0.1:9/x",
    "https://example.com/logo.png",
    "ftp://example.com/x",
    "gopher://example.com/",
    "javascript:alert(1)",
    "data:text/plain;base64," + "QUFB" * 200,
    "relative/path.css",
])
def test_fetcher_refuses_everything_else(url):
    fetcher = SheetFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.served == []


def test_fetcher_serves_the_apps_static_files_and_tiny_data_urls():
    fetcher = SheetFetcher()
    css_url = f"{STATIC.as_uri()}/app.css"
    response = fetcher.fetch(css_url)
    try:
        assert response.read() == (STATIC / "app.css").read_bytes()
        assert response.content_type == "text/css"
    finally:
        response.close()
    sheet_css = fetcher.fetch(STYLESHEET.as_uri())
    try:
        assert sheet_css.read() == STYLESHEET.read_bytes()
    finally:
        sheet_css.close()
    tiny = fetcher.fetch("data:text/plain,hello")
    try:
        assert tiny.read() == b"hello"
    finally:
        tiny.close()
    assert fetcher.served == [css_url, STYLESHEET.as_uri(), "data:text/plain,hello"]
    assert fetcher.refused == []


def test_fetcher_does_not_follow_a_symlink_out_of_the_static_folder(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    link = tmp_path / "static"
    link.mkdir()
    (link / "leak.css").symlink_to(secret)
    fetcher = SheetFetcher(roots=(link,))
    with pytest.raises(RefusedURL):
        fetcher.fetch((link / "leak.css").as_uri())
