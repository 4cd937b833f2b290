"""The test suite's own set-up (issue 18, point 12): markers and PostgreSQL isolation.

* every test of tests/browser carries the ``browser`` marker (``-m "not browser"``
  leaves chromium out), which was declared and never set;
* under pytest-xdist each worker gets its own PostgreSQL database, and the backup
  round trip a scratch database of its own: no test empties the database another
  worker (or the other pass of scripts/test) is using.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, postgres_database
from tests.web import test_backup


def _collect(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    return [line for line in out.stdout.splitlines() if "::" in line]


def test_browser_marker_is_set_on_the_browser_tests():
    marked = _collect("-m", "browser", "tests/browser")
    everything = _collect("tests/browser")
    assert marked and marked == everything
    assert not _collect("-m", "browser", "tests/web/test_lab.py")


def _server_up(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


PG = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.mark.skipif(not _server_up(PG), reason=f"no PostgreSQL at {PG}")
def test_each_xdist_worker_has_its_own_postgresql_database(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert postgres_database(PG) == PG  # not under xdist: the database given
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw7")
    mine = postgres_database(PG)
    assert mine.endswith("/test_gw7") and _server_up(mine)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw8")
    assert postgres_database(PG) != mine


@pytest.mark.skipif(not _server_up(PG), reason=f"no PostgreSQL at {PG}")
def test_backup_round_trip_never_empties_the_shared_database(monkeypatch):
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)  # the SQLite pass
    url = test_backup._fresh_pg()
    assert url != PG and "_backup" in url
