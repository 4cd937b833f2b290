"""The rule set in force for a running app, swapped only for a good one.

``current`` is read once per request. ``reload()`` loads the folder again; if
the new files have problems the last good rule set stays in force and the
problems are kept for the R&D page.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from ..errors import RuleSetError
from .loader import load_rules
from .model import RuleSet


def _stamp(root: Path) -> tuple:
    """Names, times and sizes of the rule files (not ``tests/``, which the loader skips)."""
    out = []
    for p in root.rglob("*.yaml"):
        if "tests" in p.relative_to(root).parts:
            continue
        try:
            st = p.stat()
        except OSError:  # removed while we looked: the next look sees the folder as it is
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(sorted(out))


class RuleSetHolder:
    """Holds the last good :class:`RuleSet` of a folder."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._stamp = _stamp(self.directory)
        self.current: RuleSet = load_rules(self.directory)
        self.loaded_at: datetime = datetime.now(UTC)
        #: problems of the last edit that could not go into force ("file:line: message")
        self.problems: list[str] = []
        self.problems_at: datetime | None = None

    def reload(self) -> bool:
        """Load the folder again; True if a new version went into force."""
        with self._lock:
            self._stamp = _stamp(self.directory)
            try:
                rs = load_rules(self.directory)
            except RuleSetError as exc:
                self.problems = [str(p) for p in exc.problems]
                self.problems_at = datetime.now(UTC)
                return False
            self.problems = []
            self.problems_at = None
            if rs.version == self.current.version:  # same content: keep the warm one
                return False
            self.current = rs
            self.loaded_at = datetime.now(UTC)
            return True

    def reload_if_changed(self) -> bool:
        """Cheap check of file times and sizes; reload when any changed."""
        if os.environ.get("CONFIGURATOR_NO_RELOAD"):
            return False
        if _stamp(self.directory) == self._stamp:
            return False
        return self.reload()
