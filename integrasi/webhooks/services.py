"""Writes of the webhooks: receivers registered by Admin LMS (the secret made here, shown
once), the events and their deliveries written in the transaction of what happened, the
sweeper that publishes what is due, resending, and forgetting old history.

Recording an event costs a learner's request nothing while no receiver wants it (the list
of receivers is cached) and a few queries when one does: the event, its deliveries and
one outbox row per delivery. The sending happens in a worker (`delivery.py`)."""

import datetime
import logging
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kursus.models import CoursePage
from lms.core.outbox import PUBLISH_RETRY_POLICY, send_after_commit
from lms.organisasi.models import Employee, OrgUnit
from sertifikat.models import Certificate

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from ..models.webhooks import SUBSCRIBABLE_EVENTS, EventType
from . import payloads
from .addresses import url_problem
from .selectors import (
    EndpointTarget,
    webhook_endpoints_changed,
    webhook_targets,
    webhook_targets_for_unit,
)
from .signing import secret_encrypt, secret_generate

log = logging.getLogger(__name__)

SEND_TASK = "integrasi.webhooks.tasks.webhook_delivery_send_task"
SWEEP_TASK = "integrasi.webhooks.tasks.webhook_deliveries_sweep_task"
BATCH = 500

D = WebhookDelivery.Status


# Receivers (Admin LMS)


@dataclass(frozen=True)
class EndpointSecret:
    """A receiver and its new secret: the only time the secret is seen in clear."""

    endpoint: WebhookEndpoint
    secret: str


def _validate(*, url: str, events: list[str]) -> list[str]:
    errors = {}
    if problem := url_problem(url):
        errors["url"] = problem
    events = sorted(set(events))
    if not events:
        errors["events"] = _("Pilih paling sedikit satu jenis kejadian.")
    elif not set(events) <= {e.value for e in SUBSCRIBABLE_EVENTS}:
        errors["events"] = _("Jenis kejadian tidak dikenal.")
    if errors:
        raise ValidationError(errors)
    return events


def _secret_set(endpoint: WebhookEndpoint) -> str:
    secret = secret_generate()
    endpoint.secret_encrypted = secret_encrypt(secret)
    endpoint.secret_hint = secret[:10]
    endpoint.secret_created_at = timezone.now()
    return secret


@transaction.atomic
def webhook_endpoint_create(
    *,
    name: str,
    url: str,
    events: list[str],
    unit: OrgUnit,
    is_active: bool = True,
    by=None,
) -> EndpointSecret:
    """Register a receiver and make its signing secret, returned to be shown once."""
    events = _validate(url=url, events=events)
    endpoint = WebhookEndpoint(
        name=name.strip(), url=url, events=events, unit=unit, is_active=is_active, created_by=by
    )
    secret = _secret_set(endpoint)
    endpoint.save()
    webhook_endpoints_changed()
    return EndpointSecret(endpoint=endpoint, secret=secret)


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    name: str,
    url: str,
    events: list[str],
    unit: OrgUnit,
    is_active: bool,
) -> WebhookEndpoint:
    """Change a receiver; its secret stays. Deliveries already made keep going to it, but
    only about people its (new) unit subtree still holds when they are sent."""
    endpoint.events = _validate(url=url, events=events)
    endpoint.name, endpoint.url, endpoint.unit, endpoint.is_active = (
        name.strip(),
        url,
        unit,
        is_active,
    )
    endpoint.save(update_fields=["name", "url", "events", "unit", "is_active"])
    webhook_endpoints_changed()
    return endpoint


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """Give a receiver a new secret and return it (shown once). Every message from now on,
    retries included, is signed with it; the old one stops at once."""
    secret = _secret_set(endpoint)
    endpoint.save(update_fields=["secret_encrypted", "secret_hint", "secret_created_at"])
    return secret


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove a receiver with its deliveries (the admin offers this only to one that has
    none: deactivating keeps the history)."""
    endpoint.delete()
    webhook_endpoints_changed()


@transaction.atomic
def webhook_endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a test message ("ping") to one receiver, through the same path as any event."""
    now = timezone.now()
    event = WebhookEvent.objects.create(
        type=EventType.PING,
        payload={"endpoint_id": endpoint.pk, "message": "Pesan uji dari LMS Bawaslu."},
        created_at=now,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, next_attempt_at=now, queued_at=now
    )
    send_after_commit(SEND_TASK, delivery.pk)
    return delivery


