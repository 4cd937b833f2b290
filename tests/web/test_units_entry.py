"""Concentrations typed in the editor and sent to the API: one conversion, by value.

A dimensionless ratio is read by its value whatever the unit (0.02 g/g is 2 %,
not 0.02 %); a unit that is not a mass or volume fraction (``rad``, ``count``)
is refused, never taken for a percentage (issue 18, point 2).
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_of

SERUM = {"name": "Retinol serum", "product_type": "serum", "base": "light-gel"}


def _api(client, amount):
    doc = {**SERUM, "ingredients": [{"inci": "Retinol", "amount": amount}]}
    return client.post("/api/v1/validate", json=doc)


def _percent(report, inci="Retinol") -> float:
    return next(line["percent"] for line in report["composition"] if line["inci"] == inci)


@pytest.mark.parametrize("amount, percent", [
    ("0.02 g/g", 2.0), ("20 mg/g", 2.0), ("0.02 kg/kg", 2.0), ("20000 ppm", 2.0),
    ("20000000 ppb", 2.0), ("2 % w/w", 2.0), ("2 %", 2.0), ("20 g/kg", 2.0), ("2", 2.0),
    ("0.1 g/g", 10.0),
])
def test_api_reads_every_mass_fraction_by_its_value(client, amount, percent):
    r = _api(client, amount)
    assert r.status_code == 200, r.get_data(as_text=True)
    report = r.get_json()
    assert _percent(report) == pytest.approx(percent)
    assert report["valid"] is False  # 2 % retinol is far over its Annex III limit


@pytest.mark.parametrize("amount", ["0.5 rad", "1 sr", "0.3 count", "0.3 dimensionless",
                                    "0.3 m/m", "0.3 mol/mol", "0.3 g/L", "0.3 g"])
def test_api_refuses_what_is_not_a_mass_or_volume_fraction(client, amount):
    r = _api(client, amount)
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"] == "malformed formula document"
    assert any(amount in d["message"] for d in body["details"])


def test_volume_fraction_is_refused_without_densities_not_read_as_w_w(client):
    r = _api(client, "0.05 mL/mL")
    assert r.status_code == 400
    assert "densities" in r.get_json()["details"][0]["message"]


def test_editor_uses_the_same_conversion(client, auth):
    auth.login()
    page = client.get("/designs/new").get_data(as_text=True)
    data = {"csrf_token": csrf_of(page), "name": "Retinol serum", "product_type": "serum",
            "base": "light-gel", "rows-0-inci": "Retinol", "rows-0-amount": "0.02 g/g"}
    html = client.post("/designs/preview", data=data).get_data(as_text=True)
    row = re.search(r"<td>Retinol</td><td>[^<]*</td><td class=\"num\">([0-9.]+)</td>", html)
    assert row and float(row.group(1)) == pytest.approx(2.0), html[:2000]
    refused = client.post("/designs/preview", data={**data, "rows-0-amount": "0.5 rad"})
    assert refused.status_code == 200
    text = refused.get_data(as_text=True)
    assert "0.5 rad" in text and "is not a concentration" in text
