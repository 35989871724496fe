"""The report tasks keep the names they were registered under while the app lived at
`lms.laporan`: messages already queued, the beat schedule and outbox rows name tasks by
that string, and a renamed task would leave them pointing at nothing."""

import pytest
from django.conf import settings

from laporan import tasks
from lms.celery import app
from lms.core.models import OutboxMessage
from lms.core.outbox import outbox_sweep

pytestmark = pytest.mark.django_db

NAMES_BEFORE_THE_MOVE = {
    "report_summary_refresh_task": "lms.laporan.tasks.report_summary_refresh_task",
    "report_export_task": "lms.laporan.tasks.report_export_task",
    "report_subscription_send_task": "lms.laporan.tasks.report_subscription_send_task",
    "report_subscriptions_send_due_task": "lms.laporan.tasks.report_subscriptions_send_due_task",
    "overdue_reminders_send_task": "lms.laporan.tasks.overdue_reminders_send_task",
}


def test_report_tasks_are_registered_under_their_names_from_before_the_move():
    for function, name in NAMES_BEFORE_THE_MOVE.items():
        task = getattr(tasks, function)
        assert task.name == name
        assert app.tasks[name].run is task.run


def test_every_report_task_in_the_beat_schedule_is_registered():
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    report_tasks = [name for name in scheduled if ".laporan." in name]
    assert len(report_tasks) == 3
    for name in report_tasks:
        assert name in app.tasks


def test_an_outbox_row_written_before_the_move_is_still_sent():
    # given: a row naming the summary refresh as it was queued before the move
    OutboxMessage.objects.create(task="lms.laporan.tasks.report_summary_refresh_task", args=[])
    # when
    sent = outbox_sweep()
    # then
    assert sent == 1
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
