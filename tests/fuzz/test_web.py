"""Forms and API routes on generated input through the Flask test client (issue 7).

Never a 500, never a traceback in a body, every API error as
``{"error": ..., "details": [...]}``. One app for the module (webapp.Site).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    form_posts,
    form_values,
    formula_docs,
    hostile_values,
    unicode_numerals,
    valid_formulas,
)
from tests.fuzz.webapp import Site

WEB = settings(max_examples=200, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def site():
    s = Site()
    yield s
    s.close()


def ok(outcome):
    assert not outcome.failure, outcome.failure


@WEB
@given(pairs=form_posts(), action=st.sampled_from([None, "check", "save"]))
def test_editor_and_live_check(site, pairs, action):
    ok(site.editor(pairs, action))
    ok(site.preview(pairs))


@WEB
@given(value=(unicode_numerals() | form_values()).filter(  # a URL carries UTF-8 only
    lambda v: not any(0xD800 <= ord(c) <= 0xDFFF for c in v)),
       where=st.sampled_from([("/lab/", "older_than"), ("/lab/", "status"),
                              ("/rnd/catalog", "page"), ("/rnd/rules", "page"),
                              ("/designs", "archived")]))
def test_number_query_parameters(site, value, where):
    url, name = where
    out = site.staff_get(url, {name: value})
    ok(out)
    assert out.status == 200


@WEB
@given(pairs=st.lists(st.tuples(st.sampled_from(["email", "password", "csrf_token", "x"]),
                                 st.text(max_size=300)), max_size=6))
def test_login_form(site, pairs):
    out = site.login(pairs)
    ok(out)
    assert out.status in (200, 400, 401, 429)


@WEB
@given(pairs=form_posts(), url=st.sampled_from(["/designs/new", "rename", "advice"]))
def test_other_forms(site, pairs, url):
    if not url.startswith("/"):
        url = f"/designs/{site.design}/{url}"
    ok(site.post_form(url, pairs))


@settings(WEB, max_examples=300)
@given(doc=formula_docs() | valid_formulas(),
       kind=st.sampled_from(["validate", "create", "update"]),
       revision=st.one_of(st.integers(), hostile_values()))
def test_api_routes(site, doc, kind, revision):
    out = site.api(doc, kind, revision)
    ok(out)
    assert out.status in (200, 201, 400, 409), out


@settings(WEB, max_examples=200)
@given(body=st.binary(max_size=300) | st.text(max_size=300))
def test_api_raw_bodies(site, body):
    for url in ("/api/v1/validate", "/api/v1/designs"):
        out = site.post_json(url, body)
        ok(out)
        assert out.status in (200, 201, 400), out
