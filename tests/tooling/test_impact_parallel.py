"""rules impact over several processes (issue 19): the designs split into consecutive
slices, each checked and compared in a forked process of its own, the comparisons merged.
The merged report is the one one process gives, on the shipped rules against a candidate
with an edited rule (verdicts, findings added, removed and changed); a worker that dies
or fails is an error, not a hang; the progress bar still counts every design."""

from __future__ import annotations

import os
import random

import pytest

from configurator.engine import parse_formula
from configurator.tooling import impact as impact_mod
from configurator.tooling.impact import WorkerDied, _check_all, impact
from tests.tooling.helpers import lowered_phenoxyethanol, phenoxyethanol_formulas
from tests.tooling.test_impact_bulk import RS, random_doc

pytestmark = pytest.mark.skipif(not impact_mod._can_fork(), reason="no fork on this platform")


@pytest.fixture(scope="module")
def candidate(tmp_path_factory):
    """The shipped rules with Phenoxyethanol's limit lowered (1.0 -> 0.5)."""
    return lowered_phenoxyethanol(tmp_path_factory.mktemp("impact-parallel") / "candidate")


def designs(n: int, seed: int) -> tuple[list[dict], list]:
    rnd = random.Random(seed)
    formulas = [parse_formula(random_doc(rnd)) for _ in range(n)]
    formulas += phenoxyethanol_formulas(5)
    items = [{"design": 1000 + i, "name": f"d{i}", "revision": 1 + i % 3, "status": "draft",
              "archived": False} for i in range(len(formulas))]
    return items, formulas


def same_report(a: dict, b: dict) -> None:
    a, b = dict(a), dict(b)
    a.pop("seconds")
    b.pop("seconds")
    assert a == b


@pytest.fixture
def forks(monkeypatch):
    """Counts the runs that did fork (so a test knows its report is a merged one)."""
    calls = []
    real = impact_mod._forked

    def counted(*args, **kw):
        calls.append(args[6])  # (items, formulas, old_rs, new_rs, stored, progress, workers, …)
        return real(*args, **kw)

    monkeypatch.setattr(impact_mod, "_forked", counted)
    return calls


def test_two_processes_give_the_one_process_report(candidate, forks):
    """At the command's own threshold and worker count (2): the very same report."""
    items, formulas = designs(impact_mod.PARALLEL_MIN, 11)
    one = impact(items, formulas, RS, candidate)
    assert not forks
    two = impact(items, formulas, RS, candidate, workers=2)
    assert forks == [2]
    same_report(one, two)
    assert one["verdict_changes"] and one["designs_changed"] > len(one["verdict_changes"])
    assert any(e["changed"] for g in one["groups"] for e in g["designs"])  # rule edited
    assert any(e["added"] for g in one["groups"] for e in g["designs"])
    assert any(g["verdict_changes"] and len(g["designs"]) > 1 for g in one["groups"])


def test_any_split_gives_the_one_process_report(candidate, forks, monkeypatch):
    """Three processes, the stored side (no old rule set), the same set on both sides, and
    a design listed twice across the slices: merged as one process compares."""
    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 200)
    items, formulas = designs(900, 12)
    items[700] = dict(items[700], design=items[100]["design"])  # listed twice
    fake = ("warning", "gone", "no-such-rule", ())
    stored = [(not v, k[1:]) if i % 9 == 0 else (v, sorted(k + [fake])) if i % 7 == 0 else (v, k)
              for i, (v, k) in enumerate(_check_all(formulas, RS, None)[0])]
    for old_rs, new_rs, st in ((RS, candidate, None), (None, candidate, stored),
                               (RS, RS, None)):
        one = impact(items, formulas, old_rs, new_rs, st)
        if st is not None:
            assert any(e["removed"] for g in one["groups"] for e in g["designs"])
        for w in (2, 3):
            got = impact(items, formulas, old_rs, new_rs, st, workers=w)
            same_report(one, got)
    assert forks == [2, 3] * 3


def test_progress_counts_every_design_once(candidate, monkeypatch):
    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 200)
    items, formulas = designs(600, 13)
    got = []
    impact(items, formulas, RS, candidate, progress=got.append, workers=2)
    assert sum(got) == 2 * 2 * len(formulas)  # two passes of two stages, as run_impact's bar


def test_below_the_threshold_or_with_one_worker_no_fork(candidate, forks):
    items, formulas = designs(300, 14)
    impact(items, formulas, RS, candidate, workers=2)
    impact(items, formulas, RS, candidate, workers=1)
    assert not forks


def test_a_worker_that_dies_is_an_error_not_a_hang(candidate, monkeypatch):
    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 200)
    parent = os.getpid()
    real = impact_mod._compared

    def dies(*args, **kw):
        if os.getpid() != parent:
            os._exit(7)  # as a worker killed by the system would, with no word
        return real(*args, **kw)

    monkeypatch.setattr(impact_mod, "_compared", dies)
    items, formulas = designs(600, 15)
    with pytest.raises(WorkerDied, match=r"designs 311-620 of 620 stopped .*exit code 7"):
        impact(items, formulas, RS, candidate, workers=2)


def test_a_worker_that_fails_tells_why(candidate, monkeypatch):
    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 200)
    parent = os.getpid()
    real = impact_mod._compared

    def fails(*args, **kw):
        if os.getpid() != parent:
            raise ValueError("no such column")
        return real(*args, **kw)

    monkeypatch.setattr(impact_mod, "_compared", fails)
    items, formulas = designs(600, 16)
    with pytest.raises(WorkerDied, match="failed: ValueError: no such column"):
        impact(items, formulas, RS, candidate, workers=2)


def test_the_command_uses_at_most_two_processes(monkeypatch):
    for cpus, want in ((None, 1), (1, 1), (2, 2), (64, 2)):
        monkeypatch.setattr(os, "cpu_count", lambda cpus=cpus: cpus)
        assert impact_mod.default_workers() == want


def test_documents_parsed_in_the_slices_give_the_parse_first_report(candidate, forks,
                                                                      monkeypatch):
    """The command reads the stored documents and each worker parses its own slice
    (``documents=True``): the report is the one of parsing first, the unreadable
    documents listed with their problem (in design order) and left out of the check, the
    progress bar still counting every design's passes."""
    from configurator.errors import ConfiguratorError

    monkeypatch.setattr(impact_mod, "PARALLEL_MIN", 200)
    items, formulas = designs(700, 15)
    docs = [f.to_document() for f in formulas]
    for i in (3, 350, 351, 699):  # unreadable, in both halves
        docs[i] = {"product_type": "serum", "ingredients": [{"inci": "Aqua", "percent": 250}]}
    keep = [i for i in range(len(docs)) if i not in (3, 350, 351, 699)]
    want = impact([items[i] for i in keep], [formulas[i] for i in keep], RS, candidate)
    for w in (1, 2, 3):
        got_progress: list[int] = []
        got = impact(items, docs, RS, candidate, progress=got_progress.append, workers=w,
                     documents=True)
        unreadable = got.pop("unreadable")
        same_report(want, got)
        assert [u["design"] for u in unreadable] == [items[i]["design"] for i in (3, 350, 351, 699)]
        for u in unreadable:
            with pytest.raises(ConfiguratorError) as exc:
                parse_formula(docs[[it["design"] for it in items].index(u["design"])],
                              f"design {u['design']} revision {u['revision']}")
            assert u["problem"] == str(exc.value)
        assert sum(got_progress) == 2 * 2 * len(docs)
    assert forks == [2, 3]
