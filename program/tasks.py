"""Background work of the programme: thin tasks that take ids and call services."""

from celery import shared_task

from .services.cohorts import NOTIFY_TASK, participants_notify


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
