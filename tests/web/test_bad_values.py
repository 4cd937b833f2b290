"""Every form and every JSON route against hostile values (issue 3, issue 7).

For each form field of the app (login, new design, the design editor field by
field, rename, the lab's review decision, the one-click actions) and for each
JSON route, each *class* of bad value is posted: negative, zero, NaN, inf,
1e309, -0, 10**400 written out, 100 000 characters, NUL and other control
characters, odd unicode, a mass for a strength, a percentage for a batch, a
power tower (``9**9**9``, which pint would otherwise evaluate for ever), a list
where a scalar belongs, a missing field and a duplicated one.

The assertions, for every case:

* the status is never 500 and the body never holds a traceback;
* where the value is wrong, the page (or the JSON ``details``) carries a message
  that names the problem, the status is 4xx on a save, and nothing was written:
  the design's revision count, the number of designs, the review state are the
  same as before;
* where the value is *legal* (``0`` % of an ingredient, ``-0`` as pH 0, any
  text as a design name) the app may accept it; the test then only demands no
  500.

Two decisions of the app are kept here rather than changed: an unknown INCI
name or an unknown base typed in the editor is an engine *finding* (contract
§1: "an INCI name the catalog does not know is an error finding … it never
crashes the check"), so the draft may be saved, but only as an invalid
revision whose report names the unknown id; it cannot be submitted to the lab.
Every other unknown id (product type, constraint, review decision) comes from a
select list and is refused by the form.

One module-wide app (created once: a migration and a rule load per test would
cost minutes) keeps the suite fast; every case reads the counts it compares
from the database itself.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import func
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from configurator.store.models import AuditEvent, Design, Revision
from configurator.web import create_app
from tests.conftest import ROOT, csrf_of, database_url

MISSING = object()
BAD: dict[str, object] = {
    "negative": "-5",
    "zero": "0",
    "nan": "NaN",
    "inf": "inf",
    "1e309": "1e309",
    "minus-zero": "-0",
    "10**400": "1" + "0" * 400,
    "huge": "x" * 100_000,
    "nul": "a\x00b",
    "control": "a\x1bb",
    "unicode": "\u202eΩ\u0301\U0001F600\ufeff",
    "mass": "5 kg",
    "percent": "5 %",
    "power": "9**9**9",
    "list": "[1, 2]",
    "missing": MISSING,
}
CLASSES = list(BAD)

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")
CONTROL = r"contains a control character"
LONGER = r"cannot be longer than {n} characters"


def longer(n: int) -> str:
    return LONGER.format(n=n)


# ---- the app, once for the module ---------------------------------------------------

class Site:
    """The app with its users, a client logged in as alice, and the ids the cases use."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.client.post("/login", data={
            "email": "alice@example.com", "password": "alice-pw",
            "csrf_token": csrf_of(self.client.get("/login").get_data(as_text=True))})
        self.csrf = csrf_of(self.client.get("/designs/new").get_data(as_text=True))
        self.design = self.new_design("Bad values")

    def new_design(self, name: str) -> int:
        r = self.client.post("/designs/new", data={"name": name, "product_type": "serum",
                                                   "base": "light-gel", "csrf_token": self.csrf})
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        return int(r.headers["Location"].rstrip("/").split("/")[-1])

    def db(self):
        from configurator.store import db

        return db.session()

    def count(self, model, *where) -> int:
        with self.app.app_context():
            return self.db().exec(select(func.count()).select_from(model).where(*where)).one()

    def design_row(self, did: int) -> Design:
        with self.app.app_context():
            d = self.db().get(Design, did)
            self.db().expunge(d)
            return d

    def latest(self, did: int) -> Revision:
        with self.app.app_context():
            d = self.db().get(Design, did)
            rev = self.db().exec(select(Revision).where(Revision.design_id == did,
                                                        Revision.number == d.version)).one()
            self.db().expunge(rev)
            return rev

    def editor_data(self, did: int) -> dict:
        """The editor form as the browser sends it for the design as it stands."""
        return {"csrf_token": self.csrf, "name": "Bad values", "product_type": "serum",
                "base": "light-gel", "target_ph": "5.5", "rows-0-inci": "Niacinamide",
                "rows-0-amount": "4", "rows-1-inci": "", "rows-1-amount": "",
                "batch_size": "", "batch_units": "", "batch_fill": "", "notes": "",
                "version": str(self.design_row(did).version)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-values")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url(tmp),
                      "RULES_DIR": str(ROOT / "rules"), "RULES_CHECK_SECONDS": -1})
    with app.app_context():
        from configurator.web.auth import create_token, create_user

        alice = create_user("alice@example.com", "alice-pw", "client")
        create_user("lab@example.com", "lab-pw", "lab")
        create_user("mallory@example.com", "mallory-pw", "client")
        token = create_token(alice)
    s = Site(app)
    s.token = token
    yield s
    app.extensions["db_engine"].dispose()


