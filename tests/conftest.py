"""Fixtures shared by every test: the shipped rules and a small rule set."""

from __future__ import annotations

from pathlib import Path

import pytest

from configurator.engine import check, parse_formula
from configurator.quiz import load_with_quiz as load_rules

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
import sys  # noqa: E402

from configurator.web import create_app  # noqa: E402

# pytest loads this file as module ``conftest``, test modules import ``tests.conftest``:
# one module under both names, so database_url() below sees the test pytest runs.
if __name__ == "conftest":
    sys.modules.setdefault("tests.conftest", sys.modules[__name__])

# Tests that touch a database get the ``db`` marker; scripts/test runs them a second
# time on PostgreSQL with ``-m db``. It is set on tests using one of DB_FIXTURES, on
# every test of a module that imports one of DB_NAMES (it builds its own app or engine),
# and by hand. database_url() fails a test it serves that lacks the marker, so no test
# can use a database and silently skip the PostgreSQL pass. Tests read
# TEST_DATABASE_URL, never DATABASE_URL: they empty the database they are given.
DB_FIXTURES = frozenset({"app", "server", "db_url"})
DB_NAMES = ("database_url", "create_app", "make_engine")
_running: list = [None]  # the test being set up or run


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "db: touches a database; runs again on PostgreSQL in scripts/test (set "
                   "automatically: see DB_FIXTURES and DB_NAMES in tests/conftest.py)")


BROWSER = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())) or \
                any(hasattr(module, name) for name in DB_NAMES):
            item.add_marker(pytest.mark.db)
        if BROWSER in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)  # `-m "not browser"` skips chromium


# ---- PostgreSQL: one database per pytest-xdist worker --------------------------------
#
# scripts/test runs the suite in parallel (pytest-xdist, one process per core). Every
# database test empties the database it is given, so two workers on one PostgreSQL
# database would empty each other's: each worker gets its own database on the same
# server, named after the one given and the worker (``test_gw0``, ``test_gw1``…), made
# on first use. Without xdist the database given is used as it is.

_made: set[str] = set()


def postgres_database(url: str, suffix: str = "") -> str:
    """``url`` with its database name + ``suffix`` + this xdist worker's id, created if missing.

    An empty suffix outside xdist is ``url`` itself. The server's default database
    (``postgres``) is used to create the others, so ``url``'s own need not exist.
    """
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    tail = "_".join(x for x in (suffix, worker) if x)
    if not tail:
        return url
    u = make_url(url)
    name = f"{u.database or 'test'}_{tail}"
    out = u.set(database=name).render_as_string(hide_password=False)
    if out in _made:
        return out
    from configurator.store.db import make_engine

    admin = make_engine(u.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": name}).first()
            if found is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    _made.add(out)
    return out


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _running[0] = item


def pytest_runtest_teardown(item, nextitem):
    _running[0] = None


def database_url(tmp_path) -> str:
    """SQLite in a temporary folder, or TEST_DATABASE_URL (e.g. PostgreSQL) emptied first.

    Every test starts from an empty database: on PostgreSQL the ``public`` schema is
    dropped and recreated (tables, sequences, the Alembic version, extensions), on
    any other server the tables found are dropped; the app's migrations then build
    the schema. A connection an earlier test left inside a transaction would make
    the DROP wait for ever, so it waits 20 s at most and then fails, saying so.
    """
    item = _running[0]
    if item is not None and item.get_closest_marker("db") is None:
        pytest.fail(f"{item.nodeid} uses a database but is not marked db, so it would not run "
                    "on PostgreSQL: use the db_url fixture or @pytest.mark.db", pytrace=False)
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'test.db'}"
    if url.startswith("postgres"):
        url = postgres_database(url)  # this xdist worker's own database
    from sqlalchemy import MetaData, text

    from configurator.store.db import make_engine

    eng = make_engine(url)
    try:
        with eng.begin() as conn:
            if eng.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL lock_timeout = '20s'"))
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            else:
                meta = MetaData()
                meta.reflect(conn)
                meta.drop_all(conn)
    finally:
        eng.dispose()
    return url


@pytest.fixture
def db_url(tmp_path) -> str:
    """An empty database for a test that starts its own app or server (marks it ``db``)."""
    return database_url(tmp_path)


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
