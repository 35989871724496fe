import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from .imports import EMPLOYEE_IMPORT_TASK, employee_import_finish, employee_import_process
from .models import EmployeeImport

STALE_AFTER = datetime.timedelta(minutes=30)
# A job whose message the broker has not delivered in this long is given up.
PENDING_EXPIRY = datetime.timedelta(hours=24)
# A job stops itself (and is marked failed with that reason) before the sweeper would.
TIME_LIMIT = STALE_AFTER - datetime.timedelta(minutes=5)


@shared_task(
    name=EMPLOYEE_IMPORT_TASK,
    acks_late=True,
    max_retries=3,
    default_retry_delay=30,
    soft_time_limit=int(TIME_LIMIT.total_seconds()),
)
def employee_import_task(import_id: int) -> None:
    employee_import_process(import_id=import_id)


@shared_task(name="lms.organisasi.tasks.employee_import_sweep_task")
def employee_import_sweep_task() -> int:
    """Mark as failed, with the reason, the imports whose worker died (running for longer than
    a job may run) and those still waiting after PENDING_EXPIRY, and remove their uploads, so
    that the admin knows to upload again. A job waiting for a broker that is down is left to
    its outbox message, which the outbox sweeper sends once the broker is back. The import
    writes in one transaction, so a dead worker left nothing half-saved."""
    now = timezone.now()
    Status = EmployeeImport.Status
    died = _import_sweep(
        EmployeeImport.objects.filter(status=Status.RUNNING, started_at__lt=now - STALE_AFTER),
        Status.RUNNING,
        _(
            "Proses impor terhenti: tidak selesai dalam %(minutes)s menit (pekerja latar "
            "belakang berhenti). Tidak ada data yang disimpan; unggah ulang berkas."
        )
        % {"minutes": int(STALE_AFTER.total_seconds() // 60)},
    )
    waited = _import_sweep(
        EmployeeImport.objects.filter(status=Status.PENDING, created_at__lt=now - PENDING_EXPIRY),
        Status.PENDING,
        _(
            "Proses impor tidak pernah dimulai dalam %(hours)s jam (antrean tugas latar "
            "belakang tidak tersedia). Tidak ada data yang disimpan; unggah ulang berkas."
        )
        % {"hours": int(PENDING_EXPIRY.total_seconds() // 3600)},
    )
    return died + waited


def _import_sweep(jobs, status: str, reason: str) -> int:
    swept = 0
    for job in jobs:
        # Claimed one by one, so that a job finishing right now keeps its own outcome.
        if not EmployeeImport.objects.filter(pk=job.pk, status=status).update(
            status=EmployeeImport.Status.FAILED
        ):
            continue
        employee_import_finish(
            job=job,
            status=EmployeeImport.Status.FAILED,
            errors=[{"line": 0, "nip": "", "email": "", "reasons": [reason]}],
        )
        swept += 1
    return swept
