"""Hostile input at scale (issue 7): >= 100,000 generated inputs, 0 server errors, 0 tracebacks.

Run: .venv/bin/python benchmarks/bench_fuzz.py [--scale 1.0]
Uses the generators of tests/fuzz/strategies.py through Hypothesis (generate
phase only: every example is new; nothing stops at the first failure, each one
is counted and the first few are printed) and the Flask test client in process:

* parser:  generated contract §1 documents with hostile leaves -> parse_formula,
           and each dumped to YAML -> yamlio.loads + parse_formula   (2 inputs each)
           plus YAML texts (fragments, tags, aliases, junk)           (1 input each)
* engine:  well-formed formulas over the real catalog -> check; the report must be
           well-formed (contract keys, JSON without NaN, finite percentages)
* forms:   editor form posts (fields missing, repeated, extra, hostile values)
           -> the editor (Check), live validation, catalog advice     (3 inputs each)
           and login posts                                            (1 input each)
* API:     documents -> POST /api/v1/validate, POST /api/v1/designs,
           PUT /api/v1/designs/<id> with a generated revision          (3 inputs each)

A "500" is an answer >= 500 or an exception escaping the app (TESTING lets it
escape, it would be a 500 in production); a "traceback" is a body holding one, an
API error without {error, details}, or, for the parser and the engine, any
exception other than FormulaError/ConfiguratorError.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from configurator.engine import check, parse_formula  # noqa: E402
from configurator.errors import ConfiguratorError  # noqa: E402
from configurator.yamlio import loads  # noqa: E402
from tests.fuzz.strategies import (  # noqa: E402
    RS,
    _jsonable,
    form_posts,
    formula_docs,
    hostile_values,
    valid_formulas,
    yaml_texts,
)
from tests.fuzz.webapp import Site  # noqa: E402


class Tally:
    def __init__(self, name: str):
        self.name, self.inputs, self.errors500, self.tracebacks = name, 0, 0, 0
        self.seconds, self.samples = 0.0, []

    def fail(self, kind: str, text: str) -> None:
        if kind == "500":
            self.errors500 += 1
        else:
            self.tracebacks += 1
        if len(self.samples) < 3:
            self.samples.append(text[-800:])


def run(n: int, strategy, body) -> None:
    settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
             suppress_health_check=list(HealthCheck))(given(strategy)(body))()


def parse_quietly(tally: Tally, obj, name: str) -> None:
    tally.inputs += 1
    try:
        parse_formula(obj, name)
    except ConfiguratorError:
        pass
    except Exception:
        tally.fail("traceback", traceback.format_exc())


def bench_parser(n: int) -> Tally:
    t = Tally("parser")

    def docs(doc):
        parse_quietly(t, doc, "fuzz")
        try:
            text = yaml.safe_dump(_jsonable(doc), allow_unicode=True)
        except Exception:  # a value safe_dump cannot write (a lone surrogate): JSON instead
            text = json.dumps(_jsonable(doc))
        t.inputs += 1
        try:
            parse_formula(loads(text, "fuzz.yaml"), "fuzz.yaml")
        except ConfiguratorError:
            pass
        except Exception:
            t.fail("traceback", traceback.format_exc())

    def texts(text):
        t.inputs += 1
        try:
            parse_formula(loads(text, "fuzz.yaml"), "fuzz.yaml")
        except ConfiguratorError:
            pass
        except Exception:
            t.fail("traceback", traceback.format_exc())

    start = time.perf_counter()
    run(n * 2 // 3, formula_docs(), docs)
    run(n // 3, yaml_texts(), texts)
    t.seconds = time.perf_counter() - start
    return t


def bench_engine(n: int) -> Tally:
    t = Tally("engine")

    def body(doc):
        t.inputs += 1
        try:
            d = check(parse_formula(doc), RS).to_dict()
            json.dumps(d, allow_nan=False)
            assert all(row["percent"] >= 0 for row in d["composition"])
            assert d["valid"] == (not any(f["severity"] == "error" for f in d["findings"]))
        except Exception:
            t.fail("traceback", traceback.format_exc())

    start = time.perf_counter()
    run(n, valid_formulas(), body)
    t.seconds = time.perf_counter() - start
    return t


def count(t: Tally, outcome) -> None:
    t.inputs += 1
    if outcome.failure:
        t.fail("500" if outcome.status >= 500 else "traceback", outcome.failure)


def bench_forms(site: Site, n: int) -> Tally:
    t = Tally("forms")

    def body(pairs, action):
        count(t, site.editor(pairs, action))
        count(t, site.preview(pairs))
        count(t, site.post_form(f"/designs/{site.design}/advice", pairs))

    def login(pairs):
        count(t, site.login(pairs))

    start = time.perf_counter()
    run(n * 9 // 10, st.tuples(form_posts(), st.sampled_from([None, "check"])),
        lambda args: body(*args))
    run(n // 10, st.lists(st.tuples(st.sampled_from(["email", "password", "csrf_token"]),
                                    st.text(max_size=300)), max_size=5), login)
    t.seconds = time.perf_counter() - start
    return t


def bench_api(site: Site, n: int) -> Tally:
    t = Tally("api")

    def body(args):
        doc, revision = args
        for kind in ("validate", "create", "update"):
            count(t, site.api(doc, kind, revision))

    start = time.perf_counter()
    run(n, st.tuples(formula_docs() | valid_formulas(), st.integers() | hostile_values()), body)
    t.seconds = time.perf_counter() - start
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = >= 100,000 inputs")
    args = ap.parse_args()
    k = args.scale
    site = Site()
    try:
        tallies = [bench_parser(int(30_000 * k)), bench_engine(int(10_000 * k)),
                   bench_forms(site, int(6_000 * k)), bench_api(site, int(8_000 * k))]
    finally:
        site.close()
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}")
    print(f"{'family':<8} {'inputs':>8} {'500s':>6} {'tracebacks':>11} {'seconds':>9} "
          f"{'inputs/s':>9}")
    for t in tallies:
        print(f"{t.name:<8} {t.inputs:>8} {t.errors500:>6} {t.tracebacks:>11} {t.seconds:>9.1f} "
              f"{t.inputs / t.seconds:>9.0f}")
    total = sum(t.inputs for t in tallies)
    bad = sum(t.errors500 + t.tracebacks for t in tallies)
    print(f"{'total':<8} {total:>8} {sum(t.errors500 for t in tallies):>6} "
          f"{sum(t.tracebacks for t in tallies):>11} {sum(t.seconds for t in tallies):>9.1f}")
    for t in tallies:
        for s in t.samples:
            print(f"--- {t.name} failure sample ---\n{s}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
