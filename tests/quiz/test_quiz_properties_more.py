"""The second 5,000 of the 10,000 hypothesis answer sets (issue 5; see test_quiz_properties).

A file of its own so that the suite's two workers (a file per worker at a time) each
draw half.
"""

from __future__ import annotations

from tests.quiz.test_quiz_properties import HALF, draw_answer_sets


def test_hypothesis_answer_sets_second_draw(rules):
    draw_answer_sets(rules, HALF)
