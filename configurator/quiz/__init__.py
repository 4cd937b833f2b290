"""The skin quiz (issue 5): R&D's questions and mappings, and the personalizer.

``rules/quiz.yaml`` holds the quiz as data; the loader calls
:func:`compile_quiz` on it and keeps the result in ``RuleSet.quiz``.
:func:`personalize` turns a client's answers into a starting design.
"""

from .answers import AnswerError, describe, normalise
from .compile import compile_quiz
from .model import Quiz
from .personalize import Choice, LeftOut, PersonalizeError, Proposal, personalize

__all__ = ["AnswerError", "Choice", "LeftOut", "PersonalizeError", "Proposal", "Quiz",
           "compile_quiz", "describe", "normalise", "personalize"]