def with_value(data: dict, field: str, value) -> MultiDict:
    out = MultiDict(data)
    if value is MISSING:
        out.pop(field, None)
    else:
        out.setlist(field, [value])
    return out


def text_of(r) -> str:
    if r.mimetype not in ("text/html", "application/json", "text/plain"):
        r.get_data()  # a PDF, a ZIP (maybe streamed): read it to the end, then let it go
        r.close()
        assert r.status_code < 500, r.status_code
        return ""
    body = r.get_data(as_text=True)
    assert r.status_code < 500, f"{r.status_code}: {body[:500]}"
    assert not TRACEBACK.search(body), body[:2000]
    return html.unescape(body)


# ---- the design editor, field by field ----------------------------------------------

NOT_CONC = r"is not a concentration"
NOT_MASS = r"is not a (positive )?mass or (a )?volume"
PH = r"Target pH must be a number from 0 to 14"
UNITS = r"Units must be a whole number from 1 to 10,000,000"
STALE = r"out of date or was altered"
CHOICE = r"Not a valid choice|is not a valid choice|This field is required"
FINDING = "finding:"  # prefix: saved as an invalid revision whose report holds this code

# field -> {class: expected message regex}; a class not listed is a legal value there
EDITOR: dict[str, dict[str, str]] = {
    "name": {"10**400": longer(200), "huge": longer(200), "nul": CONTROL, "control": CONTROL,
             "missing": r"This field is required"},
    "product_type": {c: CHOICE for c in CLASSES} | {"nul": CONTROL, "control": CONTROL},
    "base": {c: FINDING + "unknown-reference" for c in CLASSES if c != "missing"}
    | {"10**400": r"`base` is longer than 200", "huge": r"`base` is longer than 200",
       "nul": CONTROL, "control": CONTROL},
    "constraints": {c: CHOICE for c in CLASSES if c != "missing"}
    | {"nul": CONTROL, "control": CONTROL},
    "target_ph": {c: PH for c in ("negative", "nan", "inf", "1e309", "unicode", "mass",
                                  "percent", "power", "list")}
    | {"10**400": longer(8), "huge": longer(8), "nul": CONTROL, "control": CONTROL},
    "rows-0-inci": {c: FINDING + "unknown-ingredient" for c in CLASSES if c != "missing"}
    | {"10**400": longer(120), "huge": longer(120), "nul": CONTROL, "control": CONTROL},
    "rows-0-amount": {"negative": r"is not between 0 and 100", "nan": NOT_CONC, "inf": NOT_CONC,
                      "1e309": NOT_CONC, "10**400": longer(32), "huge": longer(32),
                      "nul": CONTROL, "control": CONTROL, "unicode": NOT_CONC, "mass": NOT_CONC,
                      "power": NOT_CONC, "list": NOT_CONC,
                      "missing": r"give exactly one of `percent`, `amount`"},
    "batch_size": {c: NOT_MASS for c in ("negative", "zero", "nan", "inf", "1e309", "minus-zero",
                                         "unicode", "percent", "power", "list")}
    | {"10**400": longer(32), "huge": longer(32), "nul": CONTROL, "control": CONTROL},
    "batch_units": {c: UNITS for c in CLASSES}
    | {"10**400": longer(9), "huge": longer(9), "nul": CONTROL, "control": CONTROL,
       "missing": r"give `size`, or both `units` and `fill`"},
    "batch_fill": {c: NOT_MASS for c in ("negative", "zero", "nan", "inf", "1e309", "minus-zero",
                                         "unicode", "percent", "power", "list")}
    | {"10**400": longer(32), "huge": longer(32), "nul": CONTROL, "control": CONTROL,
       "missing": r"give `size`, or both `units` and `fill`"},
    "notes": {"huge": longer(5000), "nul": CONTROL, "control": CONTROL},
    "version": {c: STALE for c in CLASSES} | {"nul": CONTROL, "control": CONTROL},
    "csrf_token": {c: r"The form expired" for c in CLASSES},
}
CONTEXT = {  # other fields a field needs to be checked on its own
    "batch_units": {"batch_fill": "30 mL"},
    "batch_fill": {"batch_units": "100"},
    "constraints": {},
}
EDITOR_CASES = [(f, c) for f in EDITOR for c in CLASSES]


