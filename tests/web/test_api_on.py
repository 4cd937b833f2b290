"""``POST /api/v1/validate`` as of a day: the ``on`` field or query parameter (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

# D5 in a leave-on body lotion: REACH Annex XVII entry 70 (as amended by Regulation (EU)
# 2024/1328), at 0.1 % or more in leave-on cosmetics from 7 June 2027 (rules/eu/reach.yaml)
LOTION = {"name": "Silky body lotion",
          "product_type": {"application": "leave-on", "area": "body", "form": "lotion"},
          "ingredients": [{"inci": "Cyclopentasiloxane", "percent": 5},
                          {"inci": "Glycerin", "percent": 3},
                          {"inci": "Phenoxyethanol", "percent": 0.8},
                          {"inci": "Aqua", "qs": True}]}
RULE = "reach-xvii-70-d5-leave-on"


def _coming(body):
    return [f for f in body["findings"] if f["code"] == "coming-rule"]


def test_on_in_the_body_the_day_before_warns_with_the_date(client):
    r = client.post("/api/v1/validate", json={**LOTION, "on": "2027-06-06"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["valid"] is True and body["checked_on"] == "2027-06-06"
    [f] = _coming(body)
    assert f["rule"] == RULE and f["severity"] == "warning"
    assert f["message"].startswith("From 7 Jun 2027 this design breaks REACH Annex XVII entry 70")


def test_on_in_the_body_on_the_day_is_an_error(client):
    body = client.post("/api/v1/validate", json={**LOTION, "on": "2027-06-07"}).get_json()
    assert body["valid"] is False and body["checked_on"] == "2027-06-07"
    f = next(f for f in body["findings"] if f["rule"] == RULE)
    assert (f["severity"], f["code"]) == ("error", "max-concentration")
    assert not _coming(body)


def test_on_as_a_query_parameter(client):
    body = client.post("/api/v1/validate?on=2027-06-06", json=LOTION).get_json()
    assert body["checked_on"] == "2027-06-06" and [f["rule"] for f in _coming(body)] == [RULE]
    body = client.post("/api/v1/validate?on=2027-06-07", json=LOTION).get_json()
    assert body["valid"] is False
    same = client.post("/api/v1/validate?on=2027-06-07", json={**LOTION, "on": "2027-06-07"})
    assert same.status_code == 200 and same.get_json()["valid"] is False


def test_without_on_the_contract_document_is_checked_for_today(client):
    body = client.post("/api/v1/validate", json=LOTION).get_json()
    assert body["checked_on"] >= date.today().isoformat()  # the day it ran
    assert "on" not in LOTION


@pytest.mark.parametrize("on", ["2027-13-01", "2027-02-30", "07/06/2027", "20270607",
                                " 2027-06-07", "", 20270607, None, ["2027-06-07"]])
def test_a_bad_day_in_the_body_is_a_400_with_the_error_shape(client, on):
    r = client.post("/api/v1/validate", json={**LOTION, "on": on})
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"] == "`on` is not a day"
    assert body["details"][0]["path"] == "on" and "YYYY-MM-DD" in body["details"][0]["message"]


def test_a_bad_day_in_the_query_and_two_different_days_are_400s(client):
    r = client.post("/api/v1/validate?on=soon", json=LOTION)
    assert r.status_code == 400 and r.get_json()["error"] == "`on` is not a day"
    r = client.post("/api/v1/validate?on=2027-06-06", json={**LOTION, "on": "2027-06-07"})
    assert r.status_code == 400 and r.get_json()["details"][0]["path"] == "on"


def test_on_is_not_a_formula_field_elsewhere(client):
    # a design's formula keeps to contract §1: `on` belongs to the check, not to the formula
    r = client.post("/api/v1/validate", json={**LOTION, "product_type": {
        **LOTION["product_type"], "on": "2027-06-07"}})
    assert r.status_code == 400


def test_age_is_read_from_the_document(client):
    # salicylic acid is not for children under 3 (Annex III entry 98, Annex V entry 3):
    # enforced as a limit once the product says who it is for
    doc = {**LOTION, "ingredients": [{"inci": "Salicylic Acid", "percent": 0.5},
                                     {"inci": "Aqua", "qs": True}]}
    adults = client.post("/api/v1/validate", json=doc).get_json()
    babies = client.post("/api/v1/validate", json={**doc, "age": "under-3"}).get_json()
    assert babies["valid"] is False and babies["product_type"]["age"] == "under-3"
    assert not any(f["severity"] == "error" and "Salicylic Acid" in f["ingredients"]
                   for f in adults["findings"])


def test_openapi_documents_on_and_age(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/validate"]["post"]
    assert {p["name"]: p["in"] for p in op["parameters"]} == {"on": "query"}
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schemas = doc["components"]["schemas"]
    req = schemas[ref.rsplit("/", 1)[1]]
    assert req["properties"]["on"]["format"] == "date"
    assert set(req["properties"]) - {"on"} == set(schemas["Formula"]["properties"])
    assert "on" not in schemas["Formula"]["properties"]
    assert schemas["Formula"]["properties"]["age"]["enum"] == ["adults", "under-6", "under-3",
                                                               "nappy"]
    assert "checked_on" in schemas["Report"]["properties"]
