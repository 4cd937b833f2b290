"""Route tests for the client's designs: ownership, saving, conflicts, bad input."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_of


def new_design(client, auth, name="Serum 1", base="light-gel"):
    token = auth.csrf("/designs/new")
    r = client.post("/designs/new", data={"name": name, "product_type": "serum", "base": base,
                                          "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def editor_data(client, design_id, **changes):
    """The editor's form as a browser would send it, with changes applied."""
    html = client.get(f"/designs/{design_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_of(html)}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        if name not in ("q",):
            data[name] = value
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        sel = re.search(r'<option selected value="([^"]*)"', m.group(2)) or \
            re.search(r'<option value="([^"]*)" selected', m.group(2))
        data[m.group(1)] = sel.group(1) if sel else ""
    for k in [k for k in data if k.endswith("-qs")]:
        del data[k]
    data.update(changes)
    return data


def test_login_required_and_wrong_password(client, auth):
    assert client.get("/designs").status_code == 302
    r = auth.login("alice@example.com", "wrong")
    assert r.status_code == 401 and "Wrong e-mail or password" in r.get_data(as_text=True)


def test_create_edit_save_reload(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "5 %",
                                        "action": "save"})
    r = client.post(f"/designs/{did}", data=data)
    assert r.status_code == 303
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    assert 'value="Niacinamide"' in page and "Revision 2" in page
    dash = client.get("/designs").get_data(as_text=True)
    assert "Serum 1" in dash and "draft" in dash


def test_new_design_preselects_no_product_type(client, auth):
    """The type list is alphabetical and starts with a children's product: nobody gets
    one by not choosing. The page offers a blank first choice, and a form sent without
    a type is refused with the field's own message, creating nothing."""
    auth.login()
    page = client.get("/designs/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="product_type"[^>]*>(.*?)</select>', page, re.S)
    assert select and "required" in select.group(0)
    first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert 'value=""' in first.group(0) and "Choose a product type" in first.group(1)
    assert "selected" not in select.group(1)
    before = client.get("/designs").get_data(as_text=True).count('href="/designs/')
    r = client.post("/designs/new", data={"name": "No type", "product_type": "", "base": "",
                                          "csrf_token": auth.csrf("/designs/new")})
    assert r.status_code == 400 and "Choose a product type." in r.get_data(as_text=True)
    assert client.get("/designs").get_data(as_text=True).count('href="/designs/') == before


def test_over_limit_shows_finding_and_one_click_fix_without_js(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Phenoxyethanol", "rows-0-amount": "1.5",
                                        "action": "check"})
    page = client.post(f"/designs/{did}", data=data).get_data(as_text=True)
    assert "max-concentration" in page
    fix = re.search(r'name="fix" value="([^"]+)"', page).group(1)
    data.pop("action")
    data["fix"] = fix.replace("&#34;", '"')
    page = client.post(f"/designs/{did}", data=data).get_data(as_text=True)
    m = re.search(r'name="rows-0-amount"[^>]*value="([^"]*)"', page) or \
        re.search(r'value="([^"]*)"[^>]*name="rows-0-amount"', page)
    assert m and float(m.group(1)) < 1.5