# Events, in the transaction of what happened


def _record(
    *, event_type: str, targets: list[EndpointTarget], unit_path: str, payload: dict
) -> WebhookEvent | None:
    endpoint_ids = webhook_targets_for_unit(targets, unit_path)
    if not endpoint_ids:
        return None
    now = timezone.now()
    event = WebhookEvent.objects.create(type=event_type, payload=payload, created_at=now)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint_id=pk, event=event, next_attempt_at=now, queued_at=now)
            for pk in endpoint_ids
        ]
    )
    for delivery in deliveries:
        send_after_commit(SEND_TASK, delivery.pk)
    return event


def _employee_of_user(user_id: int) -> Employee | None:
    return Employee.objects.select_related("unit").filter(user_id=user_id).first()


def webhook_notify_course_completed(
    *, enrollment_id: int, user_id: int, course_id: int, completed_at: datetime.datetime
) -> WebhookEvent | None:
    """Tell the receivers of the learner's unit that a course was completed. A learner
    without an employee record belongs to no unit, so no receiver is told."""
    targets = webhook_targets(EventType.COURSE_COMPLETED)
    if not targets:
        return None
    employee = _employee_of_user(user_id)
    if employee is None or not webhook_targets_for_unit(targets, employee.unit.path):
        return None
    course = CoursePage.objects.filter(pk=course_id).values("pk", "code", "title", "jp").first()
    if course is None:
        return None
    data = payloads.course_completed_data(
        enrollment_id=enrollment_id, course=course, completed_at=completed_at, employee=employee
    )
    return _record(
        event_type=EventType.COURSE_COMPLETED,
        targets=targets,
        unit_path=employee.unit.path,
        payload=data,
    )


def webhook_notify_certificate(
    *, event_type: str, certificate_id: int, user_id: int
) -> WebhookEvent | None:
    """Tell the receivers of the holder's unit that a certificate was issued or revoked."""
    targets = webhook_targets(event_type)
    if not targets:
        return None
    employee = _employee_of_user(user_id)
    if employee is None or not webhook_targets_for_unit(targets, employee.unit.path):
        return None
    cert = (
        Certificate.objects.filter(pk=certificate_id).values(*payloads.CERTIFICATE_FIELDS).first()
    )
    if cert is None:
        return None
    return _record(
        event_type=event_type,
        targets=targets,
        unit_path=employee.unit.path,
        payload=payloads.certificate_data(cert, employee=employee),
    )


def webhook_notify_employee(*, employee: Employee) -> WebhookEvent | None:
    """Tell the receivers of an employee's (new) unit that their record changed."""
    targets = webhook_targets(EventType.EMPLOYEE_CHANGED)
    if not targets:
        return None
    return _record(
        event_type=EventType.EMPLOYEE_CHANGED,
        targets=targets,
        unit_path=employee.unit.path,
        payload=payloads.employee_data(employee),
    )


