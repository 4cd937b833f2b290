"""The command line's wiring: one exit-status table, one ``--rules``, lazy imports (issue 13)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from configurator.cli import COMMANDS, build_parser, main
from tests.conftest import ROOT

FORMULA = ("product_type: toner\nbase: toner\ntarget_ph: 3.8\n"
           "ingredients:\n  - {inci: Lactic Acid, percent: 5}\n")


@pytest.fixture
def formula(tmp_path):
    path = tmp_path / "toner.yaml"
    path.write_text(FORMULA)
    return path


@pytest.fixture
def broken(tmp_path):
    """A rules folder that does not load: its one file names an unknown rule kind."""
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "r.yaml").write_text("rules: [{id: x, kind: nonsense}]\n")
    return folder


def _run(capsys, *args) -> tuple[int, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    return code, capsys.readouterr().err


def test_the_same_broken_folder_exits_as_the_table_says(capsys, tmp_path, formula, broken):
    # rules check: the folder is its subject, its problems are findings (1), file:line
    code, err = _run(capsys, "rules", "check", broken)
    assert code == 1 and "r.yaml:1:" in err and "Traceback" not in err
    # every command that uses the folder cannot do its job: unreadable input (2), same file:line
    for args in (("check", formula), ("repair", formula), ("catalog",), ("rules", "test"),
                 ("rules", "docs", "-o", tmp_path / "docs")):
        code, err = _run(capsys, *args, "--rules", broken)
        assert (code, "r.yaml:1:" in err) == (2, True), (args, code, err)
    # rules diff: a NEW side that does not load is unreadable input (2); an OLD one (a
    # revision from before a stricter lint) is compared as written, its file:line named
    code, err = _run(capsys, "rules", "diff", ROOT / "rules", broken)
    assert code == 2 and "r.yaml:1:" in err
    assert main(["rules", "diff", str(broken), str(ROOT / "rules")]) == 0
    assert "r.yaml:1:" in capsys.readouterr().out
    assert not (tmp_path / "docs").exists()


def test_missing_inputs_and_usage_errors_exit_2(capsys, tmp_path, formula):
    code, err = _run(capsys, "rules", "check", tmp_path / "nope")
    assert code == 2 and "nope is not a folder" in err
    code, err = _run(capsys, "check", formula, "--rules", tmp_path / "nope")
    assert code == 2 and "nope" in err
    assert _run(capsys, "check")[0] == 2  # no FILE
    assert _run(capsys, "rules", "nonsense")[0] == 2
    assert _run(capsys, "check", formula, "--format", "xml")[0] == 2


def test_ok_is_0_and_error_findings_are_1(capsys, tmp_path, formula):
    assert _run(capsys, "check", formula)[0] == 0
    over = tmp_path / "over.yaml"
    over.write_text(FORMULA.replace("percent: 5", "percent: 40"))
    assert _run(capsys, "check", over)[0] == 1


def test_every_command_is_in_the_table_and_runs_something():
    """``build_parser()`` adds every command's options; each leaf names its function."""
    parser = build_parser()
    seen = set()
    for cmd in COMMANDS:
        if cmd.adds is None:
            continue
        args = {("check",): ["check", "f"], ("repair",): ["repair", "f"],
                ("specsheet",): ["specsheet", "f", "-o", "x.pdf"],
                ("users",): ["users", "add", "a@b.c"], ("db",): ["db", "upgrade"],
                ("rules", "diff"): ["rules", "diff", "a", "b"],
                ("rules", "docs"): ["rules", "docs", "-o", "d"],
                ("rules", "import-cosing"): ["rules", "import-cosing", "d"]}
        ns = parser.parse_args(args.get(cmd.words, list(cmd.words)))
        assert callable(ns.func), cmd
        seen.add(ns.func.__name__)
    assert len(seen) >= 14


def test_one_rules_option_definition():
    """Only configurator/cli.py spells ``--rules``; every other module calls add_rules_opt."""
    spelled = []
    for path in (ROOT / "configurator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument"
                    and any(isinstance(a, ast.Constant) and a.value == "--rules"
                            for a in node.args)):
                spelled.append(path.relative_to(ROOT).as_posix())
    assert spelled == ["configurator/cli.py"]
    parser = build_parser()
    for words in (["check", "f"], ["catalog"], ["specsheet", "f", "-o", "p"], ["rules", "test"],
                  ["rules", "docs", "-o", "d"], ["rules", "coverage"], ["rules", "impact"],
                  ["rules", "import-cosing", "d"]):
        assert parser.parse_args([*words, "--rules", "R"]).rules == "R", words


PROBE = """
import json, sys
from configurator.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"flask", "sqlmodel", "sqlalchemy",
               "weasyprint"} or m.startswith(("configurator.web", "configurator.specsheet",
                                              "configurator.tooling")))
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize("args", [["--help"], ["check", "{formula}"],
                                  ["check", "{formula}", "--format", "json"],
                                  ["rules", "--help"], ["rules", "check", "--help"]])
def test_check_and_help_import_no_web_stack_nor_weasyprint(formula, args):
    """A fresh process: what ``configurator check`` and ``--help`` leave in ``sys.modules``."""
    argv = [a.format(formula=formula) for a in args]
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, proc.stderr
    assert result["heavy"] == [], result["heavy"]


def test_the_web_commands_still_load_their_stack():
    proc = subprocess.run([sys.executable, "-c", PROBE, "users", "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0 and "configurator.web.cli" in result["heavy"]


LIGHT = """
import json, sys
from configurator.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
web = {"flask", "flask_wtf", "flask_login", "wtforms", "werkzeug", "sqlmodel", "sqlalchemy",
       "alembic", "psycopg", "gunicorn", "weasyprint"}
unused = {"numpy", "scipy", "pint", "cel", "rapidfuzz"}  # bulk, repair, units, CEL, did-you-mean
got = sorted({m.split(".")[0] for m in sys.modules} & (web | unused))
ours = sorted(m for m in sys.modules if m.startswith(("configurator.web", "configurator.store",
                                                      "configurator.specsheet", "configurator.quiz",
                                                      "configurator.tooling")))
print(json.dumps({"code": code, "heavy": got + ours}))
"""


@pytest.mark.parametrize("args", [["--help"], ["check", "{formula}"],
                                  ["check", "{formula}", "--format", "json"]])
def test_check_imports_only_what_it_uses(formula, args):
    """Issue 13: beyond the web stack (flask, wtforms, sqlmodel/sqlalchemy, alembic) and
    WeasyPrint, a check imports neither numpy (the bulk checker), scipy (the repair), pint
    (units), CEL nor rapidfuzz (did-you-mean), nor the store or the quiz: this formula is in
    percentages and every name in it is in the catalog."""
    argv = [a.format(formula=formula) for a in args]
    proc = subprocess.run([sys.executable, "-c", LIGHT, *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, proc.stderr
    assert result["heavy"] == [], result["heavy"]
