"""One app for hostile-input runs (tests/fuzz and benchmarks/bench_fuzz.py), and the calls.

``Site`` logs a client in, makes a design and an API token; ``post_form``,
``post_json`` and friends send one generated input and return an ``Outcome``:
the status and whether the answer was a failure (a 500, an exception that
escaped the app, or a traceback in the body). With ``TESTING`` on, Flask lets an
unhandled exception escape instead of answering 500, so it is caught here and
counted as the 500 it would have been in production.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import traceback
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from configurator.web import create_app
from tests.conftest import ROOT, csrf_of

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")


@dataclass
class Outcome:
    status: int
    failure: str = ""  # empty when the answer was acceptable


class Site:
    def __init__(self, database_url: str | None = None):
        self.tmp = tempfile.TemporaryDirectory()
        url = database_url or f"sqlite:///{self.tmp.name}/fuzz.db"
        self.app = create_app({"TESTING": True, "SECRET_KEY": "fuzz", "DATABASE_URL": url,
                               "RULES_DIR": os.environ.get("CONFIGURATOR_TEST_RULES")
                               or str(ROOT / "rules"), "RULES_CHECK_SECONDS": -1})
        with self.app.app_context():
            from configurator.web.auth import create_token, create_user

            user = create_user("fuzz@example.com", "fuzz-pw", "client")
            create_user("fuzz-lab@example.com", "fuzz-lab-pw", "admin")  # the lab's and R&D's pages
            self.token = create_token(user)
        self.client = self.app.test_client()
        self.client.post("/login", data={
            "email": "fuzz@example.com", "password": "fuzz-pw",
            "csrf_token": csrf_of(self.client.get("/login").get_data(as_text=True))})
        self.csrf = csrf_of(self.client.get("/designs/new").get_data(as_text=True))
        r = self.client.post("/designs/new", data={"name": "Fuzz", "product_type": "serum",
                                                   "base": "light-gel", "csrf_token": self.csrf})
        self.design = int(r.headers["Location"].rstrip("/").split("/")[-1])
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.anonymous = self.app.test_client()
        self.staff = self.app.test_client()
        self.staff.post("/login", data={
            "email": "fuzz-lab@example.com", "password": "fuzz-lab-pw",
            "csrf_token": csrf_of(self.staff.get("/login").get_data(as_text=True))})

    def staff_get(self, url: str, query: dict[str, str]) -> Outcome:
        """A GET with a query string, by an admin (every lab and R&D page answers)."""
        return self._call(self.staff, "GET", url, query_string=query)

    def close(self) -> None:
        self.app.extensions["db_engine"].dispose()
        self.tmp.cleanup()

    def _call(self, client, method: str, url: str, **kw) -> Outcome:
        try:
            r = client.open(url, method=method, **kw)
            r.get_data()  # a streamed download runs to its end here, inside the app
            r.close()
        except Exception:  # escaped the app: a 500 in production
            return Outcome(500, traceback.format_exc(limit=-3))
        if r.status_code >= 500:
            return Outcome(r.status_code, r.get_data(as_text=True)[:500])
        if r.mimetype in ("text/html", "application/json", "text/plain"):
            body = r.get_data(as_text=True)
            if TRACEBACK.search(body):
                return Outcome(r.status_code, "traceback in the body: " + body[:500])
            if url.startswith("/api/") and r.status_code >= 400:
                try:
                    out = json.loads(body)
                    assert isinstance(out["error"], str) and isinstance(out["details"], list)
                except Exception:
                    return Outcome(r.status_code, "API error without {error, details}: "
                                   + body[:300])
        return Outcome(r.status_code)

    # ---- the forms ------------------------------------------------------------------

    def post_form(self, url: str, pairs: list[tuple[str, str]], with_csrf: bool = True) -> Outcome:
        pairs = list(pairs)
        if with_csrf and "csrf_token" not in MultiDict(pairs):
            pairs.append(("csrf_token", self.csrf))
        return self._call(self.client, "POST", url, **form_body(pairs))

    def editor(self, pairs, action: str | None = None) -> Outcome:
        pairs = list(pairs)
        if action:
            pairs.append(("action", action))
        return self.post_form(f"/designs/{self.design}", pairs)

    def preview(self, pairs) -> Outcome:
        return self.post_form("/designs/preview", pairs)

    def login(self, pairs) -> Outcome:
        return self._call(self.anonymous, "POST", "/login", **form_body(pairs))

    # ---- the JSON API -------------------------------------------------------------------

    def post_json(self, url: str, body: bytes | str, method: str = "POST") -> Outcome:
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        return self._call(self.client, method, url, data=body, content_type="application/json",
                          headers=self.headers)

    def api(self, doc, kind: str = "validate", revision=1) -> Outcome:
        if kind == "validate":
            return self.post_json("/api/v1/validate", dumps(doc))
        if kind == "create":
            return self.post_json("/api/v1/designs", dumps({"formula": doc}))
        return self.post_json(f"/api/v1/designs/{self.design}",
                              dumps({"formula": doc, "revision": revision}), method="PUT")


def dumps(obj) -> str:
    try:
        return json.dumps(obj, allow_nan=True)
    except ValueError:  # an int past Python's digit limit: send the text of a smaller one
        return json.dumps(str(obj)[:100])


def form_body(pairs) -> dict:
    """An urlencoded body; a lone surrogate goes out as the invalid UTF-8 bytes it makes."""
    body = urlencode(list(pairs), encoding="utf-8", errors="surrogatepass")
    return {"data": body.encode("ascii"), "content_type": "application/x-www-form-urlencoded"}
