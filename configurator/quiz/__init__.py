"""The skin quiz (issue 5): R&D's questions and mappings, and the personalizer.

``rules/quiz.yaml`` holds the quiz as data; the loader keeps it as written
(``RuleSet.quiz_source``) and :func:`with_quiz` compiles it against the rule
set (``RuleSet.quiz`` of the set it returns); :func:`load_with_quiz` loads a
folder and compiles its quiz. :func:`personalize` turns a client's answers
into a starting design.
"""

from .answers import AnswerError, describe, normalise
from .compile import compile_quiz, load_with_quiz, with_quiz
from .model import Quiz
from .personalize import Choice, LeftOut, PersonalizeError, Proposal, personalize

__all__ = ["AnswerError", "Choice", "LeftOut", "PersonalizeError", "Proposal", "Quiz",
           "compile_quiz", "describe", "load_with_quiz", "normalise", "personalize", "with_quiz"]
