"""A real server on loopback and Debian's chromium driven by Playwright.

Screenshots go to ``test-artifacts/`` (kept by CI as artifacts). axe-core
(shipped inside the axe-playwright-python wheel) checks every page visited.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from configurator.web import create_app
from tests.conftest import ROOT, database_url

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
USERS = {"client": ("client@example.com", "client-pw"), "other": ("other@example.com", "other-pw"),
         "lab": ("lab@example.com", "lab-pw")}


@pytest.fixture(scope="session")
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def server(tmp_path):
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-test",
                      "DATABASE_URL": database_url(tmp_path), "RULES_DIR": str(ROOT / "rules")})
    with app.app_context():
        from configurator.web.auth import create_user

        create_user(*USERS["client"], "client")
        create_user(*USERS["other"], "client")
        create_user(*USERS["lab"], "lab")
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, js: bool, request):
    ctx = browser.new_context(java_script_enabled=js, viewport={"width": 1280, "height": 900},
                              accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    ctx.close()


@pytest.fixture
def page(browser, request):
    yield from _page(browser, True, request)


@pytest.fixture
def page_nojs(browser, request):
    yield from _page(browser, False, request)


class Axe:
    """Runs axe-core in the page (through the DevTools protocol, so CSP allows it)."""

    def __init__(self, source: str):
        self.source = source
        self.seen: list[str] = []

    def check(self, page, name: str) -> None:
        page.evaluate(self.source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        self.seen.append(name)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert not bad, f"{name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in bad)


@pytest.fixture
def axe(axe_source):
    return Axe(axe_source)


def login(page, base: str, who: str = "client") -> None:
    email, password = USERS[who]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/lab/" if who == "lab" else f"{base}/designs")  # each role's home
