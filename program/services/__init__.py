"""Writes of the programme, by concern; every service is importable from here."""

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
    "calendar_feed_get_or_create",
    "calendar_feed_regenerate",
    "calendar_feed_revoke",
    "session_reminder_email",
    "session_reminders_fail",
    "session_reminders_queue",
    "session_reminders_send",
]
