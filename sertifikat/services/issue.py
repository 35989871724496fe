"""The one entry point for a certificate (`certificate_request`), and the render message
sent once the requesting transaction commits."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import jobs
from ..models import Certificate
from .codes import verification_code_new
from .snapshots import certificate_template_for, person_snapshot

log = logging.getLogger(__name__)

# A certificate in force: any but a replaced one (at most one per person and subject).
CURRENT = ~Q(status=Certificate.Status.REPLACED)


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate prints about what it certifies, as plain values from its caller
    (kursus for a course, program for a programme): its code, title and JP, when the learner
    completed it, their final score (None when there is none), and the certificate template
    it asks for (None: the default one).

    A run of several courses (a programme's cohort) adds its `edition` ("Angkatan I 2026"),
    its `period` (first and last day) and its `items`, one printed line each ("Pencegahan
    \N{EM DASH} PCG-01 Pengawasan partisipatif"), printed on a second page of the PDF. They stay
    plain values: sertifikat does not know what a programme is."""

    code: str
    title: str
    jp: int
    completed_at: datetime.datetime
    final_score: Decimal | None = None
    template_id: int | None = None
    edition: str = ""
    period: tuple[datetime.date, datetime.date] | None = None
    items: tuple[str, ...] = ()


def certificate_facts_fields(facts: CertificateFacts) -> dict:
    """The Certificate fields `facts` freeze (all but the template and the person)."""
    start, end = facts.period or (None, None)
    return {
        "course_code": facts.code,
        "course_title": facts.title,
        "jp": facts.jp,
        "completed_on": timezone.localtime(facts.completed_at).date(),
        "final_score": facts.final_score,
        "edition": facts.edition,
        "period_start": start,
        "period_end": end,
        "items": list(facts.items),
    }


def certificate_pending_create(
    *, user, subject, facts: CertificateFacts, person: dict
) -> Certificate:
    """A pending certificate without a number, what it prints frozen now. The caller's
    transaction owns it; the worker numbers it before the first render."""
    template_id, snapshot = certificate_template_for(facts.template_id)
    return Certificate.objects.create(
        user=user,
        subject=subject,
        code=verification_code_new(),
        issued_on=timezone.localdate(),
        **certificate_facts_fields(facts),
        template_id=template_id,
        template_version=snapshot["version"],
        template_snapshot=snapshot,
        render_requested_at=timezone.now(),
        **person,
    )


def certificate_request(
    *, user, subject, facts: CertificateFacts, enqueue: bool = True
) -> Certificate:
    """The one entry point for a certificate: the certificate in force of `user` for
    `subject` (the Wagtail page it certifies), created pending once, whoever calls how often,
    with what it prints frozen, and rendered after the caller commits. Runs inside the
    caller's transaction: if that rolls back, so does the certificate. No number yet (the
    worker gives it), so no counter lock is taken here.

    get_or_create's pattern, spelled out so that the template and the person are read only
    when there is no certificate yet: look, then create in a savepoint; the unique
    constraint refuses a concurrent second one, and the first is returned.

    `enqueue=False`: the caller sends the render of many at once
    (`render_enqueue_many_on_commit`), as a whole cohort's issue does."""
    current = Certificate.objects.filter(CURRENT, user=user, subject=subject).first()
    if current is not None:
        return current
    person = person_snapshot(user)
    try:
        with transaction.atomic():
            cert = certificate_pending_create(
                user=user, subject=subject, facts=facts, person=person
            )
    except IntegrityError:  # a concurrent request created it first
        return Certificate.objects.get(CURRENT, user=user, subject=subject)
    if enqueue:
        render_enqueue_on_commit(cert)
    return cert


def render_enqueue_on_commit(cert: Certificate) -> None:
    """Enqueue the render once the transaction commits. A broker that is down must not turn
    a committed completion into an error page (Celery's `delay_on_commit` would raise it
    there): the failure is logged, the certificate stays pending, and the pending sweeper
    enqueues it again."""
    pk, generation = cert.pk, cert.generation

    def enqueue():
        try:
            jobs.task(jobs.RENDER).delay(pk, generation)
        except Exception:
            log.warning("certificate %s: render not enqueued (broker down?)", pk, exc_info=True)

    transaction.on_commit(enqueue)


def render_enqueue_many_on_commit(certs) -> None:
    """Enqueue the renders of many certificates once the transaction commits, in one
    callback. When the broker is down, the first failure ends it (each failed publish waits
    for its connection retries; thousands of them would hold the caller for an hour): the
    rest stay pending, and the pending sweeper enqueues them."""
    jobs_ = [(cert.pk, cert.generation) for cert in certs]
    if not jobs_:
        return

    def enqueue():
        render = jobs.task(jobs.RENDER)
        for sent, (pk, generation) in enumerate(jobs_):
            try:
                render.delay(pk, generation)
            except Exception:
                log.warning(
                    "certificates: %s of %s renders not enqueued (broker down?), left to the "
                    "sweeper",
                    len(jobs_) - sent,
                    len(jobs_),
                    exc_info=True,
                )
                return

    transaction.on_commit(enqueue)
