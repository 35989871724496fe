"""The programme's reads, by area; every selector is importable from here."""

from .attendance import (
    AttendanceFigures,
    SessionAttendanceRow,
    attendance_summary,
    session_attendance_counts,
    session_attendance_history,
    session_attendance_rows,
)

__all__ = [
    "AttendanceFigures",
    "SessionAttendanceRow",
    "attendance_summary",
    "session_attendance_counts",
    "session_attendance_history",
    "session_attendance_rows",
]
