"""The SIASN connector's jobs, thin: take an id, call a service. The retry policy is the
record's own (`next_attempt_at`, bounded attempts) and its messages go through the outbox
(see integrasi/siasn/services.py): a task never retries through the broker."""

from celery import shared_task
from django.db import close_old_connections

from . import services


@shared_task(
    name=services.SEND_TASK,
    bind=True,
    queue="default",
    acks_late=True,
    reject_on_worker_lost=True,
)
def siasn_record_send_task(self, record_id: int) -> str:
    if not self.request.is_eager:
        close_old_connections()
    return services.siasn_record_send(record_id=record_id).status or "unchanged"


@shared_task(name="integrasi.siasn.tasks.siasn_sweep_task", queue="default")
def siasn_sweep_task() -> int:
    return services.siasn_sweep()
