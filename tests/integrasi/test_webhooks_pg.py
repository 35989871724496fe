"""Webhook deliveries under concurrency, on real transactions in threads: duplicate
messages at the same moment send once; two sweepers at once publish each delivery once
(row locks with SKIP LOCKED: PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from integrasi.models import WebhookDelivery
from integrasi.webhooks.delivery import webhook_delivery_attempt
from integrasi.webhooks.services import webhook_deliveries_sweep, webhook_notify_employee
from lms.organisasi.models import OrgUnit
from tests.concurrency import run_at_once
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_five_copies_of_a_message_at_once_send_once(make_endpoint, receiver):
    # given a slow receiver and a delivery whose message arrives five times at once
    receiver.delay = 0.3
    make_endpoint("32", url=receiver.url)
    webhook_notify_employee(employee=EmployeeFactory(unit=OrgUnit.objects.get(code="32.04")))
    delivery = WebhookDelivery.objects.get()

    # when five workers take it at the same moment
    run_at_once(lambda: webhook_delivery_attempt(delivery_id=delivery.pk), [()] * 5)

    # then one POST was made and one attempt recorded
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 1)


def test_two_sweepers_at_once_publish_each_delivery_once(make_endpoint, receiver, monkeypatch):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SKIP LOCKED: PostgreSQL (SQLite has no row locks)")
    # given 300 deliveries due and not yet published
    make_endpoint("RI", url=receiver.url)
    make_endpoint("32", url=receiver.url, name="kedua")
    unit = OrgUnit.objects.get(code="32.04")
    for _ in range(150):
        webhook_notify_employee(employee=EmployeeFactory(unit=unit))
    # (sent at once, without a transaction around them here: made due again)
    WebhookDelivery.objects.update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now(), queued_at=None
    )
    published, lock = [], threading.Lock()

    def record(args, **kwargs):
        with lock:
            published.append(args[0])

    from celery import current_app

    from integrasi.webhooks.services import SEND_TASK

    monkeypatch.setattr(current_app.tasks[SEND_TASK], "apply_async", record)

    # when two sweepers run at the same moment, in small batches
    monkeypatch.setattr("integrasi.webhooks.services.BATCH", 20)
    run_at_once(webhook_deliveries_sweep, [(), ()])

    # then every due delivery was published exactly once
    assert len(published) == 300
    assert sorted(published) == sorted(WebhookDelivery.objects.values_list("pk", flat=True))
