"""Request size limits and YAML that tries to hurt (issue 7).

* A body over MAX_CONTENT_LENGTH (1 MB) is answered 413 with a message naming the
  limit: an HTML page for the forms, {error, details} JSON for the API.
* A 10 MB formula file: the CLI exits 2 naming the file and the size limit, the
  parser refuses it before reading it.
* YAML bombs: billion-laughs aliases, deep nesting, and tags that would build
  Python objects (``!!python/object/apply:os.system``) are refused safely by
  configurator/yamlio.py: a FormulaError (CLI exit 2), quickly, nothing executed.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from configurator.engine import parse_formula
from configurator.errors import FormulaError
from configurator.yamlio import MAX_DOCUMENT_BYTES, load_path, loads
from tests.conftest import ROOT
from tests.fuzz.webapp import Site

MB = 1024 * 1024


@pytest.fixture(scope="module")
def site():
    s = Site()
    yield s
    s.close()


@pytest.mark.parametrize("url", ["/login", "/designs/preview", "/designs/new", "design"])
def test_form_over_the_limit_is_413_with_a_message(site, url):
    if url == "design":
        url = f"/designs/{site.design}"
    client = site.anonymous if url == "/login" else site.client
    r = client.post(url, data={"csrf_token": site.csrf, "notes": "x" * (MB + 10)})
    assert r.status_code == 413
    assert "too large (the limit is 1 MB)" in r.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/v1/validate", "/api/v1/designs"])
def test_api_over_the_limit_is_413_json(site, url):
    body = '{"product_type": "serum", "notes": "' + "x" * (MB + 10) + '"}'
    r = site.client.post(url, data=body, content_type="application/json", headers=site.headers)
    assert r.status_code == 413
    out = r.get_json()
    assert "too large" in out["error"].lower() and isinstance(out["details"], list), out


def test_just_under_the_limit_is_answered(site):
    body = '{"product_type": "serum", "ingredients": [], "notes": "' + "x" * (MB - 200) + '"}'
    r = site.client.post("/api/v1/validate", data=body, content_type="application/json")
    assert r.status_code == 400 and "longer than 5000" in r.get_data(as_text=True)


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "configurator", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_ten_megabyte_formula_file(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("w") as f:
        f.write("product_type: serum\ningredients:\n")
        row = "  - {inci: Aqua, percent: 1}\n"
        f.write(row * (10 * MB // len(row)))
    assert path.stat().st_size > 10 * MB - 100
    start = time.perf_counter()
    with pytest.raises(FormulaError) as exc:
        load_path(path)
    assert time.perf_counter() - start < 1, "refused before reading"
    assert "huge.yaml" in str(exc.value) and f"larger than {MAX_DOCUMENT_BYTES}" in str(exc.value)
    r = cli("check", str(path))
    assert r.returncode == 2 and "huge.yaml" in r.stderr + r.stdout
    assert "larger than" in r.stderr + r.stdout and "Traceback" not in r.stderr


BOMBS = {
    "billion-laughs": "product_type: serum\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "ingredients: [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n",
    "laughs-in-a-name": "x: &x [a, a, a, a, a, a, a, a, a, a]\n"
    + "".join(f"x{i}: &x{i} [{', '.join(['*x' + ('' if i == 1 else str(i - 1))] * 10)}]\n"
              for i in range(1, 9))
    + "product_type: serum\nname: *x8\ningredients: []\n",
    "deep-lists": "product_type: serum\ningredients: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep-maps": "product_type: serum\nname: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
    "python-apply": "!!python/object/apply:os.system [\"touch {marker}\"]\n",
    "python-apply-in-a-row": "product_type: serum\ningredients:\n"
    "  - inci: !!python/object/apply:os.system [\"touch {marker}\"]\n    percent: 1\n",
    "python-name": "product_type: !!python/name:os.system\ningredients: []\n",
    "python-object-new": "!!python/object/new:subprocess.Popen [[\"touch\", \"{marker}\"]]\n",
    "long-key-run": "product_type: serum\n" + "".join(f"k{i}: {i}\n" for i in range(50_000)),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_yaml_bombs_are_refused_safely(tmp_path, name):
    marker = tmp_path / "pwned"
    text = BOMBS[name].replace("{marker}", str(marker))
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    start = time.process_time()  # CPU time: a loaded host's waiting is not the parse's
    try:
        parse_formula(loads(text, path.name), path.name)
    except FormulaError as exc:
        assert exc.problems and str(exc)
    else:
        pytest.fail(f"{name} was accepted as a formula")
    assert time.process_time() - start < 5, "refused, not computed"
    if name in CLI_TOO:  # a process start and a rule load each: a few suffice
        r = cli("check", str(path))
        assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-500:])
        assert "Traceback" not in r.stderr and path.name in r.stderr + r.stdout
    assert not marker.exists(), "a YAML tag ran a command"


CLI_TOO = {"billion-laughs", "deep-lists", "python-apply", "python-object-new"}


def test_deep_text_with_a_lone_surrogate_is_a_formula_error():
    """Found by bench_fuzz.py: the depth scan met text libyaml cannot encode."""
    with pytest.raises(FormulaError):
        loads("a: " + "[" * 6000 + "\ud800" + "]" * 6000, "x.yaml")
    with pytest.raises(FormulaError):
        loads("a: \ud800", "x.yaml")