@pytest.mark.parametrize("field, cls", EDITOR_CASES, ids=[f"{f}-{c}" for f, c in EDITOR_CASES])
def test_editor_save_rejects_bad_values(site, field, cls):
    did = site.design
    expected = EDITOR[field].get(cls)
    data = site.editor_data(did) | CONTEXT.get(field, {})
    revs = site.count(Revision, Revision.design_id == did)
    r = site.client.post(f"/designs/{did}",
                         data=_with_action(with_value(data, field, BAD[cls]), "save"))
    page = text_of(r)
    if expected is None:  # a legal value: saved or not, never a 500
        return
    if expected.startswith(FINDING):
        code = expected[len(FINDING):]
        if r.status_code == 303:  # saved as an invalid draft, naming the unknown id
            rev = site.latest(did)
            assert rev.valid is False
            assert any(f["code"] == code for f in rev.report["findings"]), rev.report["findings"]
        else:
            assert r.status_code == 400 and re.search(r"longer than|control", page), page[:500]
        return
    assert r.status_code == 400, (r.status_code, page[:300])
    assert re.search(expected, page), f"no message /{expected}/ for {field}={cls}"
    assert site.count(Revision, Revision.design_id == did) == revs, "a bad value was saved"


def _with_action(data: MultiDict, action: str) -> MultiDict:
    data.setlist("action", [action])
    return data


@pytest.mark.parametrize("field", ["target_ph", "rows-0-amount", "batch_size", "name",
                                   "product_type", "version"])
def test_editor_duplicated_field_first_value_counts(site, field):
    """A field sent twice: WTForms reads the first value; a bad first value is refused."""
    did = site.design
    data = MultiDict(site.editor_data(did) | {"action": "save"})
    good = data.get(field)
    bad = {"target_ph": "nan", "rows-0-amount": "5 kg", "batch_size": "5 %", "name": "x" * 300,
           "product_type": "no-such-type", "version": "-1"}[field]
    revs = site.count(Revision, Revision.design_id == did)
    data.setlist(field, [bad, good])
    r = site.client.post(f"/designs/{did}", data=data)
    page = text_of(r)
    assert r.status_code == 400, (field, r.status_code)
    assert re.search(EDITOR[field].get("nan") or r"not|longer|valid|out of date", page)
    assert site.count(Revision, Revision.design_id == did) == revs
    data.setlist(field, [good, bad])
    assert site.client.post(f"/designs/{did}", data=data).status_code in (303, 400)