def test_preview_fragment(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Unobtainium Extract", "rows-0-amount": "1"})
    r = client.post(f"/designs/{did}/preview", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "unknown-ingredient" in html and "<html" not in html


def test_conflicting_saves_are_reported_not_lost(client, auth):
    auth.login()
    did = new_design(client, auth)
    tab1 = editor_data(client, did, **{"rows-0-inci": "Glycerin", "rows-0-amount": "2",
                                        "action": "save"})
    tab2 = editor_data(client, did, **{"rows-0-inci": "Niacinamide", "rows-0-amount": "4",
                                        "action": "save"})
    assert client.post(f"/designs/{did}", data=tab1).status_code == 303
    r = client.post(f"/designs/{did}", data=tab2)
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "saved elsewhere" in page and 'value="Niacinamide"' in page  # the typing is kept


@pytest.mark.parametrize("field, value, message", [
    ("rows-0-amount", "-1", "between 0 and 100"),
    ("rows-0-amount", "NaN", "concentration"),
    ("rows-0-amount", "1e309", "concentration"),
    ("rows-0-amount", "5 kg", "concentration"),
    ("rows-0-amount", "x" * 40, "Field cannot be longer"),
    ("target_ph", "15", "Target pH"),
    ("target_ph", "abc", "Target pH"),
    ("batch_size", "50 bananas", "mass or a volume"),
    ("batch_units", "-3", "whole number"),
    ("name", "n" * 300, "Field cannot be longer"),
    ("product_type", "no-such-type", "Not a valid choice"),
])
def test_bad_values_get_a_message_never_a_500(client, auth, field, value, message):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, **{"rows-0-inci": "Glycerin", "rows-0-amount": "2",
                                        "action": "save"})
    data[field] = value
    r = client.post(f"/designs/{did}", data=data)
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    assert "Revision 1" in client.get(f"/designs/{did}").get_data(as_text=True)  # nothing saved


def test_unknown_base_and_ingredient_are_findings(client, auth):
    auth.login()
    did = new_design(client, auth)
    data = editor_data(client, did, base="no-such-base", **{"rows-0-inci": "Unicorn", "rows-0-amount": "1",
                                                           "action": "check"})
    page = client.post(f"/designs/{did}", data=data).get_data(as_text=True)
    assert "unknown-reference" in page and "unknown-ingredient" in page


def test_other_clients_designs_are_404(client, auth, app):
    auth.login("bob@example.com")
    did = new_design(client, auth, name="Bob's secret")
    client.post("/logout", data={"csrf_token": auth.csrf("/designs")})
    auth.login("alice@example.com")
    token = auth.csrf("/designs")
    assert "Bob&#39;s secret" not in client.get("/designs").get_data(as_text=True)
    for method, url in [("get", f"/designs/{did}"), ("post", f"/designs/{did}"),
                        ("post", f"/designs/{did}/preview"), ("post", f"/designs/{did}/advice"),
                        ("post", f"/designs/{did}/rename"), ("post", f"/designs/{did}/duplicate"),
                        ("post", f"/designs/{did}/archive"), ("post", f"/designs/{did}/submit")]:
        r = getattr(client, method)(url, data={"csrf_token": token, "name": "pwned"})
        assert r.status_code == 404, (method, url)


def test_submit_locks_and_double_submit_is_harmless(client, auth):
    auth.login()
    did = new_design(client, auth)
    token = auth.csrf(f"/designs/{did}")
    r1 = client.post(f"/designs/{did}/submit", data={"csrf_token": token})
    r2 = client.post(f"/designs/{did}/submit", data={"csrf_token": token})
    assert r1.status_code == r2.status_code == 303
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    assert "submitted" in page and "Already submitted" in page
    data = editor_data(client, did, **{"rows-0-inci": "Glycerin", "rows-0-amount": "2",
                                        "action": "save"})
    client.post(f"/designs/{did}", data=data)
    assert "Revision 1" in client.get(f"/designs/{did}").get_data(as_text=True)


def test_duplicate_rename_archive(client, auth):
    auth.login()
    did = new_design(client, auth, name="Original")
    token = auth.csrf(f"/designs/{did}")
    r = client.post(f"/designs/{did}/duplicate", data={"csrf_token": token})
    assert r.status_code == 303
    client.post(f"/designs/{did}/rename", data={"csrf_token": token, "name": "Renamed"})
    client.post(f"/designs/{did}/archive", data={"csrf_token": token})
    dash = client.get("/designs").get_data(as_text=True)
    assert ">Copy of Original<" in dash and ">Renamed<" not in dash
    assert ">Renamed<" in client.get("/designs?archived=1").get_data(as_text=True)


def test_csrf_is_required(client, auth):
    auth.login()
    r = client.post("/designs/new", data={"name": "x", "product_type": "serum"})
    assert r.status_code == 400


def test_huge_upload_is_413(client, auth):
    auth.login()
    r = client.post("/designs/new", data={"name": "x" * (2 * 1024 * 1024)})
    assert r.status_code == 413


def test_a_product_type_given_by_its_fields_survives_the_editor(client, auth):
    """A design whose product type is given by its fields (contract §1; the API, a formula
    file) shows that type in the editor's select and keeps it when saved and submitted
    from the editor; the select used to show the catalog's first type, which a save wrote."""
    import html as html_mod

    spec = {"application": "leave-on", "area": "lip", "form": "lipstick"}
    auth.login()
    r = client.post("/api/v1/designs", json={"formula": {
        "name": "Lip balm", "product_type": spec,
        "ingredients": [{"inci": "Ricinus Communis Seed Oil", "qs": True},
                        {"inci": "Cera Alba", "percent": 15}]}})
    assert r.status_code == 201, r.get_data(as_text=True)[:300]
    did = r.get_json()["id"]
    page = client.get(f"/designs/{did}").get_data(as_text=True)
    assert "As given: application leave-on, area lip, form lipstick" in page
    data = editor_data(client, did, **{"rows-2-inci": "Tocopherol", "rows-2-amount": "0.5",
                                        "rows-0-qs": "y", "action": "save"})
    data = {k: html_mod.unescape(v) for k, v in data.items()}
    assert data["product_type"].startswith("spec:")
    r = client.post(f"/designs/{did}", data=data)
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    saved = client.get(f"/api/v1/designs/{did}").get_json()
    assert saved["formula"]["product_type"] == spec
    assert [x["inci"] for x in saved["formula"]["ingredients"]][-1] == "Tocopherol"
    data = {k: html_mod.unescape(v)
            for k, v in editor_data(client, did, **{"rows-0-qs": "y"}).items()}
    data.pop("action", None)
    assert client.post(f"/designs/{did}/submit", data=data).status_code == 303
    assert "submitted" in client.get(f"/designs/{did}").get_data(as_text=True)
