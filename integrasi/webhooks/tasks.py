"""The webhooks' Celery tasks: thin, each takes ids and calls a service. Retries are not
Celery's: the delivery row holds its next attempt and the sweeper publishes it when due."""

from celery import shared_task

from .delivery import webhook_delivery_attempt
from .services import webhook_deliveries_sweep, webhook_history_prune


@shared_task(
    name="integrasi.webhooks.tasks.webhook_delivery_send_task",
    queue="default",
    acks_late=True,
    reject_on_worker_lost=True,
    # Well inside the delivery's claim (LMS_WEBHOOK_CLAIM_SECONDS): an attempt stuck on a
    # receiver that answers a byte at a time is ended before another may begin.
    soft_time_limit=60,
    time_limit=90,
)
def webhook_delivery_send_task(delivery_id: int) -> None:
    """One attempt at one delivery; a duplicate message finds it claimed or done."""
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="integrasi.webhooks.tasks.webhook_deliveries_sweep_task", queue="default")
def webhook_deliveries_sweep_task() -> int:
    """Every minute (beat), and after an import: publish the deliveries that are due, and
    forget the finished ones of long ago."""
    published = webhook_deliveries_sweep()
    webhook_history_prune()
    return published
