"""The shipped rules/: complete, sourced, and covering the CosIng annex entries they should."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT

SOURCE = re.compile(r"Regulation \((EC|EU)\) (No )?\d+/\d+, Annex (II|III|IV|V|VI), (entr(y|ies) \w|preamble)")


def test_catalog_size_and_palette(rules):
    assert len(rules.ingredients) >= 300
    for tag in ("solvent", "humectant", "emollient", "emulsifier", "thickener", "surfactant",
                "preservative", "chelator", "ph-adjuster", "antioxidant", "active", "uv-filter",
                "botanical", "fragrance", "allergen", "colourant"):
        assert rules.tagged(tag), tag
    assert len(rules.bases) >= 8
    for ing in rules.ingredients.values():
        if ing.profiled:  # the lab's profiles say the origin; CosIng's inventory does not
            assert ("vegan" in ing.tags) != ("animal-derived" in ing.tags), ing.inci


def test_every_regulatory_rule_names_regulation_annex_and_entry(rules):
    eu = [r for r in rules.rules if r.id.startswith("eu-")]
    assert len(eu) > 200
    bad = [r.id for r in eu if not SOURCE.search(r.source)]
    assert not bad, bad


def test_known_limits_are_right(rules):
    """Spot checks against the annexes (CosIng export of 2025)."""
    def limit(rule_id):
        return next(r for r in rules.rules if r.id == rule_id).max

    assert limit("eu-annex-v-29-phenoxyethanol") == 1.0
    assert limit("eu-annex-iii-376-retinoids-body-lotion") == 0.05
    assert limit("eu-annex-iii-376-retinoids-other") == 0.3
    assert limit("eu-annex-iii-375-kojic-acid") == 1.0
    allergen = [r for r in rules.rules if r.kind == "declare"]
    assert all(r.leave_on == 0.001 and r.rinse_off == 0.01 for r in allergen)


def test_cosing_coverage():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "cosing_coverage.py"),
                           "--rules", str(ROOT / "rules"), "--cosing",
                           str(ROOT / "rules" / "cosing")],  # the exports, shipped
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
