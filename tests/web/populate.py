"""A realistic database for the access, export and backup tests.

Designs in every state (draft with two revisions, submitted, in review,
changes requested, approved with its cached spec sheet, rejected, archived),
owned by alice; one draft of bob's; an API token; a login failure. Made through
the app's own store functions, so the rows are what the app writes.
"""

from __future__ import annotations

import os
from pathlib import Path

# the rules the app fixture uses (tests/conftest.py: CONFIGURATOR_TEST_RULES or the shipped ones)
RULES = os.environ.get("CONFIGURATOR_TEST_RULES") or str(Path(__file__).resolve().parents[2] / "rules")

DOC = {"name": "Niacinamide serum", "product_type": "serum", "base": "light-gel",
       "ingredients": [{"inci": "Niacinamide", "percent": 3}]}


def populate(app) -> dict[str, int]:
    """Fill ``app``'s database; returns design ids by state (``bob`` for bob's draft)."""
    from sqlmodel import select

    from configurator.engine import parse_formula
    from configurator.store import db
    from configurator.store import designs as store
    from configurator.store.models import LoginAttempt, User
    from configurator.web import rules
    from configurator.web.auth import create_token
    from configurator.web.sheets import render_sheet

    ids: dict[str, int] = {}
    with app.test_request_context():
        s = db.session()
        users = {u.email.split("@")[0]: u for u in s.exec(select(User))}
        alice, bob, lab = users["alice"], users["bob"], users["lab"]
        rs = rules()

        def make(owner, name, **changes):
            doc = dict(DOC, name=name, **changes)
            return store.create(owner, parse_formula(doc), rs)

        d = make(alice, "Draft serum")
        doc2 = dict(DOC, name="Draft serum", ingredients=[{"inci": "Niacinamide", "percent": 4},
                                                          {"inci": "Glycerin", "percent": 2}])
        store.save(alice, d, parse_formula(doc2), 1, rs)
        ids["draft"] = d.id
        for state, path in (("submitted", ["submitted"]),
                            ("in_review", ["submitted", "in_review"]),
                            ("changes_requested", ["submitted", "in_review", "changes_requested"]),
                            ("approved", ["submitted", "in_review", "approved"]),
                            ("rejected", ["submitted", "in_review", "rejected"])):
            d = make(alice, f"{state.replace('_', ' ').capitalize()} serum")
            frm = "draft"
            for to in path:
                actor = alice if to == "submitted" else lab
                comment = "" if to in ("submitted", "in_review") else f"Lab says: {to} — ok ✓"
                assert store.transition(actor, d, to, comment, allowed_from=(frm,))
                frm = to
            ids[state] = d.id
            if state == "approved":
                render_sheet(d, store.revision(d))  # a cached PDF (binary column)
        d = make(alice, "Archived serum")
        store.set_archived(alice, d, True)
        ids["archived"] = d.id
        ids["bob"] = make(bob, "Bob's serum").id
        create_token(alice, "populate")
        s.add(LoginAttempt(scope="account", key="mallory@example.com"))
        s.commit()
    return ids
