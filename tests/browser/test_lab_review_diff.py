"""Issue 17, the lab in a real browser at 1280 and 390 px: a resubmitted design's review
shows the request (pH, constraints, batch, notes) and what changed against the revision
the lab sent back; the queue, the review and the 403 page never scroll sideways; the
spec sheet's PDF (its real bytes) prints units and fill and one target pH.

Screenshots (test-artifacts/, git-ignored): lab-review-{1280,390}.png,
lab-queue-{1280,390}.png, error-403-{1280,390}.png, quiz-{1280,390}.png,
quiz-result-{1280,390}.png, and the spec sheet's first page rendered by pdftoppm and
shown at both widths, spec-sheet-{1280,390}.png (spec-sheet-page1.png is the page itself).
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from werkzeug.serving import make_server

from configurator.web import create_app
from tests.browser.conftest import ARTIFACTS, USERS, login
from tests.browser.test_quiz_flow import OILY_PORES, answer
from tests.conftest import ROOT, database_url

WIDTHS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
SENT_BACK = "Lower the niacinamide to 3 % and make it vegan."
RND = ("rnd@example.com", "rnd-pw")


@pytest.fixture
def site(tmp_path):
    """(base URL, app): the browser tests' server, with an R&D account too."""
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-test",
                      "DATABASE_URL": database_url(tmp_path), "RULES_DIR": str(ROOT / "rules")})
    with app.app_context():
        from configurator.web.auth import create_user

        create_user(*USERS["client"], "client", name="Clara Client")
        create_user(*USERS["lab"], "lab", name="Lena Lab")
        create_user(*RND, "rnd", name="Rhea Rnd")
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", app
    srv.shutdown()
    app.extensions["db_engine"].dispose()


def resubmitted(app) -> int:
    """A design the lab sent back at revision 1 and the client resubmitted changed."""
    from sqlmodel import select

    from configurator.engine import parse_formula
    from configurator.store import db
    from configurator.store import designs as store
    from configurator.store.models import User
    from configurator.web import rules

    with app.test_request_context():
        users = {u.role: u for u in db.session().exec(select(User))}
        client, lab = users["client"], users["lab"]
        first = {"name": "Spa day cream", "product_type": "face-cream", "base": "ow-day-cream",
                 "target_ph": 5.5, "constraints": ["fragrance-free"], "batch": {"size": "10 kg"},
                 "ingredients": [{"inci": "Niacinamide", "percent": 5},
                                 {"inci": "Panthenol", "percent": 1}]}
        d = store.create(client, parse_formula(first), rules())
        assert store.transition(client, d, "submitted", allowed_from=("draft",))
        assert store.transition(lab, d, "in_review", allowed_from=("submitted",))
        assert store.transition(lab, d, "changes_requested", SENT_BACK,
                                allowed_from=("in_review",))
        second = dict(first, target_ph=5.2, constraints=["fragrance-free", "vegan"],
                      batch={"size": "30.9 kg", "units": 1000, "fill": "30 mL"},
                      notes="For a spa; pump bottles.\nNo colourants.",
                      ingredients=[{"inci": "Niacinamide", "percent": 3},
                                   {"inci": "Allantoin", "percent": 0.2}])
        store.save(client, d, parse_formula(second), 1, rules())
        assert store.transition(client, d, "submitted", allowed_from=("changes_requested",))
        return d.id


def fits(page, name: str) -> None:
    """No sideways scroll at the viewport's width; the screenshot is kept."""
    width = page.viewport_size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    got = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert got <= width, f"{name}: the page is {got} px wide at {width} px"


