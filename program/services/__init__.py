"""The programme's writes, by area; every service is importable from here."""

from .grading import (
    CohortCloseResult,
    cohort_close,
    grade_override_create,
    peer_rating_save,
    presentation_score_save,
)

__all__ = [
    "CohortCloseResult",
    "cohort_close",
    "grade_override_create",
    "peer_rating_save",
    "presentation_score_save",
]