@pytest.mark.parametrize("cls", CLASSES)
def test_live_check_preview_and_advice_never_fail(site, cls):
    """The same values through "Check", live validation and the catalog advice."""
    did = site.design
    value = BAD[cls]
    for field in ("name", "product_type", "base", "target_ph", "rows-0-inci", "rows-0-amount",
                  "batch_size", "batch_units", "batch_fill", "notes", "constraints", "q"):
        data = with_value(site.editor_data(did), field, value)
        urls = ["/designs/preview", f"/designs/{did}/advice"]
        if field in ("target_ph", "rows-0-amount", "batch_size", "q"):  # the full page is slower
            urls.append(f"/designs/{did}")
        for url in urls:
            r = site.client.post(url, data=_with_action(MultiDict(data), "check"))
            page = text_of(r)
            if cls in ("nul", "control") and value is not MISSING:
                assert r.status_code == 400 and re.search(CONTROL, page)
            else:
                assert r.status_code in (200, 400), (url, field, r.status_code)


@pytest.mark.parametrize("kind", ["fix", "add", "remove"])
@pytest.mark.parametrize("cls", CLASSES)
def test_one_click_actions_with_bad_values(site, kind, cls):
    """fix/add/remove buttons carry values too ("set-percent|Aqua|1e309"); none fails."""
    did = site.design
    revs = site.count(Revision, Revision.design_id == did)
    v = BAD[cls]
    values = [v] if v is MISSING else {
        "fix": [v, f"set-percent|Niacinamide|{v}", f"set-ph||{v}"], "add": [f"{v}|{v}"],
        "remove": [v]}[kind]
    for value in values:
        data = with_value(site.editor_data(did), kind, value)
        r = site.client.post(f"/designs/{did}", data=data)
        page = text_of(r)
        assert r.status_code in (200, 400), (kind, value[:40], r.status_code)
        if r.status_code == 400:
            assert re.search(r"malformed|control character|out of date|not", page)
    assert site.count(Revision, Revision.design_id == did) == revs  # actions never save


# ---- the other forms -----------------------------------------------------------------

NEW: dict[str, dict[str, str]] = {
    "name": EDITOR["name"],
    # the new-design page names the field in its message (no type is preselected there)
    "product_type": EDITOR["product_type"] | {"missing": r"Choose a product type\."},
    "base": {c: r"Unknown base" for c in CLASSES if c != "missing"}
    | {"nul": CONTROL, "control": CONTROL},
    "csrf_token": EDITOR["csrf_token"],
}


@pytest.mark.parametrize("field, cls", [(f, c) for f in NEW for c in CLASSES])
def test_new_design_form(site, field, cls):
    data = {"name": "New one", "product_type": "serum", "base": "light-gel",
            "csrf_token": site.csrf}
    designs = site.count(Design)
    r = site.client.post("/designs/new", data=with_value(data, field, BAD[cls]))
    page = text_of(r)
    expected = NEW[field].get(cls)
    if expected is None:
        assert r.status_code in (302, 400)
        return
    assert r.status_code == 400, (field, cls, r.status_code)
    assert re.search(expected, page), f"no message /{expected}/ for {field}={cls}"
    assert site.count(Design) == designs


@pytest.mark.parametrize("cls", CLASSES)
def test_rename_form(site, cls):
    did = site.design
    before = site.design_row(did).name
    r = site.client.post(f"/designs/{did}/rename",
                         data=with_value({"csrf_token": site.csrf}, "name", BAD[cls]),
                         follow_redirects=True)
    page = text_of(r)
    after = site.design_row(did).name
    if cls in ("huge", "10**400", "missing"):
        assert "A name is 1 to 200 characters." in page and after == before
    elif cls in ("nul", "control"):
        assert r.status_code == 400 and re.search(CONTROL, page) and after == before
    else:
        assert after == BAD[cls].strip()  # legal names
    site.client.post(f"/designs/{did}/rename", data={"name": "Bad values",
                                                      "csrf_token": site.csrf})


@pytest.mark.parametrize("action", ["duplicate", "archive", "submit"])
@pytest.mark.parametrize("cls", ["missing", "huge", "nul", "unicode", "zero"])
def test_one_button_forms_need_their_csrf_token(site, action, cls):
    did = site.design
    designs, before = site.count(Design), site.design_row(did)
    r = site.client.post(f"/designs/{did}/{action}",
                         data=with_value({"csrf_token": site.csrf}, "csrf_token", BAD[cls]))
    page = text_of(r)
    assert r.status_code == 400 and re.search(r"expired|malformed|control character", page)
    after = site.design_row(did)
    assert site.count(Design) == designs
    assert (after.archived, after.status, after.version) == (before.archived, before.status,
                                                             before.version)