def webhook_notify_employees(*, employee_ids: list[int]) -> int:
    """The same for the employees an import created or changed, in batches: a few queries
    per BATCH employees, whatever their number, and one message for the sweeper to publish
    the deliveries (not one outbox row each). Returns how many deliveries were made."""
    targets = webhook_targets(EventType.EMPLOYEE_CHANGED)
    if not targets or not employee_ids:
        return 0
    ids = sorted(set(employee_ids))
    now = timezone.now()
    made = 0
    for start in range(0, len(ids), BATCH):
        employees = Employee.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
            "unit"
        )
        wanted = [
            (employee, endpoint_ids)
            for employee in employees
            if (endpoint_ids := webhook_targets_for_unit(targets, employee.unit.path))
        ]
        if not wanted:
            continue
        events = WebhookEvent.objects.bulk_create(
            [
                WebhookEvent(
                    type=EventType.EMPLOYEE_CHANGED,
                    payload=payloads.employee_data(employee),
                    created_at=now,
                )
                for employee, _ids in wanted
            ]
        )
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(endpoint_id=pk, event=event, next_attempt_at=now)
                for event, (_employee, endpoint_ids) in zip(events, wanted, strict=True)
                for pk in endpoint_ids
            ],
            batch_size=BATCH,
        )
        made += len(deliveries)
    if made:
        send_after_commit(SWEEP_TASK)
    return made


# Sending: what is due, resending, history


def deliveries_due(now: datetime.datetime) -> Q:
    """Deliveries whose next attempt is due and which no attempt holds."""
    return Q(status__in=WebhookDelivery.DUE, next_attempt_at__lte=now) & (
        Q(claimed_until=None) | Q(claimed_until__lt=now)
    )


def webhook_deliveries_sweep(*, limit: int | None = None) -> int:
    """Publish a message for each due delivery not published lately (first attempts of an
    import, retries whose backoff has passed, those a lost message or a dead worker left),
    at most `limit` per run, and return how many. A broker that is down ends the run; the
    next one tries again."""
    limit = settings.LMS_WEBHOOK_SWEEP_MAX if limit is None else limit
    task = current_app.tasks[SEND_TASK]
    requeue = datetime.timedelta(seconds=settings.LMS_WEBHOOK_REQUEUE_SECONDS)
    published = 0
    while published < limit:
        now = timezone.now()
        with transaction.atomic():
            ids = list(
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(deliveries_due(now), Q(queued_at=None) | Q(queued_at__lt=now - requeue))
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[: min(BATCH, limit - published)]
            )
            if not ids:
                return published
            WebhookDelivery.objects.filter(pk__in=ids).update(queued_at=now)
        for i, pk in enumerate(ids):
            try:
                task.apply_async([pk], retry_policy=PUBLISH_RETRY_POLICY)
            except Exception as exc:
                log.warning("webhooks: publishing stopped, the next sweep retries (%s)", exc)
                WebhookDelivery.objects.filter(pk__in=ids[i:], queued_at=now).update(queued_at=None)
                return published
            published += 1
    return published


@transaction.atomic
def webhook_delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Try a delivery again now, whatever became of it (sent, given up, still retrying),
    with a new day of retries should it fail. An attempt still in progress loses its claim
    and its count moves on, so what it records later cannot overwrite the resend (its
    attempt row stays in the history; the next one is numbered after the skipped count)."""
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk, claimed_until__gte=now).update(
        attempts=F("attempts") + 1
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=D.PENDING,
        next_attempt_at=now,
        first_attempt_at=None,
        failures=0,
        queued_at=now,
        claimed_until=None,
    )
    send_after_commit(SEND_TASK, delivery.pk)
    delivery.refresh_from_db()
    return delivery


def webhook_history_prune(*, batch: int = 5000) -> int:
    """Delete the events older than LMS_WEBHOOK_KEEP_DAYS whose deliveries all ended (sent or
    given up), with those deliveries and their attempts. Returns how many events went."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.LMS_WEBHOOK_KEEP_DAYS)
    deleted = 0
    while True:
        keys = list(
            WebhookEvent.objects.filter(created_at__lt=cutoff)
            .exclude(deliveries__status__in=WebhookDelivery.DUE)
            .values_list("pk", flat=True)[:batch]
        )
        if not keys:
            return deleted
        WebhookEvent.objects.filter(pk__in=keys).delete()
        deleted += len(keys)
