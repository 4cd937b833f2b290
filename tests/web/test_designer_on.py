"""The designer's "Check as of" day and "Age" select (issue 15), through the Flask routes."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

from pypdf import PdfReader

from configurator.days import day_text
from tests.web.test_designs import editor_data

# D5 in a leave-on body lotion: REACH Annex XVII entry 70 (as amended by Regulation (EU)
# 2024/1328), at 0.1 % or more in leave-on cosmetics from 7 June 2027 (rules/eu/reach.yaml)
D5 = {"rows-0-inci": "Aqua", "rows-0-amount": "", "rows-0-qs": "y",
      "rows-1-inci": "Cyclopentasiloxane", "rows-1-amount": "5",
      "rows-2-inci": "Glycerin", "rows-2-amount": "3",
      "rows-3-inci": "Phenoxyethanol", "rows-3-amount": "0.8"}


def _design(client, auth, product_type="body-lotion", name="Silky body lotion"):
    token = auth.csrf("/designs/new")
    r = client.post("/designs/new", data={"name": name, "product_type": product_type,
                                          "base": "", "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_editor_has_the_day_field_set_to_today_and_the_panel_says_so(client, auth):
    auth.login()
    did = _design(client, auth)
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    assert f'name="on" value="{date.today().isoformat()}"' in page
    assert f"Checked as of {day_text(date.today())}" in _text(page)


def test_preview_as_of_a_day_shows_the_coming_rule_with_its_date(client, auth):
    auth.login()
    did = _design(client, auth)
    data = editor_data(client, did, **D5, on="2027-01-01")
    html = client.post(f"/designs/{did}/preview", data=data).get_data(as_text=True)
    text = _text(html)
    assert "Checked as of 1 Jan 2027" in text and "No errors" in text
    assert "1 coming rule the design breaks from 7 Jun 2027" in text
    assert "coming-rule Applies from 7 Jun 2027" in text
    assert "From 7 Jun 2027 this design breaks REACH Annex XVII entry 70" in text
    later = client.post(f"/designs/{did}/preview", data={**data, "on": "2027-06-07"})
    text = _text(later.get_data(as_text=True))
    assert "Checked as of 7 Jun 2027" in text and "1 error" in text
    assert "coming-rule" not in text and "D5 in a leave-on cosmetic product" in text


def test_check_without_javascript_keeps_the_day(client, auth):
    auth.login()
    did = _design(client, auth)
    data = editor_data(client, did, **D5, on="2027-01-01", action="check")
    page = client.post(f"/designs/{did}", data=data).get_data(as_text=True)
    assert 'name="on" value="2027-01-01"' in page
    assert "Applies from 7 Jun 2027" in page


def test_an_unreadable_day_is_said_and_today_is_used(client, auth):
    auth.login()
    did = _design(client, auth)
    data = editor_data(client, did, **D5, on="2027-02-30")
    text = _text(client.post(f"/designs/{did}/preview", data=data).get_data(as_text=True))
    assert "Check as of: '2027-02-30' is not a day" in text
    assert f"Checked as of {day_text(date.today())}" in text


def test_saving_ignores_the_day_the_revision_is_checked_for_today(client, auth, app):
    auth.login()
    did = _design(client, auth)
    data = editor_data(client, did, **D5, on="2027-06-07", action="save")
    assert client.post(f"/designs/{did}", data=data).status_code == 303
    with app.app_context():
        from configurator.store import db
        from configurator.store.designs import revision
        from configurator.store.models import Design

        rev = revision(db.session().get(Design, did))
        assert rev.report["checked_on"] == date.today().isoformat()
        assert "on" not in rev.document


def test_age_select_for_body_products_saved_in_the_document(client, auth, app):
    auth.login()
    did = _design(client, auth)
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    field = re.search(r'<p id="age-field"[^>]*>', page).group(0)
    assert " hidden" not in field
    assert re.search(r'<option selected value="adults">Adults</option>|'
                     r'<option value="adults" selected>Adults</option>', page)
    for label in ("Children under 6", "Children under 3", "Nappy area of children under 3"):
        assert label in page
    # salicylic acid is not for children under 3 (Regulation (EC) No 1223/2009, Annex III
    # entry 98 and Annex V entry 3): the age makes it an error
    rows = {"rows-0-inci": "Aqua", "rows-0-qs": "y",
            "rows-1-inci": "Salicylic Acid", "rows-1-amount": "0.5"}
    adults = client.post(f"/designs/{did}/preview", data=editor_data(client, did, **rows))
    assert "No errors" in adults.get_data(as_text=True)
    data = editor_data(client, did, **rows, age="under-3")
    babies = _text(client.post(f"/designs/{did}/preview", data=data).get_data(as_text=True))
    assert "No errors" not in babies and "Salicylic Acid" in babies
    assert client.post(f"/designs/{did}", data={**data, "action": "save"}).status_code == 303
    with app.app_context():
        from configurator.store import db
        from configurator.store.designs import revision
        from configurator.store.models import Design

        rev = revision(db.session().get(Design, did))
        assert rev.document["age"] == "under-3" and rev.valid is False
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    assert re.search(r'<option selected value="under-3">|<option value="under-3" selected>', page)


def test_age_select_defaults_to_the_product_types_age_and_hides_elsewhere(client, auth):
    auth.login()
    baby = _design(client, auth, "baby-lotion", "Baby lotion")
    page = client.get(f"/designs/{baby}").get_data(as_text=True)
    assert re.search(r'<option selected value="under-3">|<option value="under-3" selected>', page)
    nail = _design(client, auth, "lip-balm", "Lip balm")
    page = client.get(f"/designs/{nail}").get_data(as_text=True)
    field = re.search(r'<p id="age-field"[^>]*>.*?</p>', page, re.S).group(0)
    assert " hidden" in field.split(">", 1)[0] and "disabled" in field


def test_a_bad_age_is_refused(client, auth):
    auth.login()
    did = _design(client, auth)
    data = editor_data(client, did, **D5, age="elderly")
    html = client.post(f"/designs/{did}/preview", data=data).get_data(as_text=True)
    assert "The formula cannot be read" in html and "`age` must be one of" in html
    r = client.post(f"/designs/{did}", data={**data, "action": "save"})
    assert r.status_code == 400


def test_the_designs_spec_sheet_names_the_day(client, auth):
    auth.login()
    did = _design(client, auth)
    data = editor_data(client, did, **D5, action="save")
    assert client.post(f"/designs/{did}", data=data).status_code == 303
    pdf = client.get(f"/designs/{did}/sheet.pdf").data
    text = re.sub(r"\s+", " ", " ".join(p.extract_text()
                                          for p in PdfReader(io.BytesIO(pdf)).pages))
    assert re.search(r"Checked against rules sha256:[0-9a-f]{64} as of "
                     + re.escape(day_text(date.today())), text)
