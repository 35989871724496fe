"""The programme's reads, by area; every selector is importable from here."""

from .attendance import (
    AttendanceFigures,
    SessionAttendanceRow,
    attendance_summary,
    session_attendance_counts,
    session_attendance_history,
    session_attendance_rows,
)
from .grading import gradebook_rows, participation_inputs

__all__ = [
    "AttendanceFigures",
    "SessionAttendanceRow",
    "attendance_summary",
    "gradebook_rows",
    "participation_inputs",
    "session_attendance_counts",
    "session_attendance_history",
    "session_attendance_rows",
]
