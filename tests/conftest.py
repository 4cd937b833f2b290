"""Fixtures shared by every test: the shipped rules and a small rule set."""

from __future__ import annotations

from pathlib import Path

import pytest

from configurator.engine import check, parse_formula
from configurator.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def rules():
    """The real, shipped rule set."""
    return load_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def mini():
    """A small rule set with one rule of every kind (tests/data/minirules)."""
    return load_rules(DATA / "minirules")


@pytest.fixture
def run():
    """Check a formula document (a dict) against a rule set and return the report."""

    def _run(doc, rs):
        return check(parse_formula(doc), rs)

    return _run


# ---- the web app -----------------------------------------------------------

import os  # noqa: E402
import re  # noqa: E402

from configurator.web import create_app  # noqa: E402


def database_url(tmp_path) -> str:
    """SQLite in a temporary folder, or TEST_DATABASE_URL (e.g. PostgreSQL) with a fresh schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'test.db'}"
    from sqlalchemy import create_engine, text

    from configurator.web.db import make_engine

    eng = make_engine(url)
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    del create_engine
    return url


@pytest.fixture
def app(tmp_path):
    rules_dir = os.environ.get("CONFIGURATOR_TEST_RULES") or str(ROOT / "rules")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url(tmp_path),
        "RULES_DIR": rules_dir,
    })
    with app.app_context():
        from configurator.web.auth import create_user

        create_user("alice@example.com", "alice-pw", "client")
        create_user("bob@example.com", "bob-pw", "client")
        create_user("lab@example.com", "lab-pw", "lab")
        create_user("rnd@example.com", "rnd-pw", "rnd")
        create_user("admin@example.com", "admin-pw", "admin")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email="alice@example.com", password=None):
        password = password or email.split("@")[0] + "-pw"
        page = self.client.get("/login").get_data(as_text=True)
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": csrf_of(page)})

    def csrf(self, url="/designs/new") -> str:
        return csrf_of(self.client.get(url).get_data(as_text=True))


@pytest.fixture
def auth(client):
    return Auth(client)
