"""Writes of the reports: export jobs, email subscriptions and their emails (`reports`), and
the reminders a supervisor sends from a report (`reminders`)."""

from .reminders import (
    REMINDER_BATCH_TASK,
    REMINDER_WEEK,
    ReminderOutcome,
    reminder_batch_create,
    reminder_batch_fail,
    reminder_batch_send,
    reminder_email,
    reminder_recently_sent,
)
from .reports import (
    OVERDUE_ROWS_IN_EMAIL,
    REMINDER_INTERVAL,
    REPORT_EXPORT_TASK,
    overdue_reminders_send,
    report_export_create,
    report_export_process,
    report_subscription_send,
    report_subscription_set,
    subscription_email_context,
    subscription_is_due,
    subscriptions_due,
)

__all__ = [
    "OVERDUE_ROWS_IN_EMAIL",
    "REMINDER_BATCH_TASK",
    "REMINDER_INTERVAL",
    "REMINDER_WEEK",
    "REPORT_EXPORT_TASK",
    "ReminderOutcome",
    "overdue_reminders_send",
    "reminder_batch_create",
    "reminder_batch_fail",
    "reminder_batch_send",
    "reminder_email",
    "reminder_recently_sent",
    "report_export_create",
    "report_export_process",
    "report_subscription_send",
    "report_subscription_set",
    "subscription_email_context",
    "subscription_is_due",
    "subscriptions_due",
]
