"""One attempt at a delivery: claim the row, POST the signed event, record what came back,
and schedule the next attempt or give up.

The row is the truth. An attempt claims it with a conditional UPDATE (due, and held by no
other attempt), so a message that arrives twice sends once; a worker that dies mid-send
lets go when its claim runs out (LMS_WEBHOOK_CLAIM_SECONDS) and the sweeper publishes the
delivery again. Only the registered address is called, redirects are not followed, and of
the answer only its status code and a short excerpt are kept."""

import datetime
import json
import logging
import time
from dataclasses import dataclass

import requests
import urllib3
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.organisasi.models import Employee

from ..models import WebhookAttempt, WebhookDelivery
from ..models.webhooks import EventType
from .addresses import url_problem
from .services import deliveries_due
from .signing import secret_decrypt, signature

log = logging.getLogger(__name__)

D = WebhookDelivery.Status
EXCERPT_BYTES = 300
USER_AGENT = "LMS-Bawaslu-Webhook/1"


@dataclass(frozen=True)
class Outcome:
    code: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0
    # Never worth another attempt: the delivery is given up at once.
    final: bool = False

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def retry_delay(failures: int) -> datetime.timedelta:
    """30 s after the first failure, then 1, 2, 4 ... minutes, at most
    LMS_WEBHOOK_RETRY_MAX_SECONDS apart."""
    seconds = settings.LMS_WEBHOOK_RETRY_BASE_SECONDS * 2 ** min(max(failures - 1, 0), 30)
    return datetime.timedelta(seconds=min(seconds, settings.LMS_WEBHOOK_RETRY_MAX_SECONDS))


