"""The rule set in force for a running app, swapped only for a good one.

``current`` is read once per request. ``reload()`` loads the folder again; if
the new files have problems the last good rule set stays in force and the
problems are kept for the R&D page.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..errors import RuleSetError
from .loader import load_rules
from .model import RuleSet


def _stamp(root: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in root.rglob("*.yaml")))


class RuleSetHolder:
    """Holds the last good :class:`RuleSet` of a folder."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self.current: RuleSet = load_rules(self.directory)
        self.problems: list[str] = []
        self._stamp = _stamp(self.directory)

    def reload(self) -> bool:
        """Load the folder again; True if a new version went into force."""
        with self._lock:
            self._stamp = _stamp(self.directory)
            try:
                rs = load_rules(self.directory)
            except RuleSetError as exc:
                self.problems = [str(p) for p in exc.problems]
                return False
            self.problems = []
            changed = rs.version != self.current.version
            self.current = rs
            return changed

    def reload_if_changed(self) -> bool:
        """Cheap check of file times and sizes; reload when any changed."""
        if os.environ.get("CONFIGURATOR_NO_RELOAD"):
            return False
        if _stamp(self.directory) == self._stamp:
            return False
        return self.reload()
