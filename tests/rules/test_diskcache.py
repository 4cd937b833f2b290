"""The parsed-file cache on disk: never stale, never trusted from a folder others can write."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from configurator.rules import diskcache
from tests.conftest import ROOT


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFIGURATOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(diskcache, "_folder", False)
    yield tmp_path / "cache" / "parsed"
    diskcache._folder = False


def test_an_entry_round_trips_and_a_miss_is_none(cache):
    diskcache.put(b"\x01" * 32, {"a": [1, 2]})
    assert diskcache.get(b"\x01" * 32) == {"a": [1, 2]}
    assert diskcache.get(b"\x02" * 32) is None
    (next(cache.glob("yaml-*.pickle"))).write_bytes(b"not a pickle")
    assert diskcache.get(b"\x01" * 32) is None  # a damaged entry is a miss, not an error


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_may_write_is_never_read(cache):
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    assert diskcache.folder() is None
    diskcache.put(b"\x01" * 32, "x")
    assert diskcache.get(b"\x01" * 32) is None and not list(cache.glob("*.pickle"))


def _load(rules, env) -> str:
    code = (f"from configurator.rules.loader import load_rules; rs = load_rules({str(rules)!r}); "
            "print(rs.version, len(rs.rules), len(rs.ingredients), rs.lookup('123-31-9'))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout


def test_a_cached_load_is_the_same_rule_set_and_an_edit_is_read_again(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    env = {**os.environ, "CONFIGURATOR_CACHE_DIR": str(tmp_path / "cache")}
    off = {**os.environ, "CONFIGURATOR_CACHE_DIR": "off"}
    first, second, parsed = _load(rules, env), _load(rules, env), _load(rules, off)
    assert first == second == parsed  # filled, then read from the cache: the same set
    assert list((tmp_path / "cache" / "parsed").glob("yaml-*.pickle"))
    reach = rules / "eu" / "reach.yaml"
    reach.write_text(reach.read_text().replace("placed_from: 2027-06-07", "placed_from: 2027-01-01", 1))
    assert _load(rules, env) == _load(rules, off) != first  # the edit is parsed, not served stale


def test_prune_keeps_the_newest_and_a_touched_entry(cache):
    for n in range(10):
        diskcache.put(bytes([n]) * 32, n, "ruleset")
        os.utime(next(cache.glob(f"ruleset-*{bytes([n]).hex() * 32}.pickle")), (1000 + n, 1000 + n))
    diskcache.touch(b"\x00" * 32, "ruleset")  # the oldest, just used again
    diskcache.prune("ruleset", 3)
    kept = sorted(diskcache.get(bytes([n]) * 32, "ruleset") for n in range(10)
                  if diskcache.get(bytes([n]) * 32, "ruleset") is not None)
    assert kept == [0, 8, 9]
    diskcache.put(b"\x01" * 32, "other kind")  # other kinds are not pruned
    diskcache.prune("ruleset", 0)
    assert diskcache.get(b"\x01" * 32) == "other kind"
