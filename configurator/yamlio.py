"""Safe YAML (and JSON) reading that remembers where each mapping came from.

Mappings load as :class:`LineDict`, a plain ``dict`` that also knows the line it
started on and the line of each key, so that a problem found long after parsing
can still be reported as ``file:line``. Only YAML's safe subset is accepted: no
tags that build Python objects, ever.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .errors import FormulaError, Problem

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class LineDict(dict):
    """A dict with ``line`` (1-based, where the mapping starts) and ``key_lines``."""

    __slots__ = ("line", "key_lines")

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 5× faster
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(name, line, f"malformed YAML: {what}")


MAX_DEPTH = 200
_OPENERS = ("[", "{", "- ", "? ", "-\n", "-\t")


def _too_deep(text: str) -> bool:
    """True if collections nest more than MAX_DEPTH levels.

    libyaml's composer recurses in C: "[" * 50_000 crashes the process with a
    segmentation fault before Python's recursion limit can say anything. A
    document that deep needs thousands of openers (block mappings need an
    indent per level, which 2 MB cannot hold that deep), so the event scan, in C
    and without recursion, runs only when the openers are that many; the rule
    files have a few hundred.
    """
    if sum(text.count(o) for o in _OPENERS) < 5000:
        return False
    depth = 0
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, ValueError):  # ValueError: text libyaml cannot encode (a surrogate)
        return False  # the loader reports it with its line
    return False


def loads(text: str, name: str = "<input>") -> object:
    """Parse YAML (JSON is a subset) text; raise :class:`FormulaError` with the line."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise FormulaError([Problem(name, None, f"document larger than {MAX_DOCUMENT_BYTES} bytes")])
    if _too_deep(text):
        raise FormulaError([Problem(name, None, f"malformed YAML: collections nested more "
                                                f"than {MAX_DEPTH} levels deep")])
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.YAMLError as exc:
        raise FormulaError([_yaml_problem(name, exc)]) from None
    except (RecursionError, ValueError, OverflowError) as exc:
        raise FormulaError([Problem(name, None, f"malformed YAML: {exc}")]) from None


def load_path(path: str | Path) -> object:
    """Read a YAML or JSON file; every failure is a :class:`FormulaError` naming the file."""
    p = Path(path)
    name = str(path)
    try:
        if p.stat().st_size > MAX_DOCUMENT_BYTES:
            raise FormulaError([Problem(name, None, f"file larger than {MAX_DOCUMENT_BYTES} bytes")])
        raw = p.read_bytes()
    except OSError as exc:
        raise FormulaError([Problem(name, None, f"cannot read file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormulaError([Problem(name, None, f"not UTF-8 text (byte {exc.start})")]) from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormulaError([Problem(name, exc.lineno, f"malformed JSON: {exc.msg}")]) from None
        except RecursionError:
            raise FormulaError([Problem(name, None, "malformed JSON: nested too deeply")]) from None
    return loads(text, name)
