"""The formulation engine: parse a formula, compose it, check it against the rules."""

from .advise import Advice, advise
from .engine import check
from .formula import Addition, Batch, Formula, ProductSpec, parse_formula
from .report import Finding, FixAction, Line, Report

__all__ = [
    "Addition", "Advice", "Batch", "Finding", "FixAction", "Formula", "Line", "ProductSpec",
    "Report", "advise", "check", "parse_formula",
]
