"""Fixtures for the rule-tooling tests: the real CLI in-process, a copy of the shipped rules."""

from __future__ import annotations

import shutil

import pytest

from configurator.cli import main
from tests.tooling.helpers import RULES


@pytest.fixture
def cli(capsys):
    """Run ``configurator ARGS`` in-process; return (exit status, stdout, stderr)."""

    def _cli(*args: object):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _cli


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of the shipped rules/ (without the regression cases) to edit."""
    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst, ignore=shutil.ignore_patterns("tests"))
    return dst
