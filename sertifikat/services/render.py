"""Rendering a pending certificate in the worker: number it, render and sign its PDF, store
it, mark it issued and email the owner; the bounded, spaced attempts and their failures."""

import datetime
import hashlib
import logging
import traceback

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed
from lms.core.outbox import send_after_commit

from .. import jobs, rendering
from ..models import Certificate
from ..numbering import certificate_number_assign
from ..signals import certificate_issued

log = logging.getLogger(__name__)


def render_backoff(attempt: int) -> datetime.timedelta:
    """How long after the start of render attempt `attempt` (1, 2, ...) the next may start."""
    return datetime.timedelta(seconds=settings.LMS_CERT_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))


def _render_claim(pending: QuerySet[Certificate]) -> int:
    """Count a render attempt of the certificate `pending` selects, if one may start now (its
    backoff has passed and attempts remain), and set when the next may: 1 if so, else 0."""
    now = timezone.now()
    limit = settings.LMS_CERT_RENDER_MAX_ATTEMPTS
    return (
        pending.filter(attempts__lt=limit)
        .filter(Q(render_next_at__isnull=True) | Q(render_next_at__lte=now))
        .update(
            attempts=F("attempts") + 1,
            render_sweeps=0,
            render_next_at=Case(
                *(When(attempts=n, then=Value(now + render_backoff(n + 1))) for n in range(limit)),
                default=Value(now + render_backoff(limit)),
            ),
        )
    )


def certificate_render(*, certificate_id: int, generation: int) -> Certificate | None:
    """Render, sign and store the PDF of a pending certificate. Idempotent: a certificate
    that is no longer pending, or a message for an older generation, changes nothing; two
    workers rendering the same certificate store one file.

    Five statements and three commits per certificate: the attempt is counted (and the
    certificate found still pending) before rendering, so that a worker killed mid-render
    leaves its attempt on record; the row is read; a short transaction numbers it (the
    year's counter, then the row; not again on a later attempt); then one transaction marks
    it issued (the UPDATE locks the row and checks it is still pending, so a second worker
    finds nothing to do and never touches the file), stores the file and claims the email.

    Attempts are bounded and spaced (`render_backoff`): a message that comes back before
    the next attempt is due (the broker redelivers it at once when a render killed its
    worker) does nothing, and the sweeper sends it again when it is; once every attempt
    was used up without an issue and the last one's backoff has passed (it may still be
    rendering before that), the certificate is marked failed."""
    pending = Certificate.objects.filter(
        pk=certificate_id, status=Certificate.Status.PENDING, generation=generation
    )
    if not _render_claim(pending):
        row = pending.values_list("attempts", "render_next_at").first()
        if row is None:
            return None
        attempts, next_at = row
        # The last attempt may still be rendering until its backoff has passed: only then is
        # it known to have died (as the sweeper judges it too).
        last_one_over = next_at is None or next_at <= timezone.now()
        if attempts >= settings.LMS_CERT_RENDER_MAX_ATTEMPTS and last_one_over:
            mark_exhausted(certificate_id=certificate_id, generation=generation)
        else:
            log.info("certificate %s: render attempt not due, left to the sweeper", certificate_id)
        return None
    cert = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if cert is None:
        return None
    certificate_number_assign(certificate=cert, generation=generation)
    if cert.number is None:  # revoked, replaced or regenerated since the claim
        return None
    pdf = rendering.certificate_pdf(cert)
    digest = hashlib.sha256(pdf).hexdigest()
    name = f"sertifikat/{cert.year}/{cert.code}-{cert.generation}.pdf"
    issued_at = timezone.now()
    # The email is claimed with the issue: sent after the commit, released if sending fails.
    notify = cert.notified_at is None and bool(cert.user.email)
    changes = {
        "pdf": name,
        "sha256": digest,
        "status": Certificate.Status.ISSUED,
        "issued_at": issued_at,
        "error": "",
    }
    if notify:
        changes["notified_at"] = issued_at
    with transaction.atomic():
        if not pending.update(**changes):
            return None
        if default_storage.exists(name):  # left by a render that died before committing
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(pdf))
        if stored != name:
            Certificate.objects.filter(pk=certificate_id).update(pdf=stored)
        learners_changed([cert.user_id])
        certificate_issued.send(sender=Certificate, certificate_id=cert.pk, user_id=cert.user_id)
    cert.pdf.name = stored
    cert.sha256 = digest
    cert.status = Certificate.Status.ISSUED
    cert.issued_at = issued_at
    cert.error = ""
    if notify:
        cert.notified_at = issued_at
        _notify_after_issue(cert)
    return cert


