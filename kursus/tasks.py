from celery import shared_task

from .quiz_services import quiz_attempts_expire


@shared_task(acks_late=True)
def quiz_attempts_expire_task() -> int:
    """Grade the attempts nobody submitted before their time ran out (run every minute by beat).
    Grading is idempotent, so an overlap with a learner's own submit grades once."""
    return quiz_attempts_expire()
