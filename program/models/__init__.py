"""The programme's models, by concern; every model is importable from here."""

from .assessment import (
    CohortAssessor,
    GradeOverride,
    PeerRating,
    PresentationScore,
    PresentationScoreItem,
    RubricCriterion,
    RubricLevel,
)
from .cohorts import Cohort, Participant, PresentingTeam
from .pages import ProgrammeCluster, ProgrammeCourse, ProgrammePage
from .sessions import Attendance, CohortSession

__all__ = [
    "Attendance",
    "Cohort",
    "CohortAssessor",
    "CohortSession",
    "GradeOverride",
    "Participant",
    "PeerRating",
    "PresentationScore",
    "PresentationScoreItem",
    "PresentingTeam",
    "ProgrammeCluster",
    "ProgrammeCourse",
    "ProgrammePage",
    "RubricCriterion",
    "RubricLevel",
]
