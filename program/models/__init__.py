"""The programme's models, by concern; every model is importable from here."""

from .cohorts import Cohort, CohortNomination, Participant, PresentingTeam
from .pages import ProgrammeCluster, ProgrammeCourse, ProgrammePage
from .sessions import Attendance, CohortSession

__all__ = [
    "Attendance",
    "Cohort",
    "CohortNomination",
    "CohortSession",
    "Participant",
    "PresentingTeam",
    "ProgrammeCluster",
    "ProgrammeCourse",
    "ProgrammePage",
]
