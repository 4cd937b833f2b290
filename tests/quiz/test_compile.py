"""The quiz section is compiled against the rule set: every reference resolves, or file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from configurator.errors import RuleSetError
from configurator.quiz import Quiz
from configurator.quiz import load_with_quiz as load_rules
from tests.conftest import ROOT

GOOD = """\
quiz:
  title: Mini quiz
  questions:
    - id: skin-type
      text: Skin type?
      options:
        - {id: dry, label: Dry, says: dry skin}
        - {id: oily, label: Oily, says: oily skin}
    - id: concerns
      text: Concerns?
      multiple: true
      max_choices: 2
      options:
        - {id: acne, label: Acne, says: breakouts}
        - {id: redness, label: Redness, says: redness}
  constraints:
    - constraint: sensitive-skin
      when: {concerns: [redness]}
      reason: Gentle.
  vehicles:
    - id: gel
      name: Gel serum
      product_type: serum
      base: light-gel
      reason: Light.
      points: {skin-type: {oily: 2}}
  slots:
    - id: pores
      name: Pores
      when: {skin-type: {oily: 2}, concerns: {acne: 1}}
      candidates:
        - ingredient: niacinamide          # a catalog id resolves like the INCI name
          strengths: [5, 4]
          reason: Sebum.
"""


def load_with(tmp_path: Path, quiz_text: str):
    """The shipped rules with rules/quiz.yaml replaced."""
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root, ignore=shutil.ignore_patterns("tests"))
    (root / "quiz.yaml").write_text(quiz_text)
    return load_rules(root)


def problems(tmp_path: Path, quiz_text: str) -> list[str]:
    with pytest.raises(RuleSetError) as exc:
        load_with(tmp_path, quiz_text)
    return [str(p) for p in exc.value.problems]


def test_shipped_quiz_compiles(rules):
    q = rules.quiz
    assert isinstance(q, Quiz)
    assert [x.id for x in q.questions] == ["skin-type", "concerns", "sensitivities", "pregnancy",
                                           "age", "climate", "texture", "fragrance", "budget"]
    for v in q.vehicles:
        assert v.product_type in rules.product_types and v.base in rules.bases
    for s in q.slots:
        for c in s.candidates:
            assert c.ingredient in rules.ingredients


def test_good_mini_quiz(tmp_path):
    rs = load_with(tmp_path, GOOD)
    assert rs.quiz.slots[0].candidates[0].ingredient == "niacinamide"
    assert rs.quiz.slots[0].when == (("skin-type", (("oily", 2.0),)), ("concerns", (("acne", 1.0),)))


@pytest.mark.parametrize("old,new,expected", [
    ("ingredient: niacinamide", "ingredient: Unobtainium", "quiz.yaml:32: quiz: unknown ingredient 'Unobtainium'"),
    ("base: light-gel", "base: no-such-base", "quiz.yaml:24: quiz: unknown base 'no-such-base'"),
    ("product_type: serum", "product_type: potion", "quiz.yaml:23: quiz: unknown product type 'potion'"),
    ("constraint: sensitive-skin", "constraint: halal", "quiz.yaml:17: quiz: unknown constraint 'halal'"),
    ("when: {concerns: [redness]}", "when: {concerns: [wrinkles]}", "quiz.yaml:18: quiz: 'wrinkles' is not an answer of question 'concerns'"),
    ("points: {skin-type: {oily: 2}}", "points: {mood: {oily: 2}}", "quiz.yaml:26: quiz: unknown question 'mood'"),
    ("strengths: [5, 4]", "strengths: [4, 5]", "quiz.yaml:33: quiz: `strengths` must be listed strongest first"),
    ("strengths: [5, 4]", "strengths: [12, 4]", "quiz.yaml:33: quiz: Niacinamide at 12 % is outside its usual use level (2–10 %)"),
    ("base: light-gel", "base: rich-night-cream", "quiz.yaml:24: quiz: base 'rich-night-cream' is not meant for product type 'serum'"),
    ("reason: Light.", "reason: Light.\n      colour: blue", "quiz.yaml:26: quiz: unknown field 'colour' in a vehicle"),
    ("    - id: concerns", "    - id: skin-type", "quiz.yaml:9: quiz: duplicate question id 'skin-type'"),
    ("      max_choices: 2", "      max_choices: 0", "quiz.yaml:12: quiz: `max_choices` must be a whole number from 1"),
])
def test_problems_name_the_file_and_line(tmp_path, old, new, expected):
    assert GOOD.count(old) == 1
    found = problems(tmp_path, GOOD.replace(old, new))
    assert any(p.startswith(expected) for p in found), found


def test_quiz_in_two_files_is_a_problem(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root, ignore=shutil.ignore_patterns("tests"))
    (root / "quiz2.yaml").write_text(GOOD)
    with pytest.raises(RuleSetError) as exc:
        load_rules(root)
    assert any("more than one file" in str(p) for p in exc.value.problems)


def test_unless_needs_its_reason(tmp_path):
    text = GOOD.replace("          reason: Sebum.", "          reason: Sebum.\n"
                        "          unless: {concerns: [redness]}")
    found = problems(tmp_path, text)
    assert any("missing `unless_reason`" in p for p in found), found
