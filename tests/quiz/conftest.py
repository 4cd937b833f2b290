"""Shared answers for the quiz tests."""

from __future__ import annotations

# the reference answers: every single-answer change is tested from here
DEFAULT = {
    "skin-type": "normal", "concerns": [], "sensitivities": [], "pregnancy": "no",
    "age": "25-39", "climate": "temperate", "texture": "no-preference",
    "fragrance": "no-preference", "budget": "no-limit",
}
