"""Background work of programmes. Thin: take an id, call a service, own the retry policy."""

from celery import shared_task
from django.db import DatabaseError

from .models import Cohort
from .services import cohort_certificates_request

COHORT_CERTIFICATES_TASK = "program.tasks.cohort_certificates_task"


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
