"""Hand readings of the annex entries the generic reading cannot read (restricted.py).

Each reading rewrites an entry's columns into the regular form ("(a) Face cream (b) Body
lotion" / "(a) 2 % (b) 0,5 %") and says why beside it; the numbers are the annex's own,
checked against the export's text. Entries left to a chemist are in UNENCODED with the
reason. Keys: (annex, reference as cited, first INCI name or chemical name in upper case).
"""

from __future__ import annotations

from dataclasses import replace

# Factors for "(acid)" / "as …" limits where the molar masses are known exactly:
# (label name in upper case, basis) → (factor, the masses). Basis "acid" is the entry's
# parent acid, "f" fluorine, "retinol" retinol equivalent.
FACTORS: dict[tuple[str, str], tuple[float, str]] = {
    ("SODIUM BENZOATE", "acid"): (0.8474, "M(benzoic acid) / M(sodium benzoate) = 122.12 / 144.11"),
    ("POTASSIUM BENZOATE", "acid"): (0.7623, "122.12 / 160.21"),
    ("CALCIUM BENZOATE", "acid"): (0.8652, "2 × 122.12 / 282.30"),
    ("SODIUM SALICYLATE", "acid"): (0.8627, "M(salicylic acid) / M(sodium salicylate) = 138.12 / 160.10"),
    ("POTASSIUM SALICYLATE", "acid"): (0.7838, "138.12 / 176.21"),
    ("CALCIUM SALICYLATE", "acid"): (0.8789, "2 × 138.12 / 314.30"),
    ("MAGNESIUM SALICYLATE", "acid"): (0.9253, "2 × 138.12 / 298.53"),
    ("MEA-SALICYLATE", "acid"): (0.6934, "138.12 / (138.12 + 61.08)"),
    ("TEA-SALICYLATE", "acid"): (0.4807, "138.12 / (138.12 + 149.19)"),
    ("POTASSIUM SORBATE", "acid"): (0.7464, "M(sorbic acid) / M(potassium sorbate) = 112.13 / 150.22"),
    ("SODIUM SORBATE", "acid"): (0.8361, "112.13 / 134.11"),
    ("CALCIUM SORBATE", "acid"): (0.8549, "2 × 112.13 / 262.32"),
    ("SODIUM DEHYDROACETATE", "acid"): (0.8844, "M(dehydroacetic acid) / M(anhydrous salt) = 168.15 / 190.13; "
                                        "the monohydrate counted as anhydrous over-counts (safe)"),
    ("SODIUM FORMATE", "acid"): (0.6768, "46.03 / 68.01"),
    ("SODIUM PROPIONATE", "acid"): (0.7712, "74.08 / 96.06"),
    ("CALCIUM PROPIONATE", "acid"): (0.7956, "2 × 74.08 / 186.22"),
    ("POTASSIUM PROPIONATE", "acid"): (0.6604, "74.08 / 112.17"),
    # parabens "(as acid)": as 4-hydroxybenzoic acid, 138.12
    ("METHYLPARABEN", "acid"): (0.9078, "M(4-hydroxybenzoic acid) / M(methylparaben) = 138.12 / 152.15"),
    ("ETHYLPARABEN", "acid"): (0.8312, "138.12 / 166.17"),
    ("PROPYLPARABEN", "acid"): (0.7665, "138.12 / 180.20"),
    ("BUTYLPARABEN", "acid"): (0.7111, "138.12 / 194.23"),
    ("SODIUM METHYLPARABEN", "acid"): (0.7932, "138.12 / 174.13"),
    ("SODIUM ETHYLPARABEN", "acid"): (0.7341, "138.12 / 188.15"),
    ("SODIUM PROPYLPARABEN", "acid"): (0.6832, "138.12 / 202.18"),
    ("SODIUM BUTYLPARABEN", "acid"): (0.6388, "138.12 / 216.21"),
    # fluorides "calculated as F": F = 19.00
    ("SODIUM FLUORIDE", "f"): (0.4525, "M(F) / M(NaF) = 19.00 / 41.99"),
    ("POTASSIUM FLUORIDE", "f"): (0.3270, "19.00 / 58.10"),
    ("AMMONIUM FLUORIDE", "f"): (0.5130, "19.00 / 37.04"),
    ("CALCIUM FLUORIDE", "f"): (0.4867, "2 × 19.00 / 78.08"),
    ("MAGNESIUM FLUORIDE", "f"): (0.6099, "2 × 19.00 / 62.31"),
    ("ALUMINIUM FLUORIDE", "f"): (0.6787, "3 × 19.00 / 83.98"),
    ("STANNOUS FLUORIDE", "f"): (0.2425, "2 × 19.00 / 156.71"),
    ("SODIUM MONOFLUOROPHOSPHATE", "f"): (0.1320, "19.00 / 143.95 (Na2PO3F)"),
    ("POTASSIUM MONOFLUOROPHOSPHATE", "f"): (0.1078, "19.00 / 176.17 (K2PO3F)"),
    ("AMMONIUM MONOFLUOROPHOSPHATE", "f"): (0.1417, "19.00 / 134.05 ((NH4)2PO3F)"),
    ("CALCIUM MONOFLUOROPHOSPHATE", "f"): (0.1376, "19.00 / 138.05 (CaPO3F)"),
    ("SODIUM FLUOROSILICATE", "f"): (0.6062, "6 × 19.00 / 188.07 (Na2SiF6)"),
    ("POTASSIUM FLUOROSILICATE", "f"): (0.5175, "6 × 19.00 / 220.29 (K2SiF6)"),
    ("AMMONIUM FLUOROSILICATE", "f"): (0.6399, "6 × 19.00 / 178.17 ((NH4)2SiF6)"),
    ("MAGNESIUM FLUOROSILICATE", "f"): (0.6851, "6 × 19.00 / 166.40 (MgSiF6)"),
    # retinoids "Retinol Equivalent": retinol 286.45
    ("RETINYL ACETATE", "retinol"): (0.8720, "M(retinol) / M(retinyl acetate) = 286.45 / 328.49"),
    ("RETINYL PALMITATE", "retinol"): (0.5458, "286.45 / 524.86"),
}

# The amending act, where the export's Regulation column is out of date.
REGULATION: dict[tuple[str, str], str] = {
    # Homosalate's 7.34 % in face products is Regulation (EU) 2022/2195; the export's
    # column still says the base regulation.
    ("VI", "3"): "(EU) 2022/2195",
}

# Entries left to a chemist, and why.
UNENCODED: dict[tuple[str, str, str], str] = {}

# NOT SURE notes, put on the entry's first rule as a comment.
NOTES: dict[tuple[str, str, str], str] = {}

# Rewritten columns: key → {column: text}.
REWRITES: dict[tuple[str, str, str], dict[str, str]] = {}


def rewrite(entry, key):
    """The entry with its hand-read columns, or the entry itself when it reads as it is."""
    columns = REWRITES.get(key)
    return replace(entry, **columns) if columns else entry
