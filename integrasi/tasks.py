"""The integration's Celery tasks, each thin: take ids, call a service. Registered in every
process through IntegrasiConfig.ready(), so that services queue them by name."""

from .webhooks import tasks as webhook_tasks  # noqa: F401