@pytest.mark.parametrize("design_id", ["0", "-1", "99999999999999999999999", "1e3", "abc",
                                       "%00", "9" * 400])
def test_unknown_and_absurd_ids_are_404(site, design_id):
    for url in (f"/designs/{design_id}", f"/designs/{design_id}/sheet.pdf",
                f"/lab/designs/{design_id}", f"/api/v1/designs/{design_id}"):
        r = site.client.get(url, headers={"Authorization": f"Bearer {site.token}"})
        text_of(r)
        assert r.status_code in (403, 404), (url, r.status_code)


LOGIN: dict[str, dict[str, str]] = {
    "email": {c: r"Enter an e-mail address" for c in CLASSES}
    | {"huge": longer(254), "10**400": longer(254), "missing": r"This field is required",
       "nul": CONTROL, "control": CONTROL},
    "password": {c: r"Wrong e-mail or password|Too many failed logins" for c in CLASSES}
    | {"huge": longer(200), "10**400": longer(200), "missing": r"This field is required",
       "nul": CONTROL, "control": CONTROL},
    "csrf_token": EDITOR["csrf_token"],
}


@pytest.mark.parametrize("field, cls", [(f, c) for f in LOGIN for c in CLASSES])
def test_login_form(site, field, cls):
    client = site.app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    data = {"email": "mallory@example.com", "password": "not-her-password", "csrf_token": token}
    r = client.post("/login", data=with_value(data, field, BAD[cls]))
    page = text_of(r)
    assert r.status_code in (400, 401, 429), (field, cls, r.status_code)
    assert re.search(LOGIN[field][cls], page), f"no message for {field}={cls}: {page[:300]}"
    assert client.get("/designs").status_code == 302  # not logged in


# ---- the lab's review form -----------------------------------------------------------

@pytest.fixture(scope="module")
def review(site):
    """A submitted design and a lab client that has started its review."""
    c = site.client
    did = site.new_design("For review")
    data = site.editor_data(did) | {"name": "For review", "rows-0-inci": "Niacinamide",
                                    "rows-0-amount": "4", "action": "save"}
    assert c.post(f"/designs/{did}", data=data).status_code == 303
    assert site.latest(did).valid, site.latest(did).report["findings"]
    c.post(f"/designs/{did}/submit", data={"csrf_token": site.csrf})
    lab = site.app.test_client()
    lab.post("/login", data={"email": "lab@example.com", "password": "lab-pw",
                             "csrf_token": csrf_of(lab.get("/login").get_data(as_text=True))})
    token = csrf_of(lab.get(f"/lab/designs/{did}").get_data(as_text=True))
    assert lab.post(f"/lab/designs/{did}/start", data={"csrf_token": token}).status_code == 303
    assert site.design_row(did).status == "in_review"
    return lab, did, token


@pytest.mark.parametrize("field, cls", [(f, c) for f in ("decision", "csrf_token") for c in CLASSES]
                         # any other text is a legal comment (and would record a decision)
                         + [("comment", c) for c in ("huge", "missing", "nul", "control")])
def test_review_decision_form(site, review, field, cls):
    lab, did, token = review
    events = site.count(AuditEvent, AuditEvent.design_id == did)
    data = {"decision": "changes_requested", "comment": "Please lower it.", "csrf_token": token}
    r = lab.post(f"/lab/designs/{did}", data=with_value(data, field, BAD[cls]))
    page = text_of(r)
    assert r.status_code == 400, (field, cls, r.status_code)
    if cls in ("nul", "control") and field != "csrf_token":
        assert re.search(CONTROL, page)
    elif field == "csrf_token":
        assert re.search(r"Choose a decision|expired", page)
    else:
        assert "Choose a decision and write a comment." in page
        if field == "comment" and cls != "missing":
            assert re.search(longer(5000), page)
    assert site.count(AuditEvent, AuditEvent.design_id == did) == events
    assert site.design_row(did).status == "in_review"


