"""Operations on many certificates or on one after its issue: the sweeper of lost render
messages, regenerate and retry, revoke, reissue after a correction."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from lms.core.cache import learners_changed

from .. import jobs
from ..models import Certificate
from ..signals import certificate_revoked
from .issue import CertificateFacts, certificate_pending_create, render_enqueue_on_commit
from .render import mark_exhausted
from .snapshots import template_snapshot

log = logging.getLogger(__name__)

SWEEP_DOUBLINGS = 6


def certificate_sweep_pending(*, older_than: datetime.timedelta | None = None) -> int:
    """Enqueue again every certificate left pending longer than the grace period since its
    render was last requested (twice that after one re-send that no attempt followed, four
    times after two...), once its next attempt is due: its message was lost (the
    broker was down at commit, or a worker died mid-render), or a message that came back
    too early was dropped. Those whose every attempt is used up are marked failed instead.
    Rendering is idempotent, so a message that does turn up later is harmless. Returns how
    many were enqueued; a broker that is down ends the run (the next one tries again)."""
    if older_than is None:
        older_than = datetime.timedelta(seconds=settings.LMS_CERT_PENDING_GRACE_SECONDS)
    now = timezone.now()
    # The grace doubles with each re-send since the last attempt started (up to 64 times).
    waited_enough = Q(
        render_sweeps__gte=SWEEP_DOUBLINGS,
        render_requested_at__lte=now - older_than * 2**SWEEP_DOUBLINGS,
    )
    for sweeps in range(SWEEP_DOUBLINGS):
        waited_enough |= Q(
            render_sweeps=sweeps, render_requested_at__lte=now - older_than * 2**sweeps
        )
    due = Certificate.objects.filter(
        waited_enough,
        Q(render_next_at__isnull=True) | Q(render_next_at__lte=now),
        status=Certificate.Status.PENDING,
        render_requested_at__lte=now - older_than,
    )
    limit = settings.LMS_CERT_RENDER_MAX_ATTEMPTS
    for pk, generation in due.filter(attempts__gte=limit).values_list("pk", "generation"):
        mark_exhausted(certificate_id=pk, generation=generation)
    stale = list(
        due.filter(attempts__lt=limit).values_list("pk", "generation")[
            : settings.LMS_CERT_SWEEP_BATCH
        ]
    )
    if not stale:
        return 0
    render = jobs.task(jobs.RENDER)
    Certificate.objects.filter(pk__in=[pk for pk, _g in stale]).update(
        render_requested_at=now, render_sweeps=F("render_sweeps") + 1
    )
    sent = 0
    for pk, generation in stale:
        try:
            render.delay(pk, generation)
        except Exception as exc:
            log.warning(
                "certificate %s: render not enqueued (%s), the next sweep retries",
                pk,
                type(exc).__name__,
            )
            Certificate.objects.filter(pk__in=[pk for pk, _g in stale[sent:]]).update(
                render_requested_at=now - older_than, render_sweeps=F("render_sweeps") - 1
            )
            break
        sent += 1
    return sent


def certificate_regenerate(*, certificates: QuerySet[Certificate]) -> int:
    """Render issued or failed certificates again (after a template change or a fix) from
    their frozen data with the current version of their template. The old file stays in
    storage; the certificate keeps its number and code."""
    count = 0
    for pk in certificates.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.FAILED]
    ).values_list("pk", flat=True):
        with transaction.atomic():
            # Only the certificate's row is locked, not its template's (PostgreSQL would lock
            # every row of the join).
            cert = (
                Certificate.objects.select_for_update(of=("self",))
                .select_related("template")
                .get(pk=pk)
            )
            if cert.status not in (Certificate.Status.ISSUED, Certificate.Status.FAILED):
                continue
            snapshot = template_snapshot(cert.template)
            if cert.number:  # the number printed so far is formatted as it was
                snapshot["number_format"] = cert.template_snapshot["number_format"]
            cert.template_snapshot = snapshot
            cert.template_version = cert.template.version
            cert.generation += 1
            cert.status = Certificate.Status.PENDING
            cert.error = ""
            cert.attempts = 0
            cert.render_next_at = None
            cert.render_sweeps = 0
            cert.render_requested_at = timezone.now()
            cert.save(
                update_fields=[
                    "template_snapshot",
                    "template_version",
                    "generation",
                    "status",
                    "error",
                    "attempts",
                    "render_next_at",
                    "render_sweeps",
                    "render_requested_at",
                ]
            )
            learners_changed([cert.user_id])
            render_enqueue_on_commit(cert)
        count += 1
    return count


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by) -> Certificate:
    """Revoke: the row and its file stay, and verification says when and why."""
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.status in (Certificate.Status.REVOKED, Certificate.Status.REPLACED):
        return cert
    cert.status = Certificate.Status.REVOKED
    cert.revoked_at = timezone.now()
    cert.revoked_reason = reason
    cert.revoked_by = by
    cert.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    learners_changed([cert.user_id])
    certificate_revoked.send(sender=Certificate, certificate_id=cert.pk, user_id=cert.user_id)
    return cert


REISSUE_FIELDS = ("full_name", "nip", "position", "unit_name")


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, reason: str, by, corrections: dict | None = None
) -> Certificate:
    """Replace a certificate after a correction: a new certificate (new number and code)
    with the corrected data; the old one stays, marked replaced, pointing to the new one."""
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.status == Certificate.Status.REPLACED:
        return old.replaced_by
    person = {field: getattr(old, field) for field in REISSUE_FIELDS}
    person.update({k: v for k, v in (corrections or {}).items() if k in REISSUE_FIELDS})
    old.status = Certificate.Status.REPLACED
    old.replaced_at = timezone.now()
    old.replacement_reason = reason
    old.save(update_fields=["status", "replaced_at", "replacement_reason"])
    facts = CertificateFacts(
        code=old.course_code,
        title=old.course_title,
        jp=old.jp,
        completed_at=datetime.datetime.combine(
            old.completed_on, datetime.time(12), tzinfo=timezone.get_current_timezone()
        ),
        final_score=old.final_score,
        template_id=old.template_id,
        edition=old.edition,
        period=(old.period_start, old.period_end) if old.period_start else None,
        items=tuple(old.items),
    )
    new = certificate_pending_create(user=old.user, subject=old.subject, facts=facts, person=person)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    learners_changed([new.user_id])
    render_enqueue_on_commit(new)
    return new