def event_body(event) -> bytes:
    """The exact bytes sent (and signed): compact JSON, keys sorted, UTF-8."""
    return json.dumps(
        event.envelope(),
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def _excerpt(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()[:EXCERPT_BYTES]


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def http_post(url: str, *, body: bytes, headers: dict) -> Outcome:
    """POST `body` to `url` once: short timeouts, no redirects, a short excerpt of the
    answer. Errors are described in Indonesian without the request's content or headers."""
    started = time.monotonic()
    code, error, excerpt = None, "", ""
    try:
        # Only the registered address: no proxy, .netrc or CA bundle from the environment.
        with (
            _session() as session,
            session.post(
                url,
                data=body,
                headers=headers,
                timeout=(
                    settings.LMS_WEBHOOK_CONNECT_TIMEOUT_SECONDS,
                    settings.LMS_WEBHOOK_READ_TIMEOUT_SECONDS,
                ),
                allow_redirects=False,
                stream=True,
            ) as response,
        ):
            code = response.status_code
            excerpt = _excerpt(response.raw.read(EXCERPT_BYTES, decode_content=True) or b"")
    except requests.Timeout:
        error = _("Penerima tidak menjawab dalam batas waktu.")
    except requests.exceptions.SSLError:
        error = _("Sertifikat TLS penerima tidak sah.")
    except requests.ConnectionError:
        error = _("Tidak dapat terhubung ke penerima.")
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if code is None:
            error = _("Pengiriman gagal (%(kind)s).") % {"kind": type(exc).__name__}
    duration_ms = int((time.monotonic() - started) * 1000)
    if code is not None and not error:
        if 300 <= code < 400:
            error = _("Penerima mengalihkan ke alamat lain (kode %(code)s); tidak diikuti.") % {
                "code": code
            }
        elif not 200 <= code < 300:
            error = _("Penerima menjawab dengan kode %(code)s.") % {"code": code}
    return Outcome(code=code, error=error, excerpt=excerpt, duration_ms=duration_ms)


def _send(delivery: WebhookDelivery, *, now: datetime.datetime) -> Outcome:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return Outcome(error=_("Penerima sedang dinonaktifkan; pesan tidak dikirim."))
    if problem := url_problem(endpoint.url):
        return Outcome(error=problem)
    if not _person_in_scope(delivery.event, endpoint):
        return Outcome(
            error=_(
                "Pegawai pada kejadian ini tidak lagi termasuk cakupan unit penerima; pesan "
                "tidak dikirim."
            ),
            final=True,
        )
    body = event_body(delivery.event)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-LMS-Event": delivery.event.type,
        "X-LMS-Delivery": str(delivery.pk),
        "X-LMS-Timestamp": str(timestamp),
        "X-LMS-Signature": signature(
            secret=secret_decrypt(endpoint.secret_encrypted), timestamp=timestamp, body=body
        ),
    }
    return http_post(endpoint.url, body=body, headers=headers)


def _person_in_scope(event, endpoint) -> bool:
    """Whether the person an event is about is still an employee of the endpoint's unit
    subtree: an endpoint moved to another unit, or a person moved out of it, since the event
    was recorded must not carry it there. An event about no one (a ping) passes."""
    if event.type == EventType.PING:
        return True
    payload = event.payload or {}
    person = payload if event.type == EventType.EMPLOYEE_CHANGED else payload.get("employee")
    if not isinstance(person, dict) or not isinstance(person.get("id"), int):
        return False
    return Employee.objects.filter(
        pk=person.get("id"), unit__path__startswith=endpoint.unit.path
    ).exists()


def webhook_delivery_attempt(
    *, delivery_id: int, now: datetime.datetime | None = None
) -> WebhookAttempt | None:
    """Make one attempt at the delivery if it is due and no other attempt holds it, and
    return what was recorded (None when there was nothing to do)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(deliveries_due(now), pk=delivery_id).update(
        claimed_until=now + datetime.timedelta(seconds=settings.LMS_WEBHOOK_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        first_attempt_at=Coalesce(F("first_attempt_at"), Value(now)),
        queued_at=None,
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__unit", "event").get(pk=delivery_id)
    try:
        outcome = _send(delivery, now=now)
    except InvalidToken:  # SECRET_KEY changed since the secret was made
        outcome = Outcome(error=_("Rahasia penerima tidak dapat dibaca; buat rahasia baru."))
    except Exception as exc:  # the task's time limit, or a fault of ours: counted, retried
        log.exception("webhook delivery %s: attempt failed", delivery_id)
        outcome = Outcome(error=_("Pengiriman gagal (%(kind)s).") % {"kind": type(exc).__name__})
    return _record(delivery, outcome=outcome, now=now)


def _record(
    delivery: WebhookDelivery, *, outcome: Outcome, now: datetime.datetime
) -> WebhookAttempt:
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        duration_ms=outcome.duration_ms,
        response_code=outcome.code,
        error=outcome.error[:200],
        response_excerpt=outcome.excerpt,
    )
    # Only while this attempt still holds the row: a resend or a later claim wins.
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    common = {
        "claimed_until": None,
        "last_response_code": outcome.code,
        "last_error": outcome.error[:200],
    }
    if outcome.ok:
        mine.update(
            status=D.DELIVERED, delivered_at=now, next_attempt_at=None, failures=0, **common
        )
        log.info("webhook delivery %s: sent (attempt %s)", delivery.pk, delivery.attempts)
        return attempt
    failures = delivery.failures + 1
    give_up_at = delivery.first_attempt_at + datetime.timedelta(
        hours=settings.LMS_WEBHOOK_RETRY_HOURS
    )
    if outcome.final or now >= give_up_at:
        mine.update(status=D.FAILED, next_attempt_at=None, failures=failures, **common)
        log.warning(
            "webhook delivery %s: given up after %s attempts", delivery.pk, delivery.attempts
        )
    else:
        next_at = min(now + retry_delay(failures), give_up_at)
        mine.update(status=D.RETRYING, next_attempt_at=next_at, failures=failures, **common)
        log.info(
            "webhook delivery %s: attempt %s failed, next at %s",
            delivery.pk,
            delivery.attempts,
            next_at,
        )
    return attempt
