"""Two races of a save, made to happen at the exact point where they hurt.

A real second writer (its own app context, session and connection, on the same
database) commits at the moment the race needs: right after the save's commit,
and between the save's "is it editable?" read and its conditional UPDATE. The
load test (test_concurrency.py) can hit these windows only by luck; here they
are hit every time, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session
from sqlmodel import select

from configurator.engine import parse_formula
from configurator.store import db
from configurator.store import designs as store
from configurator.store.db import make_engine
from configurator.store.models import Revision, User
from configurator.web import rules
from configurator.web.auth import create_token
from tests.production.live import formula


def alice():
    return db.session().exec(select(User).where(User.email == "alice@example.com")).one()


def test_the_answer_names_the_saved_revision_even_when_another_save_follows_at_once(app, client):
    """Re-reading the design after the commit could answer another client's newer save."""
    with app.app_context():
        user = alice()
        did = store.create(user, parse_formula(formula("first", 1)), rules()).id
        token = create_token(user)
    state = {"armed": False, "fired": False}

    def before_commit(session):
        state["armed"] = state["armed"] or any(
            isinstance(o, Revision) and o.document.get("name") == "mine" for o in session.new)

    def after_commit(session):
        if state["armed"] and not state["fired"]:
            state["fired"] = True
            with app.app_context():  # another worker saves revision 3 on top of ours
                d = store.get_own(alice(), did)
                store.save(alice(), d, parse_formula(formula("theirs", 2)), 2,
                           rules())

    event.listen(Session, "before_commit", before_commit)
    event.listen(Session, "after_commit", after_commit)
    try:
        r = client.put(f"/api/v1/designs/{did}", headers={"Authorization": f"Bearer {token}"},
                       json={"formula": formula("mine", 3), "revision": 1})
    finally:
        event.remove(Session, "before_commit", before_commit)
        event.remove(Session, "after_commit", after_commit)
    assert state["fired"], "the competing save did not run"
    assert r.status_code == 200
    body = r.get_json()
    assert (body["revision"], body["formula"]["name"]) == (2, "mine")
    with app.app_context():
        d = store.get_own(alice(), did)
        assert d.version == 3
        assert [x.document["name"] for x in store.revisions(d)] == ["theirs", "mine", "first"]


def test_a_submit_between_the_check_and_the_update_wins(app):
    """The save's UPDATE itself requires an editable design, not only the read before it."""
    with app.app_context():
        user = alice()
        d = store.create(user, parse_formula(formula("first", 1)), rules())
        other = make_engine(app.config["DATABASE_URL"])
        fired = []

        def before_execute(conn, cursor, statement, params, context, executemany):
            if statement.lstrip().upper().startswith("UPDATE DESIGNS") and not fired:
                fired.append(statement)
                with other.begin() as c:  # the lab's submit lands first
                    c.execute(text("UPDATE designs SET status = 'submitted' WHERE id = :i"),
                              {"i": d.id})

        eng = db.engine()
        event.listen(eng, "before_cursor_execute", before_execute)
        try:
            with pytest.raises(store.Locked):
                store.save(user, d, parse_formula(formula("late edit", 2)), 1, rules())
        finally:
            event.remove(eng, "before_cursor_execute", before_execute)
            other.dispose()
        assert fired
        d = store.get_own(user, d.id)
        assert (d.status, d.version) == ("submitted", 1)
        assert [r.number for r in store.revisions(d)] == [1]
