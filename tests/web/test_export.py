"""A client's export: JSON with every design, revision, finding and audit event; ZIP with sheets."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader

from configurator.engine import check, parse_formula
from tests.web.populate import populate


def test_json_export_has_everything_of_mine_and_nothing_else(app, client, auth, rules):
    ids = populate(app)
    auth.login("alice@example.com")
    assert "/designs/export.json" in client.get("/designs").get_data(as_text=True)
    r = client.get("/designs/export.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=")
    doc = json.loads(r.data)
    assert doc["format"] == "configurator-export" and doc["user"]["email"] == "alice@example.com"
    by_id = {d["id"]: d for d in doc["designs"]}
    mine = {k: v for k, v in ids.items() if k != "bob"}
    assert set(by_id) == set(mine.values())          # archived included, bob's not
    assert ids["bob"] not in by_id and "Bob's serum" not in r.get_data(as_text=True)
    for state, did in mine.items():
        d = by_id[did]
        assert d["status"] == (state if state not in ("archived",) else "draft")
        assert d["archived"] == (state == "archived")
        assert [rev["number"] for rev in d["revisions"]] == list(range(1, d["revision"] + 1))
    draft = by_id[ids["draft"]]
    assert len(draft["revisions"]) == 2
    latest = draft["revisions"][-1]
    assert {i.get("inci") for i in latest["formula"]["ingredients"]} >= {"Niacinamide", "Glycerin"}
    assert latest["findings"] == latest["report"]["findings"]
    # the exported formula is a contract §1 document: the engine reads it and agrees
    again = check(parse_formula(latest["formula"]), rules).to_dict()
    assert again["valid"] == latest["valid"]
    approved = by_id[ids["approved"]]
    assert [(e["from"], e["to"]) for e in approved["audit"]] == [
        ("draft", "submitted"), ("submitted", "in_review"), ("in_review", "approved")]
    assert approved["audit"][-1]["comment"] == "Lab says: approved — ok ✓"
    assert approved["audit"][-1]["by_role"] == "lab"
    assert approved["revisions"][-1]["locked"] and approved["revisions"][-1]["sheet_sha256"]
    assert all(e["at"].endswith("+00:00") for d in doc["designs"] for e in d["audit"])


def test_zip_export_has_the_json_and_one_sheet_per_design(app, client, auth):
    ids = populate(app)
    auth.login("alice@example.com")
    r = client.get("/designs/export.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.data))
    assert z.testzip() is None
    doc = json.loads(z.read("designs.json"))
    sheets = sorted(n for n in z.namelist() if n.startswith("sheets/"))
    expected = sorted(f"sheets/design-{d['id']}-rev{d['revision']}.pdf" for d in doc["designs"])
    assert sheets == expected and len(sheets) == len(ids) - 1
    approved = z.read(f"sheets/design-{ids['approved']}-rev1.pdf")
    # the same bytes the sheet download serves, and the approved one is final
    assert approved == client.get(f"/designs/{ids['approved']}/sheet.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(approved)).pages)
    assert "DRAFT" not in text and "Niacinamide" in text
    draft = z.read(f"sheets/design-{ids['draft']}-rev2.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(draft)).pages)
    assert "DRAFT" in text and "Glycerin" in text


def test_export_needs_a_login_and_is_empty_for_staff(app, client, auth):
    populate(app)
    for url in ("/designs/export.json", "/designs/export.zip"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    auth.login("lab@example.com")
    assert json.loads(client.get("/designs/export.json").data)["designs"] == []
    z = zipfile.ZipFile(io.BytesIO(client.get("/designs/export.zip").data))
    assert z.namelist() == ["designs.json"]
