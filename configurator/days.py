"""The day a check is made for: read from the CLI, the API and the designer, printed back.

Rules may apply from a later day (``placed_from``, rules/README.md); every surface
lets its user check "as of" a day and says which day a report was made for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .derived import per_rule_set
from .errors import ConfiguratorError

# YYYY-MM-DD in ASCII digits only: date.fromisoformat (3.11) also takes "20270607" and
# "2027-W23-1", and \d matches "２０２７": forms a user did not mean to write
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


@dataclass
class DayError(ValueError, ConfiguratorError):
    """A text that is not a calendar day written YYYY-MM-DD."""

    text: str

    def __str__(self) -> str:
        return f"{self.text[:40]!r} is not a day: write it YYYY-MM-DD, e.g. 2027-06-07"


def parse_day(text: str) -> date:
    """``text`` ("2027-06-07") as a date; :class:`DayError` for anything else (spaces
    included: the API's document says ``^YYYY-MM-DD$`` and means it)."""
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        raise DayError(str(text))
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2027-02-30
        raise DayError(text) from None


def day_or_today(text: str | None) -> date:
    """The day ``text`` names, or today when it is empty or None."""
    return parse_day(text) if text else date.today()


def day_text(day: date) -> str:
    """A day as the client reads it: "2 Dec 2026" (English month, whatever the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@per_rule_set  # a RuleSet never changes: worked out once per set
def dated_rules(rs) -> dict:
    """Rule id → rule, for the rules of ``rs`` that apply from a day (``placed_from``)."""
    return {r.id: r for r in rs.rules if r.placed_from is not None}
