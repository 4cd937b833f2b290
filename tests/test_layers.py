"""No layer cycles (issue 13): the engine and the rules never reach up into the app.

Every module's imports are read with ``ast`` (function-level imports too, since a
lazy import is still a dependency), relative imports resolved. The engine and
the rules must not import the web app, the store, the spec sheet, the quiz or
the tooling; the rules must not import the engine either (the finding types both
use live in configurator/findings.py); the tooling must not import the web app.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "configurator"

STORE = ("configurator.store",)  # models, db, migrations, backup, the design operations
FORBIDDEN = {
    "configurator.engine": ("configurator.web", "configurator.specsheet", "configurator.quiz",
                            "configurator.tooling", *STORE),
    "configurator.rules": ("configurator.web", "configurator.specsheet", "configurator.quiz",
                           "configurator.tooling", "configurator.engine", *STORE),
    "configurator.tooling": ("configurator.web",),
}

# Violations tolerated for now (none since issue 13); the test fails on any new one, and on
# a listed one that is gone (so this list only shrinks).
KNOWN: set[tuple[str, str]] = set()


def _module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code, as absolute names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from . import db` imports the module configurator.store.db (a name, not a module,
            # is only an attribute of `base`)
            found.update(f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}"))
    return found


def violations() -> set[tuple[str, str]]:
    bad = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        for layer, banned in FORBIDDEN.items():
            if name != layer and not name.startswith(layer + "."):
                continue
            for target in imports_of(path):
                if any(target == b or target.startswith(b + ".") for b in banned):
                    bad.add((name, target))
    return bad


def test_the_import_reader_sees_lazy_and_relative_imports():
    got = imports_of(PACKAGE / "cli.py")  # its command functions import lazily
    assert {"configurator.rules", "configurator.engine", "configurator.errors"} <= got


def test_no_new_layer_violation():
    found = violations()
    new = found - KNOWN
    assert not new, f"new layer violations (module, import): {sorted(new)}"


def test_the_known_list_only_shrinks():
    gone = KNOWN - violations()
    assert not gone, f"fixed, remove from KNOWN: {sorted(gone)}"