def _issued_email(cert: Certificate):
    """The "your certificate is ready" email of `cert`, as an EmailMessage."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "cert": cert,
        "download_url": base + cert.download_path,
        "verify_url": base + cert.verification_path,
        "dashboard_url": base + "/dasbor/",
    }
    subject = render_to_string("sertifikat/email/issued_subject.txt", context).strip()
    body = render_to_string("sertifikat/email/issued_message.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [cert.user.email])


def _notify_after_issue(cert: Certificate) -> None:
    """Send the email right away, in the worker that issued the certificate (a task of its
    own would cost a broker round trip per certificate). The issuing transaction claimed it
    (notified_at); if sending fails, the claim is released and a notify task retries (through
    the outbox, which publishes it a minute later)."""
    try:
        _issued_email(cert).send()
    except Exception:
        log.warning("certificate %s: email not sent, retrying in a task", cert.pk, exc_info=True)
        with transaction.atomic():
            Certificate.objects.filter(pk=cert.pk, notified_at=cert.notified_at).update(
                notified_at=None
            )
            send_after_commit(jobs.task(jobs.NOTIFY), cert.pk, countdown=60)


def _error_text(error: BaseException | str) -> str:
    if not isinstance(error, str):
        error = "".join(traceback.format_exception_only(type(error), error)).strip()
    return error[:4000]


def certificate_mark_failed(
    *, certificate_id: int, generation: int, error: BaseException | str
) -> None:
    """Record why rendering failed, for Admin LMS to read and retry."""
    failed = Certificate.objects.filter(
        pk=certificate_id, status=Certificate.Status.PENDING, generation=generation
    ).update(status=Certificate.Status.FAILED, error=_error_text(error), render_next_at=None)
    if failed:
        owner = Certificate.objects.filter(pk=certificate_id).values_list("user_id", flat=True)
        learners_changed(list(owner))


def certificate_render_failed(
    *, certificate_id: int, generation: int, error: BaseException
) -> float | None:
    """Record why a render attempt failed. Returns the seconds until the next attempt is due
    (for the task's retry), or None when that was the last one and the certificate is now
    marked failed (or is no longer this generation's pending one)."""
    pending = Certificate.objects.filter(
        pk=certificate_id, status=Certificate.Status.PENDING, generation=generation
    )
    row = pending.values_list("attempts", "render_next_at").first()
    if row is None:
        return None
    attempts, next_at = row
    if attempts >= settings.LMS_CERT_RENDER_MAX_ATTEMPTS:
        certificate_mark_failed(certificate_id=certificate_id, generation=generation, error=error)
        return None
    pending.update(error=_error_text(error))
    wait = (next_at - timezone.now()).total_seconds() if next_at else 0
    return max(wait, 1.0)


def mark_exhausted(*, certificate_id: int, generation: int) -> None:
    """Every attempt started and none finished or failed on record: the worker died each
    time. Mark the certificate failed with that reason (and the last error seen, if any)."""
    limit = settings.LMS_CERT_RENDER_MAX_ATTEMPTS
    last = (
        Certificate.objects.filter(pk=certificate_id).values_list("error", flat=True).first() or ""
    )
    reason = _(
        "Pembuatan PDF dimulai %(n)s kali dan tidak pernah selesai (proses pembuatan PDF "
        "terhenti di tengah jalan)."
    ) % {"n": limit}
    if last:
        reason += " " + _("Kesalahan terakhir: %(error)s") % {"error": last}
    log.error(
        "certificate %s: %s render attempts, none finished: marked failed", certificate_id, limit
    )
    certificate_mark_failed(certificate_id=certificate_id, generation=generation, error=reason)


def certificate_notify(*, certificate_id: int) -> bool:
    """Email the owner that their certificate is ready, once. The email is claimed first
    (notified_at set on the issued row, if nobody set it yet), then sent outside any
    transaction or lock, so a slow mail server holds no row; if sending fails the claim is
    released (and the error raised for the task), so a later attempt can send it."""
    cert = (
        Certificate.objects.select_related("user")
        .filter(pk=certificate_id, status=Certificate.Status.ISSUED, notified_at=None)
        .first()
    )
    if cert is None or not cert.user.email:
        return False
    claimed_at = timezone.now()
    claimed = Certificate.objects.filter(
        pk=certificate_id, status=Certificate.Status.ISSUED, notified_at=None
    ).update(notified_at=claimed_at)
    if not claimed:  # another worker claimed it, or it was revoked meanwhile
        return False
    cert.notified_at = claimed_at
    try:
        _issued_email(cert).send()
    except Exception:
        Certificate.objects.filter(pk=certificate_id, notified_at=claimed_at).update(
            notified_at=None
        )
        raise
    return True
