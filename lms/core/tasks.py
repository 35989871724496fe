from celery import shared_task

from .outbox import outbox_prune, outbox_sweep


@shared_task(name="lms.core.tasks.outbox_sweep_task", queue="default")
def outbox_sweep_task() -> int:
    """Every minute (beat): publish the outbox messages a broker outage held back, and forget
    the sent ones of long ago."""
    sent = outbox_sweep()
    outbox_prune()
    return sent
