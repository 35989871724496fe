"""Background work of the reports: thin wrappers that take ids and call services.

Each task keeps the name it had when the app lived at `lms.laporan`: queued messages, the
beat schedule and outbox rows name tasks by that string."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import transaction

from lms.core.outbox import send_after_commit

from .models import ReportExport
from .services import (
    REMINDER_BATCH_TASK,
    REPORT_EXPORT_TASK,
    overdue_reminders_send,
    reminder_batch_fail,
    reminder_batch_send,
    report_export_process,
    report_subscription_send,
    subscriptions_due,
)
from .summary import summary_refresh


@shared_task(
    name="lms.laporan.tasks.report_summary_refresh_task",
    acks_late=True,
    max_retries=2,
    default_retry_delay=30,
)
def report_summary_refresh_task() -> int:
    return summary_refresh().pk


class ExportTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The status row records the failure, so the page stops waiting for it."""
        ReportExport.objects.filter(pk=args[0]).exclude(status=ReportExport.Status.DONE).update(
            status=ReportExport.Status.FAILED, error=repr(exc)[:2000]
        )


@shared_task(
    name=REPORT_EXPORT_TASK,
    base=ExportTask,
    acks_late=True,
    max_retries=2,
    default_retry_delay=30,
)
def report_export_task(export_id: int) -> None:
    report_export_process(export_id=export_id)


@shared_task(
    name="lms.laporan.tasks.report_subscription_send_task",
    acks_late=True,
    max_retries=3,
    default_retry_delay=300,
)
def report_subscription_send_task(subscription_id: int) -> bool:
    return report_subscription_send(subscription_id=subscription_id)


@shared_task(name="lms.laporan.tasks.report_subscriptions_send_due_task")
def report_subscriptions_send_due_task() -> int:
    """Daily: queue one task per subscription that is due (weekly or monthly)."""
    due = subscriptions_due()
    with transaction.atomic():
        for pk in due:
            send_after_commit(report_subscription_send_task, pk)
    return len(due)


@shared_task(name="lms.laporan.tasks.overdue_reminders_send_task", acks_late=True)
def overdue_reminders_send_task() -> int:
    """Daily: remind employees of overdue mandatory courses (each at most once a week)."""
    return overdue_reminders_send()


class ReminderTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """After the last retry the reminders still pending are marked failed, so that the
        history does not show them as waiting for ever."""
        reminder_batch_fail(batch_id=args[0], error=repr(exc))


class ReminderNotSent(Exception):
    pass


@shared_task(
    bind=True,
    name=REMINDER_BATCH_TASK,
    base=ReminderTask,
    acks_late=True,
    max_retries=3,
    default_retry_delay=300,
)
def reminder_batch_send_task(self, batch_id: int) -> int:
    """Send a supervisor's reminders; those the mail server refused are tried again later
    (each reminder is sent at most once: see `reminder_batch_send`)."""
    sent, failed = reminder_batch_send(batch_id=batch_id)
    if failed:
        raise self.retry(exc=ReminderNotSent(f"{failed} reminder(s) of batch {batch_id}"))
    return sent
