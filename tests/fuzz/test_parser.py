"""The formula parser on anything (issue 7): only FormulaError/ConfiguratorError may escape.

Generated documents (contract §1 shapes with hostile leaves), YAML/JSON texts
(dumped documents, tags, aliases, fragments with junk inserted) and raw bytes
from a file. Whatever comes in, the answer is a Formula or a FormulaError whose
problems each carry a message; never another exception, never a hang.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine import parse_formula
from configurator.errors import ConfiguratorError, FormulaError
from configurator.yamlio import load_path, loads
from tests.fuzz.strategies import formula_docs, yaml_texts

FAST = settings(max_examples=500, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def parse_any(obj, name="<fuzz>"):
    try:
        return parse_formula(obj, name)
    except FormulaError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        assert len(str(exc)) < 50_000, "a problem message echoes a huge value"
        return None


@FAST
@given(formula_docs())
def test_parser_on_generated_documents(doc):
    parse_any(doc)


@FAST
@given(yaml_texts())
def test_yaml_loader_and_parser_on_texts(text):
    try:
        obj = loads(text, "fuzz.yaml")
    except FormulaError as exc:
        assert all("fuzz.yaml" == p.file for p in exc.problems)
        return
    parse_any(obj)


@settings(FAST, max_examples=300)
@given(st.binary(max_size=400) | yaml_texts().map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_files_of_raw_bytes(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "fuzz-formula.yaml"
    path.write_bytes(data)
    try:
        obj = load_path(path)
    except ConfiguratorError as exc:
        assert str(path) in str(exc)
        return
    parse_any(obj, str(path))