def test_the_review_of_a_resubmitted_design(site, page, axe):
    base, app = site
    did = resubmitted(app)
    login(page, base, "lab")  # the lab lands on its queue
    assert page.url == f"{base}/lab/"
    assert page.locator("header nav").get_by_text("Skin quiz").count() == 0
    assert page.get_by_role("link", name="Lab queue").get_attribute("aria-current") == "page"
    assert "Designs waiting for review (submitted or in review)" in \
        page.locator("#queue-caption").inner_text()
    for size in WIDTHS:
        page.set_viewport_size(size)
        fits(page, "lab-queue")
    page.set_viewport_size(WIDTHS[0])
    axe.check(page, "lab-queue-1280-axe")
    page.click("text=Spa day cream")
    page.wait_for_url(f"{base}/lab/designs/{did}")
    page.click("#start-review")
    page.locator(".flash", has_text="Review started").wait_for()

    asked = page.locator("#request").inner_text()
    for text in ("Target pH\n5.2", "Constraints\nFragrance-free, Vegan", "Batch size\n30.9 kg",
                 "Units and fill\n1000 × 30 mL", "For a spa; pump bottles.", "EUR/kg",
                 "Allergens to declare"):
        assert text in asked, f"{text!r} not in {asked!r}"

    diff = page.locator("#revision-diff")
    assert "Changes since revision 1" in diff.inner_text()
    assert SENT_BACK in diff.inner_text() and "Lena Lab" in diff.inner_text()
    rows = [r.inner_text().split("\t") for r in diff.locator("#diff-rows tbody tr").all()]
    assert [[c.strip() for c in r] for r in rows] == [
        ["changed", "Niacinamide", "5 %", "3 %"], ["added", "Allantoin", "—", "0.2 %"],
        ["removed", "Panthenol", "1 %", "—"]], rows
    fields = diff.locator("#diff-fields").inner_text()
    for text in ("Target pH\t5.5\t5.2", "Constraints\tFragrance-free\tFragrance-free, Vegan",
                 "Batch size\t10 kg\t30.9 kg", "Units and fill\tnot set\t1000 × 30 mL"):
        assert text in fields, f"{text!r} not in {fields!r}"
    log = page.locator(".history").inner_text()
    assert "by Lena Lab <lab@example.com>" in log and "by Clara Client <client@example.com>" in log
    assert re.search(r"rules [0-9a-f]{12} of \d{1,2} \w{3} \d{4}", page.locator("main").inner_text())

    axe.check(page, "lab-review-diff-axe")
    for size in WIDTHS:
        page.set_viewport_size(size)
        fits(page, "lab-review")
        box = diff.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    axe.check(page, "lab-review-diff-390-axe")  # the stacked tables keep their names

    # the spec sheet: real PDF bytes, as the lab downloads them
    pdf = page.request.get(f"{base}/lab/designs/{did}/sheet.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body()))
                    .pages)
    assert "UNITS AND FILL 1000 × 30 mL" in text
    targets = set(re.findall(r"adjust to (?:pH )?(\d+(?:\.\d+)?)", text, re.I))
    assert targets == {"5.2"}, f"the procedure names pH targets {targets}: {text}"
    assert re.search(r"target pH 5\.2 \(\d\.\d–\d\.\d\)", text), text
    sheet_screenshots(page, pdf.body())


def sheet_screenshots(page, pdf: bytes) -> None:
    """The sheet's first page as pdftoppm draws it, shown at 1280 and at 390 px."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sheet.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                        str(Path(tmp) / "sheet.pdf"), str(Path(tmp) / "page")], check=True)
        png = (Path(tmp) / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    (ARTIFACTS / "spec-sheet-page1.png").write_bytes(png)
    src = "data:image/png;base64," + base64.b64encode(png).decode()
    page.goto("about:blank")  # not the app's document: its CSP would refuse the inline image
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.set_content(f'<!doctype html><html lang="en"><title>Spec sheet</title>'
                         f'<body style="margin:0;background:#777"><img alt="Spec sheet, page 1" '
                         f'src="{src}" style="display:block;width:100%;max-width:900px;'
                         f'margin:0 auto"></body></html>')
        fits(page, "spec-sheet")


def test_403_and_quiz_pages_at_both_widths(site, page, axe):
    base, _app = site
    login(page, base, "client")
    assert page.locator("header nav").get_by_text("Skin quiz").count() == 1
    r = page.goto(f"{base}/lab/")
    assert r.status == 403
    assert page.locator("h1").inner_text() == "Error 403"
    assert page.locator(".error-page").count() == 1 and "Forbidden" not in page.content()
    axe.check(page, "error-403-axe")
    for size in WIDTHS:
        page.set_viewport_size(size)
        fits(page, "error-403")
    page.set_viewport_size(WIDTHS[0])
    page.goto(f"{base}/quiz")
    for size in WIDTHS:
        page.set_viewport_size(size)
        fits(page, "quiz")
    answer(page, **OILY_PORES)
    page.click("#quiz-submit")
    page.wait_for_url(f"{base}/quiz/result")
    for size in WIDTHS:
        page.set_viewport_size(size)
        fits(page, "quiz-result")
