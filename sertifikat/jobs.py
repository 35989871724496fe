"""The certificate jobs by their registered Celery names.

Services enqueue through here, by name, and never import `tasks` (which imports the
services): one direction, no cycle. The names are the tasks' explicit `name=` in `tasks.py`
and the beat schedule's entries; they must not change."""

from celery import current_app

RENDER = "sertifikat.tasks.certificate_render_task"
NOTIFY = "sertifikat.tasks.certificate_notify_task"
SWEEP_PENDING = "sertifikat.tasks.certificate_sweep_pending_task"
ARCHIVE = "sertifikat.tasks.certificate_archive_task"


def task(name: str):
    """The registered task `name` (eager in tests, as the settings say)."""
    return current_app.tasks[name]
