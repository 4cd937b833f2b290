"""Security headers, cookie flags, the trusted-proxy switch and the login rate limit.

Real app, real database (SQLite, or TEST_DATABASE_URL), real requests.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from configurator.web import create_app
from tests.conftest import csrf_of, database_url
from tests.web.populate import RULES
from tests.web.test_designs import new_design

PAGES = ["/login", "/designs", "/designs/new", "/designs/{did}", "/lab/", "/api/v1/openapi.json"]


def _csp(resp) -> dict[str, str]:
    out = {}
    for part in resp.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


def test_headers_on_every_kind_of_page(client, auth):
    assert client.get("/login").status_code == 200  # anonymous page
    auth.login("admin@example.com")
    did = new_design(client, auth)
    for url in PAGES + ["/nope-404"]:
        r = client.get(url.format(did=did))
        csp = _csp(r)
        assert csp["script-src"] == "'self'", url   # no 'unsafe-inline', no 'unsafe-eval'
        assert "unsafe" not in r.headers["Content-Security-Policy"], url
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", url
        assert r.headers["X-Frame-Options"] == "DENY", url
        assert r.headers["X-Content-Type-Options"] == "nosniff", url
        assert r.headers["Referrer-Policy"] == "same-origin", url
        assert "Strict-Transport-Security" not in r.headers, url  # plain HTTP: no HSTS
        assert r.headers["Cache-Control"] == "no-store", url


def test_pages_need_no_inline_script_or_style(client, auth):
    """The CSP forbids inline code, so the pages must not rely on any."""
    auth.login("alice@example.com")
    did = new_design(client, auth)
    for url in ("/login", "/designs", "/designs/new", f"/designs/{did}"):
        html = client.get(url).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert "javascript:" not in html, url


def test_session_cookie_is_httponly_and_samesite(client, auth):
    r = auth.login()
    cookies = [v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session=")]
    assert cookies, r.headers
    flags = [f.strip().lower() for f in cookies[-1].split(";")]
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # plain HTTP in this test: SESSION_COOKIE_SECURE is off


def _app(tmp_path, **config):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RULES_DIR": RULES,
                      "DATABASE_URL": database_url(tmp_path), **config})
    with app.app_context():
        from configurator.web.auth import create_user

        create_user("alice@example.com", "alice-pw", "client")
    return app


def _login(client, password="alice-pw", email="alice@example.com", **kw):
    token = csrf_of(client.get("/login", **kw).get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token}, **kw)


def test_secure_cookie_and_hsts_over_tls(tmp_path):
    app = _app(tmp_path, SESSION_COOKIE_SECURE=True)
    try:
        c = app.test_client()
        r = _login(c, base_url="https://shop.example",  # Flask-WTF checks the Referer on TLS
                   headers={"Referer": "https://shop.example/login"})
        assert r.status_code == 302
        cookie = [v for k, v in r.headers.items() if k == "Set-Cookie"][-1].lower()
        assert "; secure" in cookie and "; httponly" in cookie and "samesite=lax" in cookie
        assert r.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    finally:
        app.extensions["db_engine"].dispose()


def test_forwarded_proto_ignored_without_trusted_proxy(tmp_path):
    app = _app(tmp_path)
    try:
        r = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https",
                                                     "X-Forwarded-For": "203.0.113.9"})
        assert "Strict-Transport-Security" not in r.headers
    finally:
        app.extensions["db_engine"].dispose()


def test_forwarded_proto_honoured_with_trusted_proxy(tmp_path):
    app = _app(tmp_path, TRUSTED_PROXY=1)
    try:
        c = app.test_client()
        r = c.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "Strict-Transport-Security" not in c.get("/login").headers
    finally:
        app.extensions["db_engine"].dispose()


# ---- login rate limit --------------------------------------------------------

def _attempts(app):
    from sqlmodel import select

    from configurator.store import db
    from configurator.store.models import LoginAttempt

    with app.app_context():
        return [(a.scope, a.key) for a in db.session().exec(select(LoginAttempt))]


@pytest.fixture
def limited(tmp_path):
    app = _app(tmp_path, LOGIN_ACCOUNT_LIMIT=3, LOGIN_IP_LIMIT=5, LOGIN_WINDOW_SECONDS=600)
    yield app
    app.extensions["db_engine"].dispose()


def test_account_limit_429_then_even_the_right_password_waits(limited):
    c = limited.test_client()
    for _ in range(3):
        assert _login(c, "wrong").status_code == 401
    r = _login(c, "wrong")
    assert r.status_code == 429
    body = r.get_data(as_text=True)
    assert "Too many failed logins" in body and "try again in 10 minutes" in body
    assert 590 <= int(r.headers["Retry-After"]) <= 601
    assert "Traceback" not in body
    # the right password does not get through while the account is paused
    assert _login(c, "alice-pw").status_code == 429
    # the limit is per account: from another address too (a second proxy hop is not trusted,
    # so this uses environ_base to be a different client)
    r = _login(c, "alice-pw", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert r.status_code == 429


def test_no_account_enumeration(limited):
    """An unknown e-mail is answered exactly like a known one, limit included."""
    c = limited.test_client()
    known, unknown = [], []
    for _ in range(4):
        known.append(_login(c, "wrong", environ_base={"REMOTE_ADDR": "10.0.0.1"}))
        unknown.append(_login(c, "wrong", "nobody@example.com",
                              environ_base={"REMOTE_ADDR": "10.0.0.2"}))
    assert [r.status_code for r in known] == [401, 401, 401, 429]
    assert [r.status_code for r in unknown] == [401, 401, 401, 429]
    msg = lambda r: re.search(r'class="flash[^"]*"[^>]*>(.*?)<', r.get_data(as_text=True), re.S)  # noqa: E731
    for a, b in zip(known, unknown, strict=True):
        ma, mb = msg(a), msg(b)
        assert (ma and ma.group(1)) == (mb and mb.group(1))


def test_ip_limit_across_accounts_and_success_resets_the_account(limited):
    c = limited.test_client()
    for _ in range(2):
        assert _login(c, "wrong").status_code == 401
    assert _login(c).status_code == 302          # success resets alice's count ...
    assert ("account", "alice@example.com") not in _attempts(limited)
    assert _attempts(limited).count(("ip", "127.0.0.1")) == 2  # ... but not the address's
    c.post("/logout", data={"csrf_token": csrf_of(c.get("/designs").get_data(as_text=True))})
    for i in range(3):  # spraying other accounts from the same address
        assert _login(c, "pw", f"user{i}@example.com").status_code == 401
    r = _login(c, "pw", "user9@example.com")
    assert r.status_code == 429                    # 5 failures from 127.0.0.1
    assert _login(c, "alice-pw").status_code == 429  # the address is paused for everyone
    other = _login(c, "alice-pw", environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert other.status_code == 302                # another address is not


def test_limit_is_shared_by_workers_through_the_database(limited, tmp_path):
    """Two app instances (two gunicorn workers) on one database see the same counts."""
    url = limited.config["DATABASE_URL"]
    other = create_app({"TESTING": True, "SECRET_KEY": "test", "RULES_DIR": RULES,
                        "DATABASE_URL": url, "LOGIN_ACCOUNT_LIMIT": 3,
                        "LOGIN_WINDOW_SECONDS": 600})
    try:
        a, b = limited.test_client(), other.test_client()
        assert _login(a, "wrong").status_code == 401
        assert _login(b, "wrong").status_code == 401
        assert _login(a, "wrong").status_code == 401
        assert _login(b, "wrong").status_code == 429
    finally:
        other.extensions["db_engine"].dispose()


def test_window_expires(limited):
    from sqlalchemy import update

    from configurator.store import db
    from configurator.store.models import LoginAttempt, now

    c = limited.test_client()
    for _ in range(3):
        _login(c, "wrong")
    assert _login(c).status_code == 429
    with limited.app_context():  # eleven minutes later
        s = db.session()
        s.exec(update(LoginAttempt).values(at=now() - timedelta(minutes=11)))
        s.commit()
    assert _login(c).status_code == 302
    assert ("account", "alice@example.com") not in _attempts(limited)


def test_client_address_from_a_trusted_proxy_only(tmp_path):
    """Behind TRUSTED_PROXY=1 the per-address limit counts X-Forwarded-For's client; without
    it, a forged X-Forwarded-For changes nothing (the connection's address is counted)."""
    fwd = lambda ip: {"headers": {"X-Forwarded-For": ip}}  # noqa: E731
    app = _app(tmp_path, TRUSTED_PROXY=1, LOGIN_IP_LIMIT=3, LOGIN_ACCOUNT_LIMIT=100)
    try:
        c = app.test_client()
        for i in range(3):
            assert _login(c, "wrong", f"u{i}@example.com", **fwd("203.0.113.1")).status_code == 401
        assert _login(c, "alice-pw", **fwd("203.0.113.1")).status_code == 429
        assert _login(c, "alice-pw", **fwd("203.0.113.2")).status_code == 302
        assert ("ip", "203.0.113.1") in _attempts(app)
    finally:
        app.extensions["db_engine"].dispose()
    (tmp_path / "plain").mkdir()
    app = _app(tmp_path / "plain", LOGIN_IP_LIMIT=3, LOGIN_ACCOUNT_LIMIT=100)
    try:
        c = app.test_client()
        for i in range(3):  # a new forged address each time: still one client, 127.0.0.1
            r = _login(c, "wrong", f"u{i}@example.com", **fwd(f"198.51.100.{i}"))
            assert r.status_code == 401
        assert _login(c, "alice-pw", **fwd("198.51.100.99")).status_code == 429
        assert {k for s, k in _attempts(app) if s == "ip"} == {"127.0.0.1"}
    finally:
        app.extensions["db_engine"].dispose()


# ---- issue 18: redirect after login, token scope, CSRF secret at login -------

@pytest.mark.parametrize("nxt", ["/%09/evil.example", "/\t/evil.example", "//evil.example",
                                 "/\\evil.example", "/%5Cevil.example", "https://evil.example/",
                                 "/%0d%0a/evil.example", "/ /evil.example", "/\x7f/evil.example",
                                 "javascript:alert(1)", "/%E2%80%8B/evil.example"])
def test_no_open_redirect_after_login(client, nxt):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post(f"/login?next={nxt}", data={"email": "alice@example.com",
                                                "password": "alice-pw", "csrf_token": token})
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location == "/", location  # anything odd goes home, never elsewhere


def test_redirect_after_login_keeps_a_page_of_this_site(client):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login?next=/designs%3Farchived%3D1", data={
        "email": "alice@example.com", "password": "alice-pw", "csrf_token": token})
    assert r.headers["Location"] == "/designs?archived=1"


def test_api_token_works_on_the_api_only(client, app):
    with app.app_context():
        from sqlmodel import select

        from configurator.store import db
        from configurator.store.models import User
        from configurator.web.auth import create_token

        lab = db.session().exec(select(User).where(User.email == "lab@example.com")).one()
        token = create_token(lab)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/designs", headers=bearer).status_code == 200
    for url in ("/lab/", "/designs", "/designs/new", "/rnd/", "/designs/export.json"):
        r = client.get(url, headers=bearer)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    # and no form of the web UI can be posted with it (no CSRF token is even handed out)
    assert "csrf_token" not in client.get("/lab/", headers=bearer).get_data(as_text=True)


def test_csrf_secret_is_rotated_at_login(client, auth):
    planted = csrf_of(client.get("/login").get_data(as_text=True))  # before login
    assert auth.login().status_code == 302
    r = client.post("/designs/new", data={"name": "Planted", "product_type": "serum",
                                          "base": "light-gel", "csrf_token": planted})
    assert r.status_code == 400
    fresh = auth.csrf("/designs/new")
    assert fresh != planted
    r = client.post("/designs/new", data={"name": "Fresh", "product_type": "serum",
                                          "base": "light-gel", "csrf_token": fresh})
    assert r.status_code == 302
