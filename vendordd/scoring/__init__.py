"""Pure scoring: a questionnaire definition, checked answers and a context in, a ScoreResult out."""

from vendordd.scoring.context import Context
from vendordd.scoring.engine import ENGINE_VERSION, score
from vendordd.scoring.result import DomainScore, Hit, QuestionScore, ScoreResult

__all__ = [
    "ENGINE_VERSION",
    "Context",
    "DomainScore",
    "Hit",
    "QuestionScore",
    "ScoreResult",
    "score",
]
