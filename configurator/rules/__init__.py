"""The rule set: R&D's YAML files loaded, checked and compiled into indexes."""

from .loader import default_rules_dir, load_rules
from .model import (
    Base,
    Constraint,
    Ingredient,
    ProductType,
    Rule,
    RuleSet,
    When,
)

__all__ = [
    "Base",
    "Constraint",
    "Ingredient",
    "ProductType",
    "Rule",
    "RuleSet",
    "When",
    "default_rules_dir",
    "load_rules",
]
