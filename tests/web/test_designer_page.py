"""The designer's page (issue 17), server side: a name without its strength is a hint on
its row in the live check, not an unreadable formula; "Submit" acts on the form on screen;
a revision the rules in force now fault says so; numbers are rounded for people; the
live summary comes with every preview."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from configurator.store.models import Revision
from configurator.web.summary import human
from tests.web.test_designs import editor_data, new_design


def test_human_numbers():
    assert human(61.349999999999994) == "61.35"
    assert human(5.0) == "5" and human(0.30000000000000004) == "0.3"
    assert human(0.00249) == "0.0025" and human(-0.0) == "0" and human(None) == ""


def test_a_name_without_its_strength_is_a_row_hint(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "4",
                                        "rows-1-inci": "Caffeine"})
    html = client.post("/designs/preview", data=data).get_data(as_text=True)
    assert "cannot be read" not in html
    assert re.search(r'<li class="finding info" data-row="1">Row 2: Caffeine: give its strength', html)
    assert 'class="verdict ok"' in html  # the rest is checked as usual
    assert '<template id="summary-next">' in html and "1 row waiting for a strength" in html
    # saving still refuses a row without a strength: nothing is dropped silently
    data["action"] = "save"
    r = client.post(f"/designs/{did}", data=data)
    assert r.status_code == 400 and "Caffeine" in r.get_data(as_text=True)


def test_submit_saves_what_is_on_screen_or_refuses(client, auth):
    auth.login()
    did = new_design(client, auth)
    bad = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "16",
                                       "action": "submit"})
    r = client.post(f"/designs/{did}", data=bad)
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Not submitted" in page and 'value="16"' in page
    assert "Revision 1" in client.get(f"/designs/{did}").get_data(as_text=True)
    good = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "4",
                                        "action": "submit"})
    assert client.post(f"/designs/{did}", data=good).status_code == 303
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    assert "Revision 2" in page and "submitted" in page and 'value="Niacinamide"' in page


def test_a_revision_the_rules_now_fault_says_why(app, client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "16",
                                        "action": "save"})
    assert client.post(f"/designs/{did}", data=data).status_code == 303
    with Session(app.extensions["db_engine"]) as s:  # as if saved valid under older rules
        rev = s.exec(select(Revision).where(Revision.design_id == did,
                                            Revision.number == 2)).one()
        rev.valid, rev.errors, rev.rules_version = True, 0, "sha256:" + "0" * 64
        s.add(rev)
        s.commit()
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    note = re.search(r'<div class="flash info" id="rules-changed".*?</div>', page, re.S).group(0)
    assert "The rules changed since revision 2 was saved" in note and "000000000000" in note
    assert "under the rules in force" in note and "1 error" in note
    assert "valid under the rules then; 1 error(s) under the rules in force" in page


def test_catalog_lines_round_and_fit_the_base(client, auth):
    auth.login()
    did = new_design(client, auth)  # a serum on the light gel: 15 % of additions
    data = editor_data(client, did, q="glyc", **{"rows-0-inci": "Niacinamide", "rows-0-amount": "4"})
    body = client.post(f"/designs/{did}/advice", data=data).get_data(as_text=True)
    most = [float(x) for x in re.findall(r"at most ([\d.]+) %", body)]
    assert most and max(most) <= 11 and not re.search(r"\d\.\d{5,}", body)
    data = editor_data(client, did, q="niacin", **{"rows-0-inci": "Niacinamide", "rows-0-amount": "4"})
    body = client.post(f"/designs/{did}/advice", data=data).get_data(as_text=True)
    assert re.search(r'<li class="present"><span class="present-name">Niacinamide</span>'
                     r' <span class="hint">in the formula, 4 %', body)


def test_add_row_without_javascript(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "4",
                                        "add_row": "1"})
    rows = len([k for k in data if k.endswith("-inci")])
    page = client.post(f"/designs/{did}", data=data).get_data(as_text=True)
    assert len(re.findall(r'name="rows-\d+-inci"', page)) == rows + 1
    assert 'value="Niacinamide"' in page and "Revision 1" in page  # kept, not saved


OLD_ROW = ('{{ entry.form.inci(list="catalog-names", **{"aria-label": "Ingredient " ~ n}) }}'
           '{% for e in entry.form.inci.errors %}<span class="error">{{ e }}</span>{% endfor %}</td>\n'
           '        <td>{{ entry.form.amount(size=10, **{"aria-label": "Strength of ingredient " ~ n}) }}'
           '{% for e in entry.form.amount.errors %}<span class="error">{{ e }}</span>{% endfor %}'
           '<span class="row-hint" hidden></span></td>\n'
           '        <td>{{ entry.form.qs(**{"aria-label": "Ingredient " ~ n ~ " is q.s."}) }}</td>')


def test_row_cells_are_what_wtforms_draws(app):
    """forms.row_cells draws a row's cells without WTForms' widgets, byte for byte as they
    drew them: from stored data, from a posted form, with errors and hostile values."""
    from werkzeug.datastructures import MultiDict

    from configurator.web.forms import design_form, row_cells

    tpl = app.jinja_env.from_string("<td>" + OLD_ROW)
    rows = [{"inci": 'Aqua "x" <b>&', "amount": "", "qs": True},
            {"inci": "Niacinamide", "amount": "5 %", "qs": False},
            {"inci": "", "amount": "", "qs": False}]
    posted = MultiDict({"name": "n", "product_type": "serum", "version": "1",
                        "rows-0-inci": "x" * 130, "rows-0-amount": "y" * 40, "rows-0-qs": "on",
                        "rows-1-inci": "Retinol", "rows-1-amount": "0.3 '%'", "rows-2-qs": "y"})
    with app.test_request_context("/", method="POST"):
        rs = app.extensions["rules"].current
        forms = [design_form(rs, None, {"name": "n", "product_type": "serum", "rows": rows,
                                        "version": "1"}),
                 design_form(rs, posted)]
        forms[1].validate()
        assert forms[1].rows.entries[0].form.amount.errors  # a row with errors is drawn too
        for form in forms:
            for n, entry in enumerate(form.rows.entries, 1):
                assert str(row_cells(entry, n)) == tpl.render(entry=entry, n=n)
