"""The built rule set on disk, so that a process loads rules without building them again.

Building the shipped rules (2,784 rules, ~3,400 regulated substances with their aliases,
~7,000 inventory entries the rules name) costs about half a second of Python even when
every file's parse is cached (``diskcache``); reading back what an earlier build made
costs a fraction of it. The entry's key is the SHA-256 of:

- the rule set's content version (every rule file's path and bytes, and the inventory's
  bytes: :func:`configurator.rules.loader.load_rules` computes it before building), and
- the code that builds and holds it (:func:`code_digest`: every ``.py`` file of the
  ``configurator`` package, path and bytes),

so an edited rule file, a new export of the Commission or a new release of the code is
another key: an entry is never stale, only unused. The loader uses an entry only when
the rules load with no problem (a folder with problems is never cached, so its problems
are always reported afresh, with their lines).

What is stored: the :class:`~configurator.rules.model.RuleSet`'s fields, except

- ``inventory`` (it has its own cache, shared with every other rule set built on the
  same export, and is put back on load), ``directory`` (the same content may sit in
  another folder: the loading folder is put back) and ``quiz`` (compiled by the quiz
  package from ``quiz_source``, which is stored);
- each rule's compiled expression programs: CEL programs and Python closures do not
  pickle. The loader compiles them again from the rule's text on load
  (``recompile``), the same function its build uses.

Frozen, slotted dataclasses (Rule, Ingredient, When, …) are stored as a tuple of their
fields and revived without ``dataclasses``' generic ``__setstate__`` (which looks up the
fields for every object: most of an unpickle's time here).

Only the ``KEEP`` most recently used entries are kept (a tree whose rules or code change
often, as in development or a test suite copying the rules, would fill the disk). The
folder and its safety checks are ``diskcache``'s: off with
``CONFIGURATOR_CACHE_DIR=off``; a read or write that fails is a miss, never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..collector import paused
from . import diskcache, model

KIND = "ruleset"
KEEP = 8  # entries kept (the newest used; ~4 MB each for the shipped rules)
_SKIP = frozenset({"inventory", "directory", "quiz"})
_NEW = object.__new__
_code: bytes | None = None


def code_digest() -> bytes:
    """SHA-256 over every ``.py`` file of the ``configurator`` package (path and bytes)."""
    global _code
    if _code is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
        _code = h.digest()
    return _code


def key(version: str) -> bytes:
    return hashlib.sha256(version.encode() + b"\0" + code_digest()).digest()


def _reviver(cls: type) -> tuple[tuple[str, ...], Any]:
    """The fields of a slotted dataclass, and a function making one from their values.

    The function is generated, one per class, with each field's slot descriptor bound:
    2–3× faster than dataclasses' own ``__setstate__`` or a loop over ``setattr``."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    env = {"_NEW": _NEW, "_CLS": cls,
           **{f"_S{k}": getattr(cls, n).__set__ for k, n in enumerate(names)}}
    body = ", ".join(f"_S{k}(o, v[{k}])" for k in range(len(names)))
    exec(f"def revive(v):\n    o = _NEW(_CLS)\n    ({body},)\n    return o\n", env)  # noqa: S102
    fn = env["revive"]
    fn.__name__ = fn.__qualname__ = f"_revive_{cls.__name__}"
    fn.__module__ = __name__
    return names, fn


# every slotted dataclass of model.py: fields and reviver (picklable by name: a module
# global), made on first use (not at import: a process that never reads the cache pays nothing)
_FIELDS: dict[type, tuple[str, ...]] = {}
_REVIVE: dict[type, Any] = {}


def _revivers() -> None:
    if _FIELDS:
        return
    for cls in list(vars(model).values()):
        if (isinstance(cls, type) and dataclasses.is_dataclass(cls) and "__slots__" in vars(cls)
                and cls.__module__ == model.__name__):
            _FIELDS[cls], _REVIVE[cls] = _reviver(cls)
            globals()[_REVIVE[cls].__name__] = _REVIVE[cls]


class _Pickler(pickle.Pickler):
    def __init__(self, fh: io.BytesIO, inventory: Any, programs: frozenset[str]):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._inventory = inventory
        self._programs = programs

    def persistent_id(self, obj: Any) -> str | None:
        return "inventory" if obj is not None and obj is self._inventory else None

    def reducer_override(self, obj: Any) -> Any:
        names = _FIELDS.get(type(obj))
        if names is None:
            return NotImplemented
        values = tuple(None if n in self._programs else getattr(obj, n) for n in names)
        return _REVIVE[type(obj)], (values,)


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh: io.BytesIO, inventory: Any):
        super().__init__(fh)
        self._inventory = inventory

    def persistent_load(self, pid: Any) -> Any:
        if pid != "inventory":
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self._inventory


def store(version: str, ruleset: model.RuleSet, programs: frozenset[str]) -> None:
    """Keep ``ruleset`` (built from ``version``) for the next load.

    ``programs``: the Rule fields holding compiled programs, stored empty."""
    if diskcache.folder() is None:
        return
    _revivers()
    state = {f.name: getattr(ruleset, f.name) for f in dataclasses.fields(ruleset)
             if f.name not in _SKIP}
    fh = io.BytesIO()
    try:
        _Pickler(fh, ruleset.inventory, programs).dump(state)
    except Exception:  # something new that does not pickle: no cache, never an error
        return
    diskcache.put(key(version), fh.getvalue(), KIND)
    diskcache.prune(KIND, KEEP)


def fetch(version: str, directory: str, inventory: Any,
          recompile: Callable[[model.RuleSet], None]) -> model.RuleSet | None:
    """The rule set built earlier from ``version``, or None.

    ``recompile`` puts each rule's compiled programs back (the loader's own compiler)."""
    digest = key(version)
    raw = diskcache.get(digest, KIND)
    if not isinstance(raw, bytes):
        return None
    diskcache.touch(digest, KIND)
    _revivers()
    # tens of thousands of objects, none of them garbage: no collections midway
    with paused():
        try:
            state = _Unpickler(io.BytesIO(raw), inventory).load()
            ruleset = _NEW(model.RuleSet)
            ruleset.__dict__.update(state, inventory=inventory, directory=directory, quiz=None)
            recompile(ruleset)
        except Exception:  # a partial or foreign entry is a miss
            return None
    return ruleset
