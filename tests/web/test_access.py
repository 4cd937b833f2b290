"""Every route × every principal × every design state answers as docs/security.md says.

The permission table is read from docs/security.md itself (between the
``access-table`` markers), so the document and the code cannot drift apart:

* every (method, rule) of ``app.url_map`` must have a row — a new route
  without one FAILS here, naming it;
* every row must still be a route (no stale rows);
* every cell is checked with a real request, by a real logged-in user, against
  a real database (SQLite, or TEST_DATABASE_URL) holding alice's designs in
  every state. A route with ``<design_id>`` is checked once per state, each
  mutating request (POST/PUT/DELETE on a design) on a fresh design of that
  state, so no cell depends on another.

Cell grammar: ``200`` (every state), or ``303, draft/archived 404`` (the first
status for every state not listed after it). A redirect (302/303) of an
anonymous request must lead to the login page; a redirect of a logged-in user
must not (so "302" cannot hide "you were sent to log in").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Auth, csrf_of
from tests.web.populate import DOC
from tests.web.test_designs import editor_data

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PRINCIPALS = ("anonymous", "owner", "other", "lab", "rnd", "admin")
LOGINS = {"owner": "alice@example.com", "other": "bob@example.com", "lab": "lab@example.com",
          "rnd": "rnd@example.com", "admin": "admin@example.com"}
STATES = ("draft", "submitted", "in_review", "changes_requested", "approved", "rejected",
          "archived")
PATHS = {"draft": [], "submitted": ["submitted"], "in_review": ["submitted", "in_review"],
         "changes_requested": ["submitted", "in_review", "changes_requested"],
         "approved": ["submitted", "in_review", "approved"],
         "rejected": ["submitted", "in_review", "rejected"], "archived": []}
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# sample values for URL variables other than design_id (a new variable name fails loudly)
SAMPLES = {"filename": "app.css", "iid": "niacinamide",
           "rid": "eu-annex-iii-45-benzyl-alcohol-declare"}


def read_table() -> dict[tuple[str, str], dict[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- access-table:start -->(.*?)<!-- access-table:end -->", text, re.S)
    assert m, f"{DOCS}: no access table between the access-table markers"
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for line in m.group(1).splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 + len(PRINCIPALS) or cells[0] in ("method", "") or \
                set(cells[0]) <= set("-: "):
            continue
        key = (cells[0], cells[1])
        assert key not in rows, f"docs/security.md: row {key} twice"
        rows[key] = dict(zip(PRINCIPALS, cells[2:], strict=True))
    return rows


def expected(cell: str, state: str | None) -> int:
    parts = [p.strip() for p in cell.split(",")]
    status = int(parts[0])
    for p in parts[1:]:
        states, code = p.rsplit(" ", 1)
        if state is not None and state in states.split("/"):
            status = int(code)
    return status


def routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - IGNORED_METHODS}


def test_every_route_has_a_row_and_every_row_a_route(app):
    table = set(read_table())
    have = routes(app)
    missing = sorted(have - table)
    stale = sorted(table - have)
    assert not missing, ("routes without a row in the permission table of docs/security.md "
                         f"(add them): {missing}")
    assert not stale, f"rows of docs/security.md that are no route any more: {stale}"


# ---- the requests --------------------------------------------------------------------

def _fresh_design(app, state: str) -> int:
    from sqlmodel import select

    from configurator.engine import parse_formula
    from configurator.store import db
    from configurator.store import designs as store
    from configurator.store.models import User
    from configurator.web import rules

    with app.test_request_context():
        users = {u.email: u for u in db.session().exec(select(User))}
        alice, lab = users["alice@example.com"], users["lab@example.com"]
        d = store.create(alice, parse_formula(dict(DOC, name=f"{state} design")), rules())
        frm = "draft"
        for to in PATHS[state]:
            assert store.transition(alice if to == "submitted" else lab, d, to,
                                    "" if to in ("submitted", "in_review") else "A comment.",
                                    allowed_from=(frm,))
            frm = to
        if state == "archived":
            store.set_archived(alice, d, True)
        return d.id


def _body(endpoint: str, method: str, did: int | None, token: str, owner_client):
    """A request body a legitimate user of the route would send (so the status is the
    permission's, not a complaint about the input)."""
    form = {"csrf_token": token}
    if endpoint == "designs.edit" and method == "POST":
        data = editor_data(owner_client, did, action="save")
        data["csrf_token"] = token
        return {"data": data}
    if endpoint in ("designs.preview", "designs.preview_any", "designs.advice"):
        return {"data": {**form, "product_type": "serum", "base": "light-gel",
                         "rows-0-inci": "Niacinamide", "rows-0-amount": "3", "q": "glyc"}}
    if endpoint == "designs.rename":
        return {"data": {**form, "name": "Renamed"}}
    if endpoint == "designs.new" and method == "POST":
        return {"data": {**form, "name": "New one", "product_type": "serum", "base": "light-gel"}}
    if endpoint == "lab.review" and method == "POST":
        return {"data": {**form, "decision": "approved", "comment": "Checked."}}
    if endpoint == "auth.login" and method == "POST":
        return {"data": {**form, "email": "alice@example.com", "password": "not-her-password"}}
    if endpoint == "quiz.start" and method == "POST":
        return {"data": {**form, **quiz_answers(owner_client.application)}}
    if endpoint == "api.personalize":
        return {"json": {"answers": quiz_answers(owner_client.application)}}
    if endpoint == "api.validate":
        return {"json": DOC}
    if endpoint == "api.repair_formula":
        return {"json": {"formula": DOC}}
    if endpoint == "api.create_design":
        return {"json": {"formula": DOC}}
    if endpoint == "api.update_design":
        return {"json": {"formula": DOC, "revision": None}}  # filled in with the design's
    if endpoint.startswith("api."):
        return {}
    return {"data": form} if method != "GET" else {}


def quiz_answers(app) -> dict:
    """The first option of every question of the quiz in force (a valid set of answers)."""
    with app.app_context():
        from configurator.web import rules

        quiz = rules().quiz.to_dict()
    return {q["id"]: ([q["options"][0]["id"]] if q.get("multiple") else q["options"][0]["id"])
            for q in quiz["questions"]}


def _prepare(endpoint: str, p: Principal) -> None:
    """What a user does before the request: the quiz result needs answers in the session."""
    if endpoint in ("quiz.result", "quiz.open_design") and p.who != "anonymous":
        r = p.client.post("/quiz", data={"csrf_token": p.token(), **quiz_answers(p.app)})
        assert r.status_code == 303, (p.who, r.status_code)


class Principal:
    def __init__(self, app, who: str):
        self.app, self.who = app, who
        self.client = app.test_client()
        self.login()

    def login(self):
        if self.who != "anonymous":
            r = Auth(self.client).login(LOGINS[self.who])
            assert r.status_code == 302, (self.who, r.status_code)

    def token(self) -> str:
        return csrf_of(self.client.get("/login" if self.who == "anonymous" else "/designs/new")
                       .get_data(as_text=True))


def _version(app, did: int) -> int:
    from configurator.store import db
    from configurator.store.models import Design

    with app.app_context():
        return db.session().get(Design, did).version


def test_access_table(app):
    table = read_table()
    principals = {who: Principal(app, who) for who in PRINCIPALS}
    shared = {s: _fresh_design(app, s) for s in STATES}  # for requests that change nothing
    failures = []
    checked = 0
    # routes without a design first: alice's export then holds a handful of designs, not the
    # hundreds the mutating design cells create (each would be a spec sheet to render)
    for rule in sorted(app.url_map.iter_rules(),
                       key=lambda r: ("design_id" in r.arguments, r.rule)):
        for method in sorted(rule.methods - IGNORED_METHODS):
            row = table.get((method, rule.rule))
            if row is None:
                continue  # reported by test_every_route_has_a_row_and_every_row_a_route
            unknown = set(rule.arguments) - {"design_id"} - set(SAMPLES)
            assert not unknown, f"{rule.rule}: give SAMPLES a value for {unknown}"
            mutating = method in ("POST", "PUT", "DELETE", "PATCH") and rule.endpoint not in (
                "designs.preview", "designs.advice", "designs.preview_any", "api.validate",
                "designs.repair_preview", "api.repair_formula")
            states = STATES if "design_id" in rule.arguments else (None,)
            for state in states:
                for who in PRINCIPALS:
                    p = principals[who]
                    did = None
                    if state is not None:
                        did = _fresh_design(app, state) if mutating else shared[state]
                    url = rule.rule
                    for name, value in {**SAMPLES, "design_id": did}.items():
                        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
                    kw = _body(rule.endpoint, method, did, p.token() if method != "GET" else "",
                               principals["owner"].client)
                    if "json" in kw and isinstance(kw["json"], dict) and "revision" in kw["json"]:
                        kw["json"]["revision"] = _version(app, did)
                    _prepare(rule.endpoint, p)
                    r = p.client.open(url, method=method, **kw)
                    r.close()
                    checked += 1
                    want = expected(row[who], state)
                    where = f"{method} {url} as {who}" + (f" ({state})" if state else "")
                    if r.status_code != want:
                        failures.append(f"{where}: {r.status_code}, table says {want}")
                    elif r.status_code in (301, 302, 303):
                        to_login = "/login" in r.headers.get("Location", "")
                        if to_login != (who == "anonymous") and rule.endpoint != "auth.logout":
                            failures.append(f"{where}: redirects to {r.headers['Location']}")
                    if r.status_code >= 500:
                        failures.append(f"{where}: server error")
                    if rule.endpoint == "auth.logout":
                        p.client = app.test_client()
                        p.login()
    assert not failures, f"{len(failures)} of {checked} cells differ:\n" + "\n".join(failures)
    assert checked > 500


@pytest.mark.parametrize("who", ["other", "lab", "rnd", "admin"])
def test_nobody_else_learns_whether_a_design_exists(app, who):
    """A client's design and a design id that does not exist answer alike for others."""
    p = Principal(app, who)
    did = _fresh_design(app, "draft")
    for url in ("/designs/{}", "/designs/{}/sheet.pdf", "/api/v1/designs/{}"):
        a, b = p.client.get(url.format(did)), p.client.get(url.format(did + 1000))
        a.close(), b.close()
        assert a.status_code == b.status_code == 404, (url, a.status_code, b.status_code)
        # The CSRF token is signed with the second it was made, so two pages a second
        # apart differ there and nowhere else that could tell the designs apart.
        assert _without_token(a.data.replace(url.format(did).encode(), b"")) == \
            _without_token(b.data.replace(url.format(did + 1000).encode(), b""))


def _without_token(page: bytes) -> bytes:
    return re.sub(rb'(name="csrf_token" value=")[^"]*"', rb'\1"', page)
