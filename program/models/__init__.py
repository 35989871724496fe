"""The programme's models, by concern; every model is importable from here."""

from .attendance import (
    AttendanceChange,
    ParticipantReport,
    ParticipantReportLine,
    SessionCheckinKey,
)
from .cohorts import Cohort, Participant, PresentingTeam
from .pages import ProgrammeCluster, ProgrammeCourse, ProgrammePage
from .sessions import Attendance, CohortSession

__all__ = [
    "Attendance",
    "AttendanceChange",
    "Cohort",
    "CohortSession",
    "Participant",
    "ParticipantReport",
    "ParticipantReportLine",
    "PresentingTeam",
    "ProgrammeCluster",
    "ProgrammeCourse",
    "ProgrammePage",
    "SessionCheckinKey",
]
