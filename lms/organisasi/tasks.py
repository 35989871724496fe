import datetime

from celery import shared_task
from django.utils import timezone

from .imports import employee_import_process
from .models import EmployeeImport

STALE_AFTER = datetime.timedelta(minutes=30)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def employee_import_task(import_id: int) -> None:
    employee_import_process(import_id=import_id)


@shared_task
def employee_import_sweep_task() -> int:
    """Mark imports whose worker died long ago as failed, so that the admin can retry them.
    The import writes in one transaction, so a dead worker left nothing half-saved."""
    cutoff = timezone.now() - STALE_AFTER
    return EmployeeImport.objects.filter(
        status__in=[EmployeeImport.Status.PENDING, EmployeeImport.Status.RUNNING],
        created_at__lt=cutoff,
    ).update(
        status=EmployeeImport.Status.FAILED,
        finished_at=timezone.now(),
        errors=[{"line": 0, "nip": "", "email": "", "reasons": ["Proses impor terhenti."]}],
    )
