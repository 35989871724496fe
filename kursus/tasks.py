from celery import shared_task

from .kuis.services import quiz_attempts_expire
from .models import CoursePage
from .services import course_progress_recompute, enrollment_units_reconcile


@shared_task(name="kursus.tasks.quiz_attempts_expire_task", acks_late=True)
def quiz_attempts_expire_task() -> int:
    """Grade the attempts nobody submitted before their time ran out (run every minute by beat).
    Grading is idempotent, so an overlap with a learner's own submit grades once."""
    return quiz_attempts_expire()


@shared_task(
    name="kursus.tasks.course_progress_recompute_task",
    acks_late=True,
    max_retries=3,
    default_retry_delay=30,
)
def course_progress_recompute_task(course_id: int) -> int:
    course = CoursePage.objects.filter(pk=course_id).first()
    return course_progress_recompute(course=course) if course is not None else 0


@shared_task(name="kursus.tasks.enrollment_units_reconcile_task", acks_late=True)
def enrollment_units_reconcile_task() -> int:
    """Nightly: repair enrolments whose copy of the learner's unit is missing or stale."""
    return enrollment_units_reconcile()
