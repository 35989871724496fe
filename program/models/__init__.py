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
from .attendance import (
    AttendanceChange,
    ParticipantReport,
    ParticipantReportLine,
    SessionCheckinKey,
)
from .cohorts import (
    Cohort,
    CohortNomination,
    Participant,
    PresentingTeam,
)
from .followup import (
    FollowupRequest,
)
from .pages import (
    ProgrammeCluster,
    ProgrammeCourse,
    ProgrammePage,
)
from .sessions import (
    Attendance,
    CohortSession,
)
from .timetable import (
    CalendarFeed,
    SessionReminder,
)

__all__ = [
    "Attendance",
    "AttendanceChange",
    "CalendarFeed",
    "Cohort",
    "CohortAssessor",
    "CohortNomination",
    "CohortSession",
    "FollowupRequest",
    "GradeOverride",
    "Participant",
    "ParticipantReport",
    "ParticipantReportLine",
    "PeerRating",
    "PresentationScore",
    "PresentationScoreItem",
    "PresentingTeam",
    "ProgrammeCluster",
    "ProgrammeCourse",
    "ProgrammePage",
    "RubricCriterion",
    "RubricLevel",
    "SessionCheckinKey",
    "SessionReminder",
]
