"""Sending a delivery to a real receiver on loopback: signed, recorded, retried with backoff
for a day, never twice at once, and nothing lost while the receiver is down."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.db import transaction
from django.utils import timezone

from integrasi.models import WebhookAttempt, WebhookDelivery
from integrasi.webhooks import delivery as delivery_module
from integrasi.webhooks.delivery import webhook_delivery_attempt
from integrasi.webhooks.services import (
    webhook_deliveries_sweep,
    webhook_delivery_resend,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
    webhook_notify_employee,
)
from integrasi.webhooks.tasks import webhook_delivery_send_task
from lms.organisasi.models import OrgUnit

from ..factories import EmployeeFactory
from .webhook_receiver import LoopbackReceiver, refused_url

pytestmark = pytest.mark.django_db

D = WebhookDelivery.Status


def verify(secret: str, headers, body: bytes, tolerance: int | None = 300) -> bool:
    """The check docs/api.md gives receivers (integrasi/webhooks/signing.py), as written
    there; `tolerance=None` skips the age check for a test whose clock is shifted."""
    try:
        timestamp = headers["X-LMS-Timestamp"]
        if (
            tolerance is not None
            and abs(datetime.datetime.now().timestamp() - int(timestamp)) > tolerance
        ):
            return False
        digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest("v1=" + digest.hexdigest(), headers["X-LMS-Signature"])
    except (KeyError, ValueError, TypeError):
        return False


class Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def employee(org_tree):
    return EmployeeFactory(unit=OrgUnit.objects.get(code="32.04"))


def _event_for(employee) -> WebhookDelivery:
    webhook_notify_employee(employee=employee)
    return WebhookDelivery.objects.latest("pk")


def test_a_delivery_arrives_signed_and_is_recorded(make_endpoint, receiver, employee):
    # given a receiver registered for Jawa Barat
    _endpoint, secret = make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)

    # when the worker sends it
    webhook_delivery_send_task(delivery.pk)

    # then the receiver got one signed POST whose body names the event
    [request] = receiver.requests
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-LMS-Event"] == "employee.changed"
    assert request.headers["X-LMS-Delivery"] == str(delivery.pk)
    assert verify(secret, request.headers, request.body)
    assert not verify("whsec_another", request.headers, request.body)
    assert not verify(secret, request.headers, request.body + b" ")
    body = json.loads(request.body)
    assert body["id"] == str(delivery.event.uuid)
    assert body["type"] == "employee.changed"
    assert body["data"]["nip"] == employee.nip
    # and the delivery is marked sent with its attempt
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        D.DELIVERED,
        1,
        200,
    )
    assert delivery.delivered_at is not None
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.response_code, attempt.response_excerpt) == (1, 200, "diterima")


def test_the_secret_is_kept_encrypted_and_a_new_one_replaces_it(make_endpoint, receiver, employee):
    endpoint, old = make_endpoint("32", url=receiver.url)
    assert old.startswith("whsec_")
    assert old not in endpoint.secret_encrypted

    new = webhook_endpoint_secret_rotate(endpoint=endpoint)
    webhook_delivery_send_task(_event_for(employee).pk)

    [request] = receiver.requests
    assert verify(new, request.headers, request.body)
    assert not verify(old, request.headers, request.body)


@pytest.mark.parametrize(
    ("status", "delay", "code", "error"),
    [
        (500, 0, 500, "Penerima menjawab dengan kode 500."),
        (200, 4, None, "Penerima tidak menjawab dalam batas waktu."),
        (302, 0, 302, "mengalihkan"),
    ],
)
def test_a_failed_attempt_is_recorded_and_tried_again_in_30_seconds(
    make_endpoint, receiver, employee, clock, status, delay, code, error
):
    # given a receiver that answers with an error, too late, or a redirect
    receiver.status, receiver.delay = status, delay
    if status == 302:
        other = LoopbackReceiver().start()
        receiver.location = other.url
    make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)

    # when it is sent
    webhook_delivery_send_task(delivery.pk)

    # then the failure is recorded, short, and the next attempt comes 30 s later
    delivery.refresh_from_db()
    assert delivery.status == D.RETRYING
    assert delivery.last_response_code == code
    assert error in delivery.last_error
    assert delivery.next_attempt_at == clock.now + datetime.timedelta(seconds=30)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert len(attempt.response_excerpt) <= 300
    if status == 302:  # the redirect was not followed
        assert other.requests == []
        other.stop()


def test_a_refused_connection_is_retried(make_endpoint, employee, clock):
    make_endpoint("32", url=refused_url())
    delivery = _event_for(employee)

    webhook_delivery_send_task(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == D.RETRYING
    assert delivery.last_error == "Tidak dapat terhubung ke penerima."
    assert delivery.last_response_code is None


def test_backoff_doubles_up_to_an_hour_and_gives_up_after_a_day(make_endpoint, employee, clock):
    # given a receiver that never answers
    make_endpoint("32", url=refused_url())
    delivery = _event_for(employee)
    first = clock.now

    # when every attempt is made as soon as it is due
    gaps = []
    while True:
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        if delivery.status != D.RETRYING:
            break
        gaps.append((delivery.next_attempt_at - clock.now).total_seconds())
        clock.now = delivery.next_attempt_at

    # then the waits are 30 s, 1, 2, 4 ... minutes, at most an hour, and the last attempt is
    # made a day after the first, after which it is given up
    assert gaps[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert max(gaps) == 3600
    assert delivery.status == D.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.last_attempt_at == first + datetime.timedelta(hours=24)
    assert delivery.attempts == len(gaps) + 1 == WebhookAttempt.objects.count()
    # and a message that comes late changes nothing
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None


def test_a_receiver_down_for_an_hour_gets_everything_once_it_is_back(
    make_endpoint, receiver, org_tree, clock, django_capture_on_commit_callbacks
):
    # given a receiver that is down (503) when three events happen
    receiver.status = 503
    make_endpoint("RI", url=receiver.url)
    people = [EmployeeFactory(unit=OrgUnit.objects.get(code=c)) for c in ("32.04", "31", "11")]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for person in people:
            webhook_notify_employee(employee=person)
    assert len(receiver.requests) == 3  # the first attempts, right after the commit

    # when the sweeper runs every minute and the receiver comes back after an hour
    for minute in range(1, 150):
        clock.advance(minutes=1)
        if minute == 60:
            receiver.status = 200
        webhook_deliveries_sweep()

    # then every event arrived, each delivery is marked sent
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {D.DELIVERED}
    arrived = {json.loads(r.body)["id"] for r in receiver.requests[-3:]}
    assert arrived == {str(d.event.uuid) for d in WebhookDelivery.objects.all()}
    failed_tries = len(receiver.requests) - 3
    assert 3 * 6 <= failed_tries <= 3 * 10  # backoff, not a request a minute


def test_a_message_that_comes_twice_sends_once(make_endpoint, receiver, employee):
    make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)

    webhook_delivery_send_task(delivery.pk)
    webhook_delivery_send_task(delivery.pk)

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_delivery_another_attempt_holds_is_left_alone_until_its_claim_runs_out(
    make_endpoint, receiver, employee, clock
):
    # given a delivery claimed by a worker that then died
    make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=clock.now + datetime.timedelta(seconds=120), queued_at=clock.now
    )

    # then neither a duplicate message nor the sweeper sends it meanwhile
    webhook_delivery_send_task(delivery.pk)
    clock.advance(seconds=60)
    assert webhook_deliveries_sweep() == 0
    assert receiver.requests == []

    # and once the claim and the sweeper's wait have run out, the sweeper sends it
    clock.advance(minutes=10)
    assert webhook_deliveries_sweep() == 1
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED


def test_an_inactive_receiver_is_not_called(make_endpoint, receiver, employee):
    endpoint, _ = make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)
    endpoint.is_active = False
    endpoint.save()

    webhook_delivery_send_task(delivery.pk)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == D.RETRYING
    assert "dinonaktifkan" in delivery.last_error


def test_plain_http_is_refused_when_loopback_http_is_off(
    make_endpoint, receiver, employee, settings
):
    make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)
    settings.LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = False

    webhook_delivery_send_task(delivery.pk)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert "https://" in delivery.last_error


def test_a_secret_that_cannot_be_read_is_a_failed_attempt_not_a_crash(
    make_endpoint, receiver, employee, settings
):
    # given a receiver whose secret was encrypted under another SECRET_KEY
    make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"

    webhook_delivery_send_task(delivery.pk)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == D.RETRYING
    assert "buat rahasia baru" in delivery.last_error


def test_a_resend_during_an_attempt_is_not_overwritten_by_it(make_endpoint, receiver, employee):
    # given: an attempt in progress whose receiver answers 500, and a resend meanwhile
    make_endpoint("32", url=receiver.url)
    receiver.status = 500
    delivery = _event_for(employee)
    resent = []

    def post_then_resend(url, *, body, headers):
        outcome = real_post(url, body=body, headers=headers)
        resent.append(webhook_delivery_resend(delivery=delivery))
        return outcome

    real_post = delivery_module.http_post
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delivery_module, "http_post", post_then_resend)
        webhook_delivery_attempt(delivery_id=delivery.pk)

    # then: the failed attempt is in the history, but the delivery waits for the resend
    delivery.refresh_from_db()
    assert (delivery.status, delivery.claimed_until, delivery.failures) == (D.PENDING, None, 0)
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 1
    # and the resend's own attempt runs and records its result
    receiver.status = 200
    webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED


def test_an_endpoint_moved_to_another_unit_does_not_get_the_old_units_events(
    make_endpoint, receiver, employee
):
    # given: an event about a person of Kabupaten Bandung for a receiver of Jawa Barat
    endpoint, _secret = make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)

    # when: before it is sent, the receiver is moved to DKI Jakarta
    webhook_endpoint_update(
        endpoint=endpoint,
        name=endpoint.name,
        url=endpoint.url,
        events=endpoint.events,
        unit=OrgUnit.objects.get(code="31"),
        is_active=True,
    )
    webhook_delivery_send_task(delivery.pk)

    # then: nothing is sent, and the delivery is given up at once with the reason
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == D.FAILED
    assert delivery.next_attempt_at is None
    assert "tidak lagi termasuk cakupan unit" in delivery.last_error


def test_a_person_who_left_the_endpoints_unit_is_not_sent(make_endpoint, receiver, employee):
    make_endpoint("32.04", url=receiver.url)
    delivery = _event_for(employee)
    employee.unit = OrgUnit.objects.get(code="32.73")
    employee.save()

    webhook_delivery_send_task(delivery.pk)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == D.FAILED


def test_the_environments_proxy_is_not_used(make_endpoint, receiver, employee, monkeypatch):
    # given: a proxy in the environment that does not exist
    proxy = refused_url().removesuffix("/hook")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    make_endpoint("32", url=receiver.url)
    delivery = _event_for(employee)

    webhook_delivery_send_task(delivery.pk)

    # then: the receiver itself was called
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED


RECENT = str(int(datetime.datetime.now().timestamp()))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-LMS-Timestamp": "soon", "X-LMS-Signature": "v1=00"},
        {"X-LMS-Timestamp": "0"},
        {"X-LMS-Timestamp": RECENT, "X-LMS-Signature": "v1=é"},
    ],
)
def test_the_documented_check_answers_false_for_malformed_headers(headers):
    assert verify("whsec_x", headers, b"{}") is False