@pytest.mark.parametrize("cls", [c for c in CLASSES if c != "missing"])
def test_query_strings_never_fail(site, review, cls):
    """GET filters (the lab queue, the dashboard, R&D search when present) with bad values."""
    lab, _did, _token = review
    v = BAD[cls]
    if cls in ("huge",):
        v = v[:4000]  # a URL, not a body: keep it under common server limits
    for client, url, params in ((lab, "/lab/", {"status": v, "older_than": v}),
                                (site.client, "/designs", {"archived": v})):
        r = client.get(url, query_string=params)
        text_of(r)
        assert r.status_code == 200


# ---- every route, generically ------------------------------------------------------

def test_every_route_survives_bad_path_and_query_values(site, review):
    """Each URL rule of the app (including routes other helpers add) with absurd ids."""
    lab, _did, _token = review
    skip = {"static"}
    checked = 0
    for rule in site.app.url_map.iter_rules():
        if rule.endpoint in skip:
            continue
        for bad_id in ("0", "99999999999999999999", "1" + "0" * 40):
            url = rule.rule
            for arg in rule.arguments:
                url = url.replace(f"<int:{arg}>", bad_id).replace(f"<{arg}>", bad_id) \
                    .replace(f"<string:{arg}>", "x" * 300 + "%00")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for client in (site.client, lab):
                    r = client.open(url, method=method, query_string={"q": "\x00" + "x" * 300,
                                                                       "page": "1e309"},
                                    data={"csrf_token": site.csrf})
                    text_of(r)
                    checked += 1
    assert checked > 20


# ---- the JSON API ----------------------------------------------------------------

FORMULA = {"name": "API bad values", "product_type": "serum", "base": "light-gel",
           "target_ph": 5.5, "constraints": ["vegan"],
           "ingredients": [{"inci": "Niacinamide", "percent": 4},
                           {"inci": "Sodium Hyaluronate", "amount": "0.1 %"}],
           "batch": {"size": "5 kg"}, "notes": "ok"}
JBAD: dict[str, object] = {
    "negative": -5, "zero": 0, "nan": float("nan"), "inf": float("inf"), "1e309": "1e309",
    "minus-zero": -0.0, "10**400": 10**400, "1e308": 1e308, "huge": "x" * 100_000,
    "nul": "a\x00b", "control": "a\x1bb", "surrogate": "\ud800", "list": [1, 2], "map": {"a": 1},
    "null": None, "bool": True, "mass": "5 kg", "percent": "5 %", "power": "9**9**9",
    "missing": MISSING,
}
JCLASSES = list(JBAD)
# (path, class) -> regex of the message in ``details``; classes not listed are legal there
J_ANY = r"."


