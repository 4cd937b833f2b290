"""store/tables.py names the columns `rules impact` reads and writes without the models: each
must be the model's column, of the same type, and the command must run without importing
the models (or SQLModel, or SQLAlchemy's ORM), which is what the second copy is for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import JSON, TypeDecorator

from configurator.store import tables
from configurator.store.models import SQLModel

ROOT = Path(__file__).resolve().parents[2]


def kind(t) -> type:
    """A column type's class, through a decorator (SQLModel's AutoString is a String)."""
    return type(t.impl) if isinstance(t, TypeDecorator) else type(t)


def test_every_core_column_is_the_model_column_of_the_same_type():
    seen = 0
    for light in (tables.DESIGNS, tables.REVISIONS, tables.IMPACT_RUNS):
        model = SQLModel.metadata.tables[light.name]
        for col in light.columns:
            assert col.name in model.columns, f"{light.name}.{col.name} is not in the model"
            want = model.columns[col.name].type
            # the same kind of type: values converted alike (booleans and JSON on SQLite,
            # times); SQLModel's AutoString is a String
            assert kind(col.type) is kind(want), \
                f"{light.name}.{col.name}: {col.type!r} here, {want!r} in the model"
            if isinstance(col.type, JSON):
                assert isinstance(want, JSON)
            seen += 1
    assert seen == 18


def test_rules_impact_runs_and_saves_without_the_models(tmp_path):
    """The command's path, in a fresh interpreter: the run is saved and read back through
    the models (the app's view of it), and neither the models nor SQLModel were imported.
    (An empty store: the read of saved designs through these tables is test_impact_db's.)"""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code = f"""
import json, sys
from configurator.tooling.impact import run_impact
rep = run_impact({url!r}, None, progress=False)
print(json.dumps({{"run_id": rep["run_id"], "checked": rep["designs_checked"],
                   "loaded": sorted(m for m in ("sqlmodel", "sqlalchemy.orm",
                                                "configurator.store.models") if m in sys.modules)}}))
"""
    from configurator.store import db

    engine = db.make_engine(url)
    db.upgrade(engine)  # (Alembic, at the first run, imports the models: the schema is there)
    engine.dispose()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["loaded"] == []
    from sqlmodel import Session

    from configurator.store.models import ImpactRun

    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            run = s.get(ImpactRun, got["run_id"])
            assert run is not None
            assert run.designs_checked == got["checked"] == 0
            assert run.report["designs_checked"] == 0
            assert run.created_at is not None and run.candidate_dir
    finally:
        engine.dispose()
