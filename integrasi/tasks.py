"""The integration's Celery tasks, each thin: take ids, call a service. Registered in every
process through IntegrasiConfig.ready(), so that services queue them by name."""

from .siasn.tasks import siasn_record_send_task, siasn_sweep_task  # noqa: F401
from .webhooks import tasks as webhook_tasks  # noqa: F401
