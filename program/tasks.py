"""Background work of the programme: thin wrappers that take ids and call services."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import DatabaseError

from .models import Cohort
from .services import (
    SESSION_REMINDERS_SEND_TASK,
    cohort_certificates_request,
    session_reminders_fail,
    session_reminders_queue,
    session_reminders_send,
)
from .services.certificates import COHORT_CERTIFICATES_TASK
from .services.cohorts import NOTIFY_TASK, participants_notify
from .services.followup import followup_due_run, followup_email_send


@shared_task(name="program.tasks.session_reminders_queue_task", acks_late=True)
def session_reminders_queue_task() -> int:
    """Hourly: record and queue the reminders of the sessions starting within a day."""
    return session_reminders_queue()


class SessionReminderTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        session_reminders_fail(session_id=args[0], error=repr(exc))


class SessionReminderNotSent(Exception):
    pass


@shared_task(
    bind=True,
    name=SESSION_REMINDERS_SEND_TASK,
    base=SessionReminderTask,
    acks_late=True,
    max_retries=3,
    default_retry_delay=300,
)
def session_reminders_send_task(self, session_id: int) -> int:
    """Send a session's pending reminders; those the mail server refused are tried again
    later (each one is sent at most once: see `session_reminders_send`)."""
    sent, failed = session_reminders_send(session_id=session_id)
    if failed:
        raise self.retry(
            exc=SessionReminderNotSent(f"{failed} reminder(s) of session {session_id}")
        )
    return sent


@shared_task(
    name=NOTIFY_TASK,
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=3,
    default_retry_delay=120,
)
def participants_notify_task(participant_ids: list[int]) -> int:
    """Idempotent: each person is emailed once per status (Participant.notified_status)."""
    return participants_notify(participant_ids=participant_ids)


@shared_task(acks_late=True)
def followup_due_task() -> dict:
    """Daily (beat): the Kirkpatrick level 3 follow-up requests due, and their reminders."""
    return followup_due_run()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def followup_email_send_task(request_id: int, kind: str) -> bool:
    """One follow-up email; a repeated message sends nothing (the row records the send)."""
    return followup_email_send(request_id=request_id, kind=kind)


@shared_task(
    name=COHORT_CERTIFICATES_TASK,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=5,
    retry_backoff=30,
)
def cohort_certificates_task(cohort_id: int) -> int:
    """The JP and certificates of a closed cohort's passed participants, batch by batch.
    Idempotent: a message delivered twice, or a retry after a worker died mid-way, picks
    up where the work stopped (who has a certificate is skipped)."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return 0
    return cohort_certificates_request(cohort=cohort)
