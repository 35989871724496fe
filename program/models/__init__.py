"""The programme's models, by concern; every model is importable from here."""

from .cohorts import Cohort, Participant, PresentingTeam
from .followup import FollowupRequest
from .pages import ProgrammeCluster, ProgrammeCourse, ProgrammePage
from .sessions import Attendance, CohortSession

__all__ = [
    "Attendance",
    "Cohort",
    "CohortSession",
    "FollowupRequest",
    "Participant",
    "PresentingTeam",
    "ProgrammeCluster",
    "ProgrammeCourse",
    "ProgrammePage",
]
