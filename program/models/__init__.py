"""The programme's models, by concern; every model is importable from here."""

from .cohorts import Cohort, Participant, PresentingTeam
from .pages import ProgrammeCluster, ProgrammeCourse, ProgrammePage
from .sessions import Attendance, CohortSession
from .timetable import CalendarFeed, SessionReminder

__all__ = [
    "Attendance",
    "CalendarFeed",
    "Cohort",
    "CohortSession",
    "Participant",
    "PresentingTeam",
    "ProgrammeCluster",
    "ProgrammeCourse",
    "ProgrammePage",
    "SessionReminder",
]
