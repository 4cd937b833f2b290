""""Make it valid": the nearest formula that keeps every rule, or the wishes that clash.

A mixed-integer program (``scipy.optimize.milp``, HiGHS) over the formula's rows:
strengths continuous, a row's presence and its swap binary, the base a choice,
the target pH a variable. Rules it cannot express are checked by the engine on
each answer, and the engine's verdict is the only verdict (see ``search``).
"""

from .model import EXPRESSED
from .search import repair
from .values import Change, Conflict, Pins, Repair, RuleRef, WayOut, Wish

__all__ = ["EXPRESSED", "Change", "Conflict", "Pins", "Repair", "RuleRef", "WayOut", "Wish",
           "repair"]
