"""``group-total``: several ingredients (a tag) together at most ``max`` (lab practice)."""

from __future__ import annotations

from .limit import Limit


class GroupTotal(Limit):
    name = "group-total"
    title = "Group totals"
    severity = "warning"
    together = "together "


KIND = GroupTotal()
