"""R&D in a real browser: log in, search the catalog, open an ingredient, read its limit and source."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from configurator.web import create_app
from tests.conftest import ROOT, database_url

RND = ("rnd@example.com", "rnd-pw")


@pytest.fixture
def rnd_server(tmp_path):
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-test",
                      "DATABASE_URL": database_url(tmp_path), "RULES_DIR": str(ROOT / "rules")})
    with app.app_context():
        from configurator.web.auth import create_user

        create_user(*RND, "rnd")
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    app.extensions["db_engine"].dispose()


def _login(page, base):
    page.goto(f"{base}/login")
    page.fill("input[name=email]", RND[0])
    page.fill("input[name=password]", RND[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/rnd/")  # R&D's own home (issue 17)


def _flow(page, base, axe=None):
    _login(page, base)
    page.get_by_role("link", name="R&D").click()
    page.wait_for_url(f"{base}/rnd/")
    assert page.locator("#rules-version").inner_text().startswith("sha256:")
    if axe:
        axe.check(page, "rnd-home")
    page.get_by_role("navigation", name="R&D").get_by_role("link", name="Catalog").click()
    page.fill("#q", "2-phenoxyethanol")  # a synonym
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/rnd/catalog?q=2-phenoxyethanol*")
    assert "synonym: 2-Phenoxyethanol" in page.locator("table.list").inner_text()
    if axe:
        axe.check(page, "rnd-catalog")
    page.get_by_role("link", name="Phenoxyethanol", exact=True).click()
    page.wait_for_url(f"{base}/rnd/catalog/phenoxyethanol")
    assert page.locator("h1").inner_text() == "Phenoxyethanol"
    row = page.locator("#rules-touching tr", has_text="eu-annex-v-29-phenoxyethanol")
    assert row.locator("td.limit").inner_text() == "at most 1 %"
    assert row.locator("td.source").inner_text() == \
        "Regulation (EC) No 1223/2009, Annex V, entry 29"
    if axe:
        axe.check(page, "rnd-ingredient")
    row.get_by_role("link", name="eu-annex-v-29-phenoxyethanol").click()
    page.wait_for_url(f"{base}/rnd/rules/eu-annex-v-29-phenoxyethanol")
    assert "Annex V, entry 29" in page.locator("main").inner_text()


def test_rnd_searches_and_reads_a_limit(page, rnd_server, axe):
    _flow(page, rnd_server, axe)
    page.goto(f"{rnd_server}/rnd/rules?kind=max-concentration&annex=V")
    axe.check(page, "rnd-rules")
    page.goto(f"{rnd_server}/rnd/impact")
    axe.check(page, "rnd-impact")


def test_rnd_flow_without_javascript(page_nojs, rnd_server):
    _flow(page_nojs, rnd_server)
    page_nojs.goto(f"{rnd_server}/rnd/")
    page_nojs.get_by_role("button", name="Reload now").click()
    page_nojs.wait_for_url(f"{rnd_server}/rnd/")
    assert "No change" in page_nojs.locator(".flashes").inner_text()
