"""Background work of programmes: thin tasks that take ids and call a service."""

from celery import shared_task

from .services.followup import followup_due_run, followup_email_send


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
