import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from .imports import employee_import_finish, employee_import_process
from .models import EmployeeImport

STALE_AFTER = datetime.timedelta(minutes=30)
# A job stops itself (and is marked failed with that reason) before the sweeper would.
TIME_LIMIT = STALE_AFTER - datetime.timedelta(minutes=5)


@shared_task(
    acks_late=True,
    max_retries=3,
    default_retry_delay=30,
    soft_time_limit=int(TIME_LIMIT.total_seconds()),
)
def employee_import_task(import_id: int) -> None:
    employee_import_process(import_id=import_id)


@shared_task
def employee_import_sweep_task() -> int:
    """Mark imports whose worker died long ago as failed, with that reason, and remove their
    uploads, so that the admin knows to upload again. The import writes in one transaction, so
    a dead worker left nothing half-saved."""
    cutoff = timezone.now() - STALE_AFTER
    unfinished = [EmployeeImport.Status.PENDING, EmployeeImport.Status.RUNNING]
    swept = 0
    for job in EmployeeImport.objects.filter(status__in=unfinished, created_at__lt=cutoff):
        # Claimed one by one, so that a job finishing right now keeps its own outcome.
        if not EmployeeImport.objects.filter(pk=job.pk, status__in=unfinished).update(
            status=EmployeeImport.Status.FAILED
        ):
            continue
        reason = _(
            "Proses impor terhenti: tidak selesai dalam %(minutes)s menit (pekerja latar "
            "belakang berhenti atau antrean tidak tersedia). Tidak ada data yang disimpan; "
            "unggah ulang berkas."
        ) % {"minutes": int(STALE_AFTER.total_seconds() // 60)}
        employee_import_finish(
            job=job,
            status=EmployeeImport.Status.FAILED,
            errors=[{"line": 0, "nip": "", "email": "", "reasons": [reason]}],
        )
        swept += 1
    return swept
