"""Unicode digits in number fields: a message or a default, never a 500 (issue 18, point 5).

``str.isdigit()`` is true for "²", "①" and "١٢", and ``int()`` refuses the
first two (and reads the third as 12): a number field takes ASCII digits only.
"""

from __future__ import annotations

import pytest

from tests.web.test_designs import editor_data, new_design

DIGITS = ["²", "①", "١٢", "５", "Ⅻ", "½", "𝟓", "٣²"]


@pytest.mark.parametrize("value", DIGITS)
def test_lab_queue_older_than(client, auth, value):
    auth.login("lab@example.com")
    r = client.get("/lab/", query_string={"older_than": value})
    assert r.status_code == 200


@pytest.mark.parametrize("value", DIGITS)
def test_preview_batch_units(client, auth, value):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, batch_units=value, batch_fill="30 mL")
    for url in ("/designs/preview", f"/designs/{did}/preview"):
        r = client.post(url, data=data)
        assert r.status_code == 200, url
        assert "whole number" in r.get_data(as_text=True), url
    r = client.post(f"/designs/{did}", data={**data, "action": "save"})
    assert r.status_code == 400
    assert "whole number" in r.get_data(as_text=True)


@pytest.mark.parametrize("value", DIGITS)
def test_editor_save_version(client, auth, app, value):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, version=value, action="save")
    r = client.post(f"/designs/{did}", data=data)
    assert r.status_code == 400
    assert "out of date or was altered" in r.get_data(as_text=True)
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import Design

        assert db.session().get(Design, did).version == 1


@pytest.mark.parametrize("value", DIGITS)
def test_editor_remove_row(client, auth, value):
    auth.login()
    did = new_design(client, auth)
    r = client.post(f"/designs/{did}", data=editor_data(client, did, remove=value))
    assert r.status_code == 200
