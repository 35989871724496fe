"""The programme's writes, by area; every service is importable from here."""

from .attendance import (
    CheckinError,
    CheckinResult,
    Mark,
    MarkingError,
    attendance_check_in,
    attendance_check_in_with_token,
    attendance_mark_many,
    checkin_codes,
    checkin_key_get_or_create,
    checkin_window,
    checkin_window_error,
    session_for_code,
)
from .grading import (
    CohortCloseResult,
    cohort_close,
    grade_override_create,
    peer_rating_save,
    presentation_score_save,
)
from .participant_reports import (
    ReportError,
    participant_report_import,
    report_line_resolve,
)
from .timetable import (
    SESSION_REMINDERS_SEND_TASK,
    calendar_feed_get_or_create,
    calendar_feed_regenerate,
    calendar_feed_revoke,
    session_reminder_email,
    session_reminders_fail,
    session_reminders_queue,
    session_reminders_send,
)

__all__ = [
    "SESSION_REMINDERS_SEND_TASK",
    "CheckinError",
    "CheckinResult",
    "CohortCloseResult",
    "Mark",
    "MarkingError",
    "ReportError",
    "attendance_check_in",
    "attendance_check_in_with_token",
    "attendance_mark_many",
    "calendar_feed_get_or_create",
    "calendar_feed_regenerate",
    "calendar_feed_revoke",
    "checkin_codes",
    "checkin_key_get_or_create",
    "checkin_window",
    "checkin_window_error",
    "cohort_close",
    "grade_override_create",
    "participant_report_import",
    "peer_rating_save",
    "presentation_score_save",
    "report_line_resolve",
    "session_for_code",
    "session_reminder_email",
    "session_reminders_fail",
    "session_reminders_queue",
    "session_reminders_send",
]
