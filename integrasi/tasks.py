"""The integration's Celery tasks, each thin: take ids, call a service. Registered in every
process through IntegrasiConfig.ready(), so that services queue them by name."""

from celery import shared_task

from .services.calls import api_calls_purge
from .siasn.tasks import siasn_record_send_task, siasn_sweep_task  # noqa: F401
from .webhooks import tasks as webhook_tasks  # noqa: F401


@shared_task(name="integrasi.tasks.api_calls_purge_task")
def api_calls_purge_task() -> int:
    """Delete the API call log older than LMS_API_LOG_DAYS (beat, daily)."""
    return api_calls_purge()