def _jexp() -> dict[tuple, dict[str, str]]:
    text_bad = {"10**400": r"too large", "huge": r"longer than", "nul": r"control character",
                "control": r"control character", "surrogate": r"control character",
                "list": r"must be text", "map": r"must be text", "bool": r"must be text"}
    conc_bad = {c: r"not a concentration|not between 0 and 100" for c in (
        "negative", "nan", "inf", "1e309", "10**400", "1e308", "huge", "nul", "control",
        "surrogate", "list", "map", "bool", "mass", "power")}
    conc_bad["null"] = conc_bad["missing"] = r"give exactly one of"
    qty_bad = {c: r"not a (positive )?mass or (a )?volume|too large|longer than|must be text|"
               r"control character" for c in ("negative", "zero", "nan", "inf", "1e309",
                                                "minus-zero", "10**400", "1e308", "huge", "nul",
                                                "control", "surrogate", "list", "map", "bool",
                                                "percent", "power")}
    return {
        ("name",): text_bad,
        # an unknown product type id is a finding (contract §1), any other value a 400
        ("product_type",): {c: r"product_type|application|area" for c in JCLASSES}
        | {c: FINDING + "unknown-reference" for c in ("1e309", "mass", "percent", "power")},
        ("base",): text_bad | {c: FINDING + "unknown-reference" for c in (
            "1e309", "mass", "percent", "power", "negative", "zero", "minus-zero", "inf", "nan",
            "1e308")},
        ("target_ph",): {c: r"`target_ph` must be a number from 0 to 14" for c in (
            "negative", "nan", "inf", "1e309", "10**400", "1e308", "huge", "nul", "control",
            "surrogate", "list", "map", "bool", "mass", "percent", "power")},
        ("constraints",): {c: r"constraints" for c in (
            "negative", "zero", "nan", "inf", "minus-zero", "10**400", "1e308", "huge", "nul",
            "control", "surrogate", "map", "bool", "list")},
        ("ingredients",): {c: r"ingredients|row" for c in JCLASSES if c not in (
            "null", "missing")},
        ("ingredients", 0, "inci"): text_bad | {"null": r"no `inci` name",
                                                "missing": r"no `inci` name"},
        ("ingredients", 0, "percent"): conc_bad,
        ("ingredients", 1, "amount"): conc_bad,
        ("batch",): {c: r"batch" for c in JCLASSES if c not in ("null", "missing")},
        ("batch", "size"): qty_bad | {"null": r"give `size`", "missing": r"give `size`"},
        ("batch", "units"): {c: r"`units` must be a whole number|give `size`" for c in JCLASSES
                             if c not in ("null", "missing")},
        ("notes",): {k: v.replace("longer than", "longer than 5000") for k, v in text_bad.items()
                     if k != "10**400"} | {"10**400": r"too large"},
    }


JEXP = _jexp()
JCASES = [(p, c) for p in JEXP for c in JCLASSES]


def _set(doc: dict, path: tuple, value) -> dict:
    doc = json.loads(json.dumps(doc))
    target = doc
    for k in path[:-1]:
        target = target[k]
    if value is MISSING:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    return doc


def _body(obj) -> str:
    # NaN/Infinity as the JSON extension Python reads; a lone surrogate as its \u escape
    return json.dumps(obj, allow_nan=True)


@pytest.mark.parametrize("path, cls", JCASES, ids=[".".join(map(str, p)) + "-" + c
                                                     for p, c in JCASES])
def test_api_routes_reject_bad_values(site, path, cls):
    h = {"Authorization": f"Bearer {site.token}"}
    doc = _set(FORMULA, path, JBAD[cls])
    expected = JEXP[path].get(cls)
    if path == ("batch", "units") and cls not in ("null", "missing"):
        doc["batch"] = {"units": JBAD[cls], "fill": "30 mL"}
        if cls in ("zero", "negative", "nan", "inf", "minus-zero", "1e308"):
            expected = r"`units` must be a whole number"
    designs = site.count(Design)
    api_design = getattr(site, "api_design", None)
    if api_design is None:
        r = site.client.post("/api/v1/designs", json={"formula": FORMULA}, headers=h)
        assert r.status_code == 201, r.get_json()
        api_design = site.api_design = r.get_json()["id"]
        designs += 1
    revs = site.count(Revision, Revision.design_id == api_design)
    version = site.design_row(api_design).version
    for method, url, body in (
            ("POST", "/api/v1/validate", _body(doc)),
            ("POST", "/api/v1/designs", _body({"formula": doc})),
            ("PUT", f"/api/v1/designs/{api_design}", _body({"formula": doc, "revision": version}))):
        r = site.client.open(url, method=method, data=body, content_type="application/json",
                             headers=h)
        text_of(r)
        out = r.get_json()
        assert out is not None, "the API answers JSON"
        if expected is not None and expected.startswith(FINDING):
            assert r.status_code in (200, 201), (url, r.status_code, out)
            report = out.get("report", out)
            assert report["valid"] is False
            assert expected[len(FINDING):] in {f["code"] for f in report["findings"]}
        if expected is None or expected.startswith(FINDING):
            assert r.status_code in (200, 201), (url, r.status_code, out)
            if r.status_code == 201:
                designs += 1
            elif method == "PUT":
                revs, version = revs + 1, version + 1
            continue
        assert r.status_code == 400, (url, path, cls, r.status_code, str(out)[:300])
        assert out["error"] and out["details"], out
        detail = json.dumps(out["details"], ensure_ascii=False)
        assert re.search(expected, detail), f"{url}: no /{expected}/ in {detail[:300]}"
        assert len(detail) < 20_000, "the message echoes a huge value back"
    assert site.count(Design) == designs
    assert site.count(Revision, Revision.design_id == api_design) == revs


