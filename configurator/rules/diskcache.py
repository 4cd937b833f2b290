"""A content-addressed cache of parsed rule files on disk, so a new process need not parse.

Parsing the YAML of the shipped rules (the generated annex files hold ~100,000 nodes) is
most of what a fresh process spends on ``load_rules``; unpickling the same documents
takes a twentieth of it. Each entry is keyed by the SHA-256 of the file's bytes (and
this cache's format), so it can never be stale: an edited file has another key.

Where: ``$CONFIGURATOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/configurator``, else
``~/.cache/configurator``; ``CONFIGURATOR_CACHE_DIR=off`` turns it off. Pickles run code
when loaded, so the folder is used only if it belongs to this user and nobody else may
write to it (mode 0700 when created here); otherwise the cache is off and the loader
parses, as before. Every failure to read or write an entry is a miss, never an error.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

FORMAT = f"1-py{sys.version_info.major}{sys.version_info.minor}"
_folder: Path | None | bool = False  # False: not decided yet


def folder() -> Path | None:
    """The cache folder, or None when the cache is off or the folder is not safe."""
    global _folder
    if _folder is not False:
        return _folder  # type: ignore[return-value]
    env = os.environ.get("CONFIGURATOR_CACHE_DIR")
    if env and env.strip().lower() in ("off", "0", "none"):
        _folder = None
        return None
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or
                                      Path.home() / ".cache") / "configurator"
    path = base / "parsed"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = path.stat()
        safe = (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o022
    except OSError:
        safe = False
    _folder = path if safe else None
    return _folder


def get(digest: bytes, kind: str = "yaml") -> Any | None:
    """The object stored under ``digest``, or None."""
    where = folder()
    if where is None:
        return None
    try:
        with open(where / f"{kind}-{FORMAT}-{digest.hex()}.pickle", "rb") as fh:
            return pickle.load(fh)  # noqa: S301 (a folder only this user can write, see above)
    except Exception:  # a missing, partial or foreign entry is a miss
        return None


def put(digest: bytes, value: Any, kind: str = "yaml") -> None:
    """Store ``value`` under ``digest`` (atomically: a reader never sees half a file)."""
    where = folder()
    if where is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=where, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, where / f"{kind}-{FORMAT}-{digest.hex()}.pickle")
    except Exception:  # a full disk or a read-only home: the cache just stays empty
        try:
            os.unlink(tmp)
        except Exception:  # noqa: S110 (nothing to clean up)
            pass


def prune(kind: str, keep: int) -> None:
    """Delete all but the ``keep`` newest entries of ``kind`` (by modification time).

    For entries of megabytes made per content (``built.py``'s rule sets): a tree whose
    code or rules change often would otherwise fill the disk with ones never read again."""
    where = folder()
    if where is None:
        return
    try:
        entries = sorted(where.glob(f"{kind}-{FORMAT}-*.pickle"),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:  # another process pruned the same entry first: nothing to do
        pass


def touch(digest: bytes, kind: str) -> None:
    """Mark an entry as just used, so that ``prune`` keeps it."""
    where = folder()
    if where is not None:
        try:
            os.utime(where / f"{kind}-{FORMAT}-{digest.hex()}.pickle")
        except OSError:
            pass

