"""Webhook deliveries sent by a real worker process through the broker: one event queued
through the outbox, and an import's deliveries published by the sweeper."""

import pytest
from django.db import transaction

from integrasi.models import WebhookDelivery
from lms.organisasi.models import Employee, OrgUnit
from lms.organisasi.signals import employee_placed, employees_imported

from ..celery_worker import WorkerProcess, wait_for
from ..factories import EmployeeFactory

pytestmark = [
    pytest.mark.realworker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def webhook_worker(settings, webhook_settings):
    """A real worker that may call loopback receivers."""
    from lms.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue="default", durable=True, auto_delete=False)
        conn.default_channel.queue_purge("default")
    worker = WorkerProcess(queues="default", extra_env={"LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK": "true"})
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = previous
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("default")


def test_a_real_worker_sends_an_event_and_an_imports_deliveries(
    webhook_worker, make_endpoint, receiver
):
    # given a receiver of the whole country
    make_endpoint("RI", url=receiver.url)
    unit = OrgUnit.objects.get(code="32.04")
    placed = EmployeeFactory(unit=unit)
    imported = [EmployeeFactory(unit=unit).pk for _ in range(3)]

    # when one employee is placed and three are imported, each in its transaction
    with transaction.atomic():
        employee_placed.send(sender=Employee, employee=placed)
    with transaction.atomic():
        employees_imported.send(
            sender=Employee, moved_user_ids=[], unit_ids=[], employee_ids=imported
        )

    # then the worker, not this process, delivers all four
    delivered = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED)
    wait_for(lambda: delivered.count() == 4, timeout=60)
    assert len(receiver.requests) == 4
    assert any("webhook_deliveries_sweep_task" in line for line in webhook_worker.output)
    assert any("webhook_delivery_send_task" in line for line in webhook_worker.output)
