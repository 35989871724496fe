"""Writes of the certificate flow. `certificate_request` is the one entry point that kursus
calls; everything else is driven by tasks or Admin LMS."""

import datetime
import hashlib
import logging
import secrets
import traceback
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed
from lms.sql import (
    column,
    row_insert,
    row_insert_select,
    row_saved,
    statements_run,
    table,
)

from .models import (
    Certificate,
    CertificateCounter,
    CertificateTemplate,
    format_number,
    number_sql,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate prints about what it certifies, as plain values from its caller
    (kursus for a course): its code, title and JP, when the learner completed it, their final
    score (None when there is none), and the certificate template it asks for (None: the
    default one)."""

    code: str
    title: str
    jp: int
    completed_at: datetime.datetime
    final_score: Decimal | None = None
    template_id: int | None = None


# Crockford's base32: no I, L, O or U, so that a typed code is hard to get wrong.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


def verification_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def verification_code_normalize(text: str) -> str | None:
    """`abcd efgh-ijkl-mnop` as people type it, into the stored `ABCD-EFGH-1JK1-MN0P` form;
    None when it cannot be a code."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_TYPO)
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


# Templates


def certificate_template_create_demo() -> CertificateTemplate:
    """The demo template (also made by a data migration); safe to call twice."""
    from .models import CertificateSignatory

    template, created = CertificateTemplate.objects.get_or_create(
        name="Sertifikat LMS Bawaslu (bawaan)", defaults={"is_default": True}
    )
    if created:
        CertificateSignatory.objects.create(
            template=template,
            sort_order=0,
            name="Dr. Contoh Nama Pejabat, S.H., M.H.",
            position="Kepala Pusat Penelitian, Pengembangan, Pendidikan, dan Pelatihan",
            nip="197001011995031001",
        )
    return template


# What of the template a certificate prints, frozen with it: these columns of the template, in
# this order, then the file names of its logo and its background image.
_SNAPSHOT_TEXTS = (
    "name",
    "version",
    "layout",
    "issuer_name",
    "issuer_unit",
    "title_text",
    "subtitle_text",
    "recipient_intro",
    "body_text",
    "place_of_issue",
    "footer_text",
    "number_format",
)


def _template_statements(template_id: int | None) -> list[tuple[str, list]]:
    """Two statements (for `statements_run`, alone or with others) that read the template
    `template_id` (a course's own template), or when there is none such the default one, or
    else the first: the template's row, then its signatories, each with the file names of
    its images."""
    from wagtail.images import get_image_model

    from .models import CertificateSignatory

    templates, signatories = table(CertificateTemplate), table(CertificateSignatory)
    image, image_key, image_file = (
        table(get_image_model()),
        column(get_image_model(), "pk"),
        column(get_image_model(), "file"),
    )
    key = column(CertificateTemplate, "pk")
    chosen = (
        f"COALESCE((SELECT {key} FROM {templates} WHERE {key} = %s), "  # noqa: S608 - names quoted, values bound
        f"(SELECT {key} FROM {templates} WHERE {column(CertificateTemplate, 'is_default')}), "
        f"(SELECT MIN({key}) FROM {templates}))"
    )
    texts = ", ".join(f"t.{column(CertificateTemplate, name)}" for name in _SNAPSHOT_TEXTS)
    template = (
        f"SELECT t.{key}, {texts}, logo.{image_file}, background.{image_file} "  # noqa: S608 - names quoted, values bound
        f"FROM {templates} t "
        f"LEFT JOIN {image} logo ON logo.{image_key} = t.{column(CertificateTemplate, 'logo')} "
        f"LEFT JOIN {image} background "
        f"ON background.{image_key} = t.{column(CertificateTemplate, 'background_image')} "
        f"WHERE t.{key} = {chosen}"
    )
    signatory = ", ".join(
        f"s.{column(CertificateSignatory, name)}" for name in ("name", "position", "nip")
    )
    signature = column(CertificateSignatory, "signature_image")
    order = ", ".join(f"s.{column(CertificateSignatory, name)}" for name in ("sort_order", "pk"))
    people = (
        f"SELECT {signatory}, signature.{image_file} FROM {signatories} s "  # noqa: S608 - names quoted, values bound
        f"LEFT JOIN {image} signature ON signature.{image_key} = s.{signature} "
        f"WHERE s.{column(CertificateSignatory, 'template')} = {chosen} "
        f"ORDER BY {order}"
    )
    return [(template, [template_id]), (people, [template_id])]


def _template_from_rows(template_rows, signatory_rows) -> tuple[int, dict]:
    """(the template's id, its snapshot) from the rows of `_template_statements`; when there
    is no template at all, the demo one is made."""
    if not template_rows:
        demo = certificate_template_create_demo()
        return demo.pk, template_snapshot(demo)
    template_id, *texts, logo, background = template_rows[0]
    snapshot = dict(zip(_SNAPSHOT_TEXTS, texts, strict=True))
    snapshot["logo"], snapshot["background_image"] = logo or None, background or None
    snapshot["signatories"] = [
        {"name": name, "position": position, "nip": nip, "signature_image": image or None}
        for name, position, nip, image in signatory_rows
    ]
    return template_id, snapshot


def template_snapshot(template: CertificateTemplate) -> dict:
    """What of the template a certificate prints, frozen with it (as it is stored)."""
    return _template_from_rows(*statements_run(_template_statements(template.pk)))[1]


def certificate_template_for(course) -> tuple[int, dict]:
    """(id, snapshot) of the template a certificate of `course` prints: the course's own,
    or the default one (made, with its signatory, when there is no template at all)."""
    return _template_from_rows(
        *statements_run(_template_statements(getattr(course, "certificate_template_id", None)))
    )


# Issue


def serial_allocate(*, year: int, savepoint: str | None = None) -> int:
    """The next serial of `year`. The UPDATE locks the counter row until the caller's
    transaction ends, so concurrent issuers queue here and no number is skipped or doubled;
    a rolled-back issue rolls its number back too. With `savepoint`, a savepoint of that
    name is set first, in the same round trip."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("serial_allocate must run inside a transaction")
    serial = _counter_increment(year, savepoint=savepoint)
    if serial is None:
        try:
            with transaction.atomic():
                CertificateCounter.objects.create(year=year, last_serial=1)
            return 1
        except IntegrityError:  # another issuer created the year's row first
            serial = _counter_increment(year)
    return serial


def _counter_increment(year: int, *, savepoint: str | None = None) -> int | None:
    """Add one to the year's counter and return it (None when the year has no row yet), in
    one statement (after `savepoint`'s, when given): the row stays locked from here to the
    commit, so the less after, the better."""
    rows = _rows_after_savepoint((_counter_take_sql(), [year]), savepoint)
    return rows[0][0] if rows else None


def _rows_after_savepoint(statement: tuple[str, list], savepoint: str | None) -> list[tuple]:
    """The rows of `statement`, run after `savepoint` is set (when given), in one round trip
    on PostgreSQL."""
    before = [(connection.ops.savepoint_create_sql(savepoint), [])] if savepoint else []
    return statements_run([*before, statement])[-1]


def _counter_take_sql() -> str:
    """The UPDATE that adds one to the counter of the year it is given and returns it."""
    last, key = column(CertificateCounter, "last_serial"), column(CertificateCounter, "pk")
    return (
        f"UPDATE {table(CertificateCounter)} SET {last} = {last} + 1 "  # noqa: S608 - names quoted, values bound
        f"WHERE {key} = %s RETURNING {last}"
    )


def _person_statement(user_id: int) -> tuple[str, list]:
    """The statement that reads the name, NIP, position and unit name of `user_id`'s
    employee (no row when they have none), for `statements_run`."""
    from lms.organisasi.models import Employee, OrgUnit

    names = ", ".join(f"e.{column(Employee, n)}" for n in ("full_name", "nip", "position"))
    unit_key, employee_unit = column(OrgUnit, "pk"), column(Employee, "unit")
    return (
        f"SELECT {names}, u.{column(OrgUnit, 'name')} FROM {table(Employee)} e "  # noqa: S608 - names quoted, values bound
        f"JOIN {table(OrgUnit)} u ON u.{unit_key} = e.{employee_unit} "
        f"WHERE e.{column(Employee, 'user')} = %s",
        [user_id],
    )


def _person_held(user) -> tuple | None:
    """The employee's row of `_person_statement` from the employee the caller holds on
    `user` with their unit, or None when it holds none."""
    employee = user._state.fields_cache.get("employee")
    if employee is not None and "unit" in employee._state.fields_cache:
        return (employee.full_name, employee.nip, employee.position, employee.unit.name)
    return None


def _person_from(user, row) -> dict:
    if row is None:
        return {
            "full_name": user.get_full_name() or user.email,
            "nip": "",
            "position": "",
            "unit_name": "",
        }
    full_name, nip, position, unit_name = row
    return {"full_name": full_name, "nip": nip or "", "position": position, "unit_name": unit_name}


def person_snapshot(user) -> dict:
    """The name, NIP, position and unit a certificate prints, as they are now: from the
    employee the caller holds with their unit, else in one plain statement."""
    row = _person_held(user)
    if row is None:
        (rows,) = statements_run([_person_statement(user.pk)])
        row = rows[0] if rows else None
    return _person_from(user, row)


def _certificate_create(
    *,
    user,
    subject,
    facts: CertificateFacts,
    person: dict,
    template: tuple[int, dict],
    savepoint: str | None = None,
) -> Certificate:
    """The certificate row, numbered (the caller replaces the learner's stamp). `template`:
    (id, snapshot), as `certificate_template_for` gives it; `savepoint`: see
    `serial_allocate`."""
    now = timezone.localtime()
    template_id, snapshot = template
    cert = Certificate(
        user=user,
        course_id=subject.pk,
        year=now.year,
        code=verification_code_new(),
        issued_on=now.date(),
        course_code=facts.code,
        course_title=facts.title,
        jp=facts.jp,
        completed_on=timezone.localtime(facts.completed_at).date(),
        final_score=facts.final_score,
        template_id=template_id,
        template_version=snapshot["version"],
        template_snapshot=snapshot,
        render_requested_at=timezone.now(),
        **person,
    )
    # Nothing listens to a certificate's save: plain statements instead of the ORM's.
    if connection.vendor == "postgresql":
        if _numbered_insert(cert, snapshot["number_format"], month=now.month, savepoint=savepoint):
            return cert
        savepoint = None  # set by the statement that found the year without a counter
    cert.serial = serial_allocate(year=now.year, savepoint=savepoint)
    cert.number = format_number(
        snapshot["number_format"],
        serial=cert.serial,
        year=now.year,
        month=now.month,
        course_code=facts.code,
    )
    return row_insert(cert)


def _numbered_insert(cert: Certificate, number_format: str, *, month: int, savepoint) -> bool:
    """Take the next serial of the certificate's year and insert the certificate with it and
    its number, in one statement (after `savepoint`'s, when given, in the same round trip):
    the year's counter, which queues every issuer, is locked from here to the commit, and
    nothing is left to do in between but return. PostgreSQL. False, and nothing inserted,
    when the year has no counter yet."""
    last = column(CertificateCounter, "last_serial")
    taken = f"taken.{last}"
    number, number_values = number_sql(
        number_format, serial_sql=taken, year=cert.year, month=month, course_code=cert.course_code
    )
    insert, values = row_insert_select(
        cert, "taken", {"serial": (taken, []), "number": (number, number_values)}
    )
    returned = ", ".join(column(Certificate, name) for name in ("pk", "serial", "number"))
    statement = f"WITH taken AS ({_counter_take_sql()}) {insert} RETURNING {returned}"
    rows = _rows_after_savepoint((statement, [cert.year, *values]), savepoint)
    if not rows:
        return False
    key, cert.serial, cert.number = rows[0]
    row_saved(cert, key)
    return True


def _current_statement(*, user_id: int, course_id: int) -> tuple[str, list]:
    """The statement that reads the id of the person's current certificate of the course
    (any but a replaced one), for `statements_run`."""
    user, course, status = (column(Certificate, name) for name in ("user", "course", "status"))
    return (
        f"SELECT {column(Certificate, 'pk')} FROM {table(Certificate)} "  # noqa: S608 - names quoted, values bound
        f"WHERE {user} = %s AND {course} = %s AND {status} <> %s LIMIT 1",
        [user_id, course_id, Certificate.Status.REPLACED],
    )


def certificate_request(*, user, subject, facts: CertificateFacts, writes=()) -> Certificate:
    """The one entry point for a certificate: create the certificate of `user` for `subject`
    (the Wagtail page it certifies) once, whoever calls how often, freeze what it prints,
    give it its number, and have it rendered after the caller commits. Runs inside the
    caller's transaction: if completion rolls back, so does the certificate.

    What it reads before it numbers the certificate (whether the person has one already,
    their template with its signatories, and their employee's details when the caller holds
    none) travels in one round trip on PostgreSQL, after `writes`, the caller's statements
    not yet run (the completion's own)."""
    person_row = _person_held(user)
    statements = [
        _current_statement(user_id=user.pk, course_id=subject.pk),
        *_template_statements(facts.template_id),
    ]
    if person_row is None:
        statements.append(_person_statement(user.pk))
    current, *template_rows = statements_run([*writes, *statements])[len(writes) :]
    if current:
        return Certificate.objects.get(pk=current[0][0])
    if person_row is None:
        person_rows = template_rows.pop()
        person_row = person_rows[0] if person_rows else None
    template = _template_from_rows(*template_rows)
    # A savepoint, for a concurrent completion that creates the certificate first (a unique
    # constraint refuses the second): rolled back to, it takes this one's number back too.
    # Set in the counter's round trip and never released (the commit ends it), so that the
    # year's counter, which queues every issuer, stays locked for two round trips fewer.
    savepoint = f"certificate_{secrets.token_hex(4)}"
    try:
        cert = _certificate_create(
            user=user,
            subject=subject,
            facts=facts,
            person=_person_from(user, person_row),
            template=template,
            savepoint=savepoint,
        )
    except IntegrityError:  # a concurrent completion created it first
        transaction.savepoint_rollback(savepoint)
        return Certificate.objects.get(user=user, course=subject, status__in=_CURRENT_STATUSES)
    render_enqueue_on_commit(cert)
    return cert


_CURRENT_STATUSES = [
    Certificate.Status.PENDING,
    Certificate.Status.ISSUED,
    Certificate.Status.FAILED,
    Certificate.Status.REVOKED,
]


def render_enqueue_on_commit(cert: Certificate) -> None:
    """Enqueue the render once the transaction commits. A broker that is down must not turn
    a committed completion into an error page: the failure is logged. A message never sent
    leaves the certificate pending, and the pending sweeper enqueues it again."""
    pk, generation = cert.pk, cert.generation

    def enqueue():
        from .tasks import certificate_render_task

        try:
            certificate_render_task.delay(pk, generation)
        except Exception:
            log.warning("certificate %s: render not enqueued (broker down?)", pk, exc_info=True)

    transaction.on_commit(enqueue)


# Render


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

    Three statements and two commits per certificate: the attempt is counted (and the
    certificate found still pending) before rendering, so that a worker killed mid-render
    leaves its attempt on record; the row is read; then one transaction marks it issued
    (the UPDATE locks the row and checks it is still pending, so a second worker finds
    nothing to do and never touches the file), stores the file and claims the email.

    Attempts are bounded and spaced (`render_backoff`): a message that comes back before
    the next attempt is due (the broker redelivers it at once when a render killed its
    worker) does nothing, and the sweeper sends it again when it is; once every attempt
    was used up without an issue, the certificate is marked failed."""
    from .rendering import certificate_pdf

    pending = Certificate.objects.filter(
        pk=certificate_id, status=Certificate.Status.PENDING, generation=generation
    )
    if not _render_claim(pending):
        attempts = pending.values_list("attempts", flat=True).first()
        if attempts is not None and attempts >= settings.LMS_CERT_RENDER_MAX_ATTEMPTS:
            _mark_exhausted(certificate_id=certificate_id, generation=generation)
        elif attempts is not None:
            log.info("certificate %s: render attempt not due, left to the sweeper", certificate_id)
        return None
    cert = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if cert is None:
        return None
    pdf = certificate_pdf(cert)
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
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

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
    from lms.core.outbox import send_after_commit

    from .tasks import certificate_notify_task

    try:
        _issued_email(cert).send()
    except Exception:
        log.warning("certificate %s: email not sent, retrying in a task", cert.pk, exc_info=True)
        with transaction.atomic():
            Certificate.objects.filter(pk=cert.pk, notified_at=cert.notified_at).update(
                notified_at=None
            )
            send_after_commit(certificate_notify_task, cert.pk, countdown=60)


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


def _mark_exhausted(*, certificate_id: int, generation: int) -> None:
    """Every attempt started and none finished or failed on record: the worker died each
    time. Mark the certificate failed with that reason (and the last error seen, if any)."""
    limit = settings.LMS_CERT_RENDER_MAX_ATTEMPTS
    last = (
        Certificate.objects.filter(pk=certificate_id).values_list("error", flat=True).first() or ""
    )
    reason = _(
        "Pembuatan PDF dimulai %(n)s kali dan tidak pernah selesai (proses worker berhenti "
        "di tengah pembuatan)."
    ) % {"n": limit}
    if last:
        reason += " " + _("Kesalahan terakhir: %(error)s") % {"error": last}
    log.error(
        "certificate %s: %s render attempts, none finished: marked failed", certificate_id, limit
    )
    certificate_mark_failed(certificate_id=certificate_id, generation=generation, error=reason)


def certificate_notify(*, certificate_id: int) -> bool:
    """Email the owner that their certificate is ready, once."""
    with transaction.atomic():
        cert = (
            Certificate.objects.select_for_update()
            .select_related("user")
            .filter(pk=certificate_id, status=Certificate.Status.ISSUED, notified_at=None)
            .first()
        )
        if cert is None or not cert.user.email:
            return False
        _issued_email(cert).send()
        cert.notified_at = timezone.now()
        Certificate.objects.filter(pk=cert.pk).update(notified_at=cert.notified_at)
    return True


# Faults and bulk operations


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
        _mark_exhausted(certificate_id=pk, generation=generation)
    stale = list(
        due.filter(attempts__lt=limit).values_list("pk", "generation")[
            : settings.LMS_CERT_SWEEP_BATCH
        ]
    )
    if not stale:
        return 0
    from .tasks import certificate_render_task

    Certificate.objects.filter(pk__in=[pk for pk, _g in stale]).update(
        render_requested_at=now, render_sweeps=F("render_sweeps") + 1
    )
    sent = 0
    for pk, generation in stale:
        try:
            certificate_render_task.delay(pk, generation)
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
            cert = Certificate.objects.select_for_update().select_related("template").get(pk=pk)
            if cert.status not in (Certificate.Status.ISSUED, Certificate.Status.FAILED):
                continue
            snapshot = template_snapshot(cert.template)
            snapshot["number_format"] = cert.template_snapshot.get(
                "number_format", snapshot["number_format"]
            )
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


def certificate_retry_failed() -> int:
    return certificate_regenerate(
        certificates=Certificate.objects.filter(status=Certificate.Status.FAILED)
    )


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
        template_id=getattr(old.course.specific, "certificate_template_id", None),
    )
    new = _certificate_create(
        user=old.user,
        subject=old.course,
        facts=facts,
        person=person,
        template=certificate_template_for(old.course.specific),
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    learners_changed([new.user_id])
    render_enqueue_on_commit(new)
    return new
