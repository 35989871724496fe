"""The programme's write paths, by area; every service is importable from here."""

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
from .participant_reports import (
    ReportError,
    participant_report_import,
    report_line_resolve,
)

__all__ = [
    "CheckinError",
    "CheckinResult",
    "Mark",
    "MarkingError",
    "ReportError",
    "attendance_check_in",
    "attendance_check_in_with_token",
    "attendance_mark_many",
    "checkin_codes",
    "checkin_key_get_or_create",
    "checkin_window",
    "checkin_window_error",
    "participant_report_import",
    "report_line_resolve",
    "session_for_code",
]