@pytest.mark.parametrize("body, status, message", [
    ("{bad", 400, r"malformed JSON"),
    ("", 400, r"malformed JSON"),
    ("[" * 100_000, 400, r"malformed JSON"),
    ('{"a":' * 50_000, 400, r"malformed JSON"),
    ("1" * 5000, 400, r"malformed JSON"),  # past Python's 4300-digit int limit
    ("1e999999", 400, r"formula is a mapping"),
    ('"\\ud800"', 400, r"formula is a mapping"),
    ("null", 400, r"malformed JSON|formula is a mapping"),
    ("[1, 2, 3]", 400, r"formula is a mapping"),
    ('{"product_type": "serum", "ingredients": [' + ",".join(['{"inci": "Aqua", "qs": true}'] * 300)
     + "]}", 400, r"more than 200 ingredient rows"),
    ('{"product_type": "serum", "ingredients": [], "x\\u0000": 1}', 400, r"unknown field"),
    ('{"product_type": "serum", "ingredients": [], "name": "a", "name": "b"}', 200, r"."),
])
def test_api_malformed_bodies(site, body, status, message):
    h = {"Authorization": f"Bearer {site.token}"}
    for url, wrap in (("/api/v1/validate", lambda b: b),
                      ("/api/v1/designs", lambda b: '{"formula": ' + b + "}" if b.strip()
                       and len(b) < 60_000 else b)):
        designs = site.count(Design)
        r = site.client.post(url, data=wrap(body).encode("utf-8", "surrogatepass"),
                             content_type="application/json", headers=h)
        text_of(r)
        out = r.get_json()
        if url.endswith("/designs") and status == 200:
            assert r.status_code == 201
            continue
        want = status if url.endswith("validate") else 400
        assert r.status_code == want, (url, body[:40], r.status_code, out)
        if want == 400:
            assert re.search(message if url.endswith("validate") else r"malformed|formula|expected",
                             json.dumps(out)), out
            assert site.count(Design) == designs


@pytest.mark.parametrize("revision", [-1, 0, 2**31, 10**40, 1.5, "1", None, True, [1], {"n": 1}])
def test_api_put_rejects_bad_revision_numbers(site, revision):
    h = {"Authorization": f"Bearer {site.token}"}
    r = site.client.post("/api/v1/designs", json={"formula": FORMULA}, headers=h)
    did = r.get_json()["id"]
    r = site.client.put(f"/api/v1/designs/{did}", data=json.dumps({"formula": FORMULA,
                                                                    "revision": revision}),
                        content_type="application/json", headers=h)
    text_of(r)
    assert r.status_code in (400, 409), r.get_json()
    assert re.search(r"revision", json.dumps(r.get_json()))
    assert site.count(Revision, Revision.design_id == did) == 1


def test_api_wrong_content_type_and_bad_bytes(site):
    h = {"Authorization": f"Bearer {site.token}"}
    r = site.client.post("/api/v1/validate", data="product_type: serum", headers=h)
    assert r.status_code == 415 and "JSON" in r.get_json()["error"]
    r = site.client.post("/api/v1/validate", data=b"\xff\xfe{}", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"] == "malformed JSON"
    r = site.client.post("/api/v1/designs", json={"formula": FORMULA},
                         headers={"Authorization": "Bearer " + "x" * 100_000})
    assert r.status_code == 401 and "authentication" in r.get_json()["error"]
