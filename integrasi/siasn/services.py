"""The SIASN connector's writes: queue a completion when its certificate is issued, send it
(claimed, so two runs never send twice), retry what SIASN could not take, and let HR correct
and resend.

How "never twice" holds:
- one SiasnRecord per person and subject (a unique constraint; get_or_create);
- a send claims its record with one conditional UPDATE (queued and due, or a lease that ran
  out) before any call: a second run, or a second worker at the same moment, finds nothing to
  claim. The claim writes a lease token; every later write of that send filters on it, and
  the lease is renewed right before every call to SIASN: a send that outlived its lease (the
  record was taken by another run) stops before its next call and writes nothing;
- SIASN's id of the saved record is committed as soon as it comes back: a later attempt
  (the upload failed, the worker died) only uploads the document;
- a save whose answer never came (`save_unconfirmed`) is followed, next time, by a read of
  the person's records in SIASN, and a record carrying a certificate number that was sent
  (`sent_numbers`: a reissue in between changes the certificate's number) is adopted
  instead of saving again.

A programme and the courses of its curriculum are one training in the JP ledger (the course
credits are counted in the programme credit): SIASN gets the programme's JP less what its
courses' records carry, and a course completed after its programme was passed is not sent
(status "Tidak dikirim"), so SIASN's hours add up to the ledger's.

Retries are rows, not Celery ETA messages: the record's `next_attempt_at` and an outbox message
with a countdown, both written in one transaction. A message waiting hours in a broker would be
delivered again (Redis' visibility timeout) and lost with a flushed broker; the row is neither.
The sweeper (`siasn_sweep`) sends again what a lost message or a dead worker left behind.
"""

import datetime
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kursus.models import CoursePage, Enrollment, JPCredit
from lms.core.outbox import send_after_commit
from lms.organisasi.models import Employee
from program.models import ProgrammePage
from sertifikat.models import Certificate

from ..models import SiasnRecord, SiasnSendLog, SiasnTrainingType
from .client import (
    Exchange,
    SiasnClient,
    SiasnError,
    SiasnLeaseLost,
    SiasnRejected,
    SiasnUnavailable,
    mask,
)
from .mapping import CourseFacts, Organiser, TrainingType, course_record_fields, record_matching

log = logging.getLogger(__name__)

# Queued by name (the tasks module imports the services, not the other way round).
SEND_TASK = "integrasi.siasn.tasks.siasn_record_send_task"
SWEEP_BATCH = 500
# Steps whose successful answers carry a person's data from SIASN: not kept in the audit row.
PERSONAL_ANSWERS = (SiasnSendLog.Step.PERSON, SiasnSendLog.Step.LOOKUP)

S = SiasnRecord.Status


def siasn_is_enabled() -> bool:
    return bool(settings.LMS_SIASN_ENABLED)


def retry_delay(attempt: int) -> datetime.timedelta:
    """The wait after failed attempt `attempt` (1, 2, ...): doubling, capped."""
    seconds = settings.LMS_SIASN_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1)
    return datetime.timedelta(seconds=min(seconds, settings.LMS_SIASN_RETRY_MAX_SECONDS))


def _queue(record_id: int, *, countdown: int = 0) -> None:
    send_after_commit(SEND_TASK, record_id, countdown=countdown)


# Queueing


def siasn_record_queue(*, certificate_id: int) -> SiasnRecord | None:
    """Queue the completion certified by `certificate_id` for SIASN, if the connector is on
    and its owner is a PNS or PPPK with a NIP. Called inside the issuing transaction; the
    send runs in a worker after it commits. A certificate reissued for the same person and
    subject points the existing record at itself and queues nothing new."""
    if not siasn_is_enabled():
        return None
    cert = Certificate.objects.filter(pk=certificate_id).only("pk", "user_id", "subject_id").first()
    if cert is None:
        return None
    is_asn = (
        Employee.objects.filter(
            user_id=cert.user_id,
            employment_type__in=Employee.NIP_REQUIRED,
            nip__isnull=False,
        )
        .exclude(nip="")
        .exists()
    )
    if not is_asn:
        return None
    record, created = SiasnRecord.objects.get_or_create(
        user_id=cert.user_id,
        subject_id=cert.subject_id,
        defaults={"certificate_id": cert.pk, "next_attempt_at": timezone.now()},
    )
    if created:
        _queue(record.pk)
    elif record.certificate_id != cert.pk:
        changes = {"certificate_id": cert.pk}
        if record.status in (S.NEEDS_FIX, S.FAILED) and not record.siasn_record_id:
            # Stopped before SIASN had it (e.g. its certificate was being replaced): the new
            # certificate sends it, attempts counted afresh.
            changes.update(status=S.QUEUED, attempts=0, next_attempt_at=timezone.now())
        SiasnRecord.objects.filter(pk=record.pk).update(**changes)
        for name, value in changes.items():
            setattr(record, name, value)
        if record.status == S.QUEUED and "attempts" in changes:
            _queue(record.pk)
    return record


# Sending


@dataclass(frozen=True)
class SendResult:
    status: str  # a SiasnRecord.Status, or "" when this run did nothing (not claimed)
    reason: str = ""


def _lease_end() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.LMS_SIASN_LEASE_SECONDS)


def _claim(record_id: int) -> uuid.UUID | None:
    """Take the record for one send: queued and due, or held by a send whose lease ran out
    (its worker died, or is stuck). One UPDATE: of two runs at once, one gets it. Returns
    the send's lease token, or None if not claimed."""
    now = timezone.now()
    due = Q(status=S.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(status=S.SENDING, lease_until__lt=now)
    token = uuid.uuid4()
    claimed = (
        SiasnRecord.objects.filter(pk=record_id)
        .filter(due | abandoned)
        .update(
            status=S.SENDING,
            lease_until=_lease_end(),
            lease_token=token,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    )
    return token if claimed else None


def _held(record: SiasnRecord):
    """The record as long as this send holds it (its lease token)."""
    return SiasnRecord.objects.filter(
        pk=record.pk, status=S.SENDING, lease_token=record.lease_token
    )


def _renew(record: SiasnRecord) -> None:
    """Extend this send's lease, right before a call to SIASN; SiasnLeaseLost if another run
    took the record meanwhile (this one outlived its lease)."""
    if not _held(record).update(lease_until=_lease_end()):
        raise SiasnLeaseLost


def _training_type(record: SiasnRecord) -> TrainingType | str | None:
    """The record's training type: its own correction, else the mapping of its course's
    category or the row for programmes. None if unmapped; a str (the reason) if the subject
    is neither a course nor a programme."""
    if record.jenis_diklat_id:
        return TrainingType(record.jenis_diklat_id, record.training_label)
    course = CoursePage.objects.filter(pk=record.subject_id).values("category_id").first()
    if course is not None:
        row = SiasnTrainingType.objects.filter(category_id=course["category_id"]).first()
    elif ProgrammePage.objects.filter(pk=record.subject_id).exists():
        row = SiasnTrainingType.objects.filter(
            applies_to=SiasnTrainingType.AppliesTo.PROGRAMME
        ).first()
    else:
        return _("Yang disertifikasi bukan kursus atau program.")
    return TrainingType(row.jenis_diklat_id, row.label) if row else None


def _jp_to_send(record: SiasnRecord, cert: Certificate) -> tuple[str, int | None]:
    """What SIASN gets of the record's JP, by the JP ledger: (a reason not to send it, "" to
    send) and the JP to send (None: the certificate's).

    A programme and its curriculum courses are one training: the programme's record carries
    its credit's JP (which already leaves out course credits of earlier years) less the JP of
    the courses counted in it that have a SIASN record of their own (sent or to be sent);
    none left, it is not sent. A course completed after its programme was passed is counted
    in the programme already: not sent."""
    credits = JPCredit.objects.filter(user_id=record.user_id)
    course_credit = (
        credits.filter(course_id=record.subject_id, counted_in__isnull=False)
        .select_related("counted_in__programme")
        .first()
    )
    if course_credit is not None:
        programme_credit = course_credit.counted_in
        if course_credit.completed_at > programme_credit.completed_at:
            return _("JP kursus ini sudah tercatat dalam program %(title)s.") % {
                "title": programme_credit.programme.title
            }, None
        return "", None
    programme_credit = credits.filter(programme_id=record.subject_id).first()
    if programme_credit is None:
        return "", None
    with_records = SiasnRecord.objects.filter(
        user_id=record.user_id, subject_id__in=programme_credit.covered_course_ids or ()
    ).exclude(status=S.SKIPPED)
    courses_jp = sum(
        programme_credit.covers.filter(
            completed_at__lte=programme_credit.completed_at,
            course_id__in=with_records.values("subject_id"),
        ).values_list("jp", flat=True)
    )
    jp = max(0, programme_credit.jp - courses_jp)
    if jp == 0:
        return _("JP program sudah tercatat lewat kursus-kursusnya."), None
    return "", jp


def _unmapped_reason(record: SiasnRecord) -> str:
    category = (
        CoursePage.objects.filter(pk=record.subject_id)
        .values_list("category__name", flat=True)
        .first()
    )
    if category:
        return _(
            "Jenis diklat SIASN untuk kategori kursus \u201c%(category)s\u201d belum diatur. "
            "Atur di menu Integrasi \u203a SIASN: jenis diklat, lalu kirim ulang."
        ) % {"category": category}
    return _(
        "Jenis diklat SIASN untuk program belum diatur. Atur di menu Integrasi \u203a SIASN: "
        "jenis diklat, lalu kirim ulang."
    )


def _facts(cert: Certificate, *, jp: int | None = None) -> CourseFacts:
    if cert.period_start:
        started = cert.period_start
        ended = cert.period_end or cert.completed_on
    else:
        enrolled = (
            Enrollment.objects.filter(user_id=cert.user_id, course_id=cert.subject_id)
            .values_list("enrolled_at", flat=True)
            .first()
        )
        started = timezone.localtime(enrolled).date() if enrolled else cert.completed_on
        ended = cert.completed_on
    return CourseFacts(
        title=cert.course_title,
        jp=cert.jp if jp is None else jp,
        number=cert.number or "",
        started_on=started,
        completed_on=ended,
    )


def _organiser() -> Organiser:
    return Organiser(
        institusi_penyelenggara=settings.LMS_SIASN_INSTITUSI_PENYELENGGARA,
        instansi_id=settings.LMS_SIASN_INSTANSI_ID,
        lokasi_id=settings.LMS_SIASN_LOKASI_ID,
    )


def _log(
    record: SiasnRecord,
    step: str,
    request: dict,
    *,
    exchange: Exchange | None = None,
    error: SiasnError | None = None,
    duration_ms: int = 0,
) -> None:
    if error is None:
        outcome = SiasnSendLog.Outcome.OK
    elif isinstance(error, SiasnRejected):
        outcome = SiasnSendLog.Outcome.REJECTED
    else:
        outcome = SiasnSendLog.Outcome.RETRY
    excerpt = exchange.excerpt if exchange else ""
    if step in PERSONAL_ANSWERS and error is None:
        # A person's data from SIASN (birth date, address...) is not ours to keep: only
        # what was taken from it is (the record's pnsOrangId, an adopted record id).
        excerpt = ""
    SiasnSendLog.objects.create(
        record=record,
        step=step,
        request=request,
        status_code=exchange.status_code if exchange else None,
        response_excerpt=excerpt,
        outcome=outcome,
        error=error.message if error else "",
        duration_ms=exchange.duration_ms if exchange else duration_ms,
    )


def _step(record, step, request, call):
    """Run `call()` (one SIASN call), write its audit row, return its result."""
    started = time.monotonic()
    try:
        result = call()
    except SiasnError as exc:
        _log(
            record,
            step,
            request,
            exchange=exc.exchange,
            error=exc,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        raise
    exchange = result[1] if isinstance(result, tuple) else result
    _log(record, step, request, exchange=exchange)
    return result


def _set(record: SiasnRecord, **fields) -> None:
    """Commit `fields` of the record now (each step's progress outlives a crash after it),
    if this send still holds it; SiasnLeaseLost if not."""
    if not _held(record).update(**fields):
        raise SiasnLeaseLost
    for name, value in fields.items():
        setattr(record, name, value)


def _finish(record: SiasnRecord, status: str, reason: str = "", **fields) -> SendResult:
    """End this send with `status`, if it still holds the record (else nothing changes and
    the result is "" like an unclaimed run)."""
    done = _held(record).update(
        status=status, reason=reason[:2000], lease_until=None, lease_token=None, **fields
    )
    return SendResult(status=status, reason=reason) if done else SendResult(status="")


def _retry_later(record: SiasnRecord, reason: str) -> SendResult:
    attempts = SiasnRecord.objects.filter(pk=record.pk).values_list("attempts", flat=True).first()
    if attempts >= settings.LMS_SIASN_MAX_ATTEMPTS:
        return _finish(
            record,
            S.FAILED,
            _("%(reason)s Sudah dicoba %(n)s kali; kirim ulang bila SIASN sudah pulih.")
            % {"reason": reason, "n": attempts},
            next_attempt_at=None,
        )
    wait = retry_delay(attempts)
    next_at = timezone.now() + wait
    with transaction.atomic():
        result = _finish(
            record,
            S.QUEUED,
            _("%(reason)s Dicoba lagi otomatis pada %(at)s.")
            % {"reason": reason, "at": timezone.localtime(next_at).strftime("%d-%m-%Y %H:%M")},
            next_attempt_at=next_at,
        )
        if result.status:
            _queue(record.pk, countdown=int(wait.total_seconds()))
    return result


def siasn_record_send(*, record_id: int) -> SendResult:
    """Send one record to SIASN, if it can be claimed: find the person's SIASN id, save the
    course record (unless SIASN already has it), upload the signed certificate. Idempotent:
    a second run (a redelivered message, the sweeper) finds the record claimed or done."""
    if not siasn_is_enabled():
        return SendResult(status="")
    token = _claim(record_id)
    if token is None:
        return SendResult(status="")
    record = SiasnRecord.objects.select_related("certificate").get(pk=record_id)
    record.lease_token = token
    try:
        return _send(record)
    except SiasnLeaseLost:
        log.warning("SIASN record %s: lease lost mid-send; left to the run that took it", record_id)
        return SendResult(status="")
    except SiasnRejected as exc:
        return _finish(record, S.NEEDS_FIX, exc.message, next_attempt_at=None)
    except SiasnUnavailable as exc:
        return _retry_later(record, exc.message)
    except Exception as exc:  # a fault of ours (a missing file...): retried, and logged
        log.exception("SIASN record %s: send failed", record_id)
        return _retry_later(
            record, mask(_("Kesalahan di LMS: %(error)s.") % {"error": type(exc).__name__})
        )


def _send(record: SiasnRecord) -> SendResult:
    cert = record.certificate
    if cert.status == Certificate.Status.REPLACED and not record.siasn_record_id:
        # A reissue: the new certificate is still being made, and its issue points the
        # record at it. Until then, wait (and the sweeper/retry sends it afterwards).
        raise SiasnUnavailable(
            _("Sertifikat %(number)s sedang diganti; menunggu sertifikat penggantinya terbit.")
            % {"number": cert.number_label}
        )
    if cert.status != Certificate.Status.ISSUED or not cert.number or not cert.pdf:
        return _finish(
            record,
            S.NEEDS_FIX,
            _("Sertifikat %(number)s tidak berlaku (%(status)s); tidak dikirim.")
            % {"number": cert.number_label, "status": cert.get_status_display()},
            next_attempt_at=None,
        )
    training = _training_type(record)
    if isinstance(training, str):
        return _finish(record, S.NEEDS_FIX, training, next_attempt_at=None)
    if training is None:
        return _finish(record, S.NEEDS_FIX, _unmapped_reason(record), next_attempt_at=None)
    employee = Employee.objects.filter(user_id=record.user_id).values_list("nip", flat=True).first()
    nip = employee or cert.nip
    if not nip:
        return _finish(record, S.NEEDS_FIX, _("Pegawai tidak memiliki NIP."), next_attempt_at=None)
    # What SIASN holds, or may hold (a save unconfirmed), is never marked not to send.
    skipped, jp = ("", None) if record.siasn_record_id else _jp_to_send(record, cert)
    if skipped and not record.save_unconfirmed:
        return _finish(record, S.SKIPPED, skipped, next_attempt_at=None)
    client = SiasnClient(before_call=lambda: _renew(record))

    if not record.pns_orang_id:
        known = (
            SiasnRecord.objects.filter(user_id=record.user_id)
            .exclude(pns_orang_id="")
            .values_list("pns_orang_id", flat=True)
            .first()
        )
        if not known:
            known, _exchange = _step(
                record, SiasnSendLog.Step.PERSON, {"nip": nip}, lambda: client.person_get(nip)
            )
        _set(record, pns_orang_id=known)

    if not record.siasn_record_id and record.save_unconfirmed:
        records, _exchange = _step(
            record, SiasnSendLog.Step.LOOKUP, {"nip": nip}, lambda: client.course_records(nip)
        )
        numbers = [*record.sent_numbers, record.payload.get("nomorSertipikat"), cert.number]
        found = None
        for number in dict.fromkeys(n for n in numbers if n):
            found = found or record_matching(records, number=number)
        if found:
            _set(record, siasn_record_id=found, save_unconfirmed=False)
        elif skipped:
            return _finish(record, S.SKIPPED, skipped, next_attempt_at=None, save_unconfirmed=False)

    if not record.siasn_record_id:
        fields = course_record_fields(
            facts=_facts(cert, jp=jp),
            training=training,
            organiser=_organiser(),
            pns_orang_id=record.pns_orang_id,
        )
        # Marked before the call: if its answer never comes, the next attempt looks first,
        # for any number sent so far.
        sent = list(dict.fromkeys([*record.sent_numbers, fields["nomorSertipikat"]]))
        _set(record, payload=fields, save_unconfirmed=True, sent_numbers=sent)
        try:
            record_id, _exchange = _step(
                record, SiasnSendLog.Step.SAVE, fields, lambda: client.course_save(fields)
            )
        except SiasnRejected:
            _set(record, save_unconfirmed=False)
            raise
        _set(record, siasn_record_id=record_id, save_unconfirmed=False)

    if not record.document_uploaded:
        with cert.pdf.open("rb") as handle:
            content = handle.read()
        filename = f"sertifikat-{cert.code}.pdf"
        request = {
            "id_riwayat": record.siasn_record_id,
            "id_ref_dokumen": str(settings.LMS_SIASN_DOCUMENT_REF_ID),
            "file": {"name": filename, "sha256": hashlib.sha256(content).hexdigest()},
        }
        _step(
            record,
            SiasnSendLog.Step.UPLOAD,
            request,
            lambda: client.document_upload(
                record_id=record.siasn_record_id, filename=filename, content=content
            ),
        )
        _set(record, document_uploaded=True)

    return _finish(record, S.SENT, "", sent_at=timezone.now(), next_attempt_at=None)


# Corrections by HR, and the sweeper


@transaction.atomic
def siasn_record_resend(
    *,
    record: SiasnRecord,
    by,
    pns_orang_id: str | None = None,
    training: SiasnTrainingType | None = None,
) -> SiasnRecord:
    """HR's "Perbaiki & kirim ulang": take the corrections (the person's SIASN id; a
    training type for this record) and queue the record again, attempts counted afresh.
    A record already sent, or being sent, is not touched. A record SIASN holds already
    (its id is known) takes no correction: SIASN would keep the uncorrected record while the
    LMS said "Terkirim"; it is queued only to upload its document again."""
    locked = SiasnRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status in (S.SENT, S.SENDING):
        raise ValidationError(
            _("Data ini sudah terkirim ke SIASN.")
            if locked.status == S.SENT
            else _("Data ini sedang dikirim; coba lagi sebentar lagi.")
        )
    if locked.siasn_record_id and (
        training is not None
        or (pns_orang_id is not None and pns_orang_id.strip() != locked.pns_orang_id)
    ):
        raise ValidationError(
            _(
                "Data ini sudah tersimpan di SIASN (ID riwayat %(id)s): pegawai dan jenis "
                "diklatnya harus diperbaiki langsung di SIASN. Dari sini hanya sertifikatnya "
                "yang dapat diunggah ulang."
            )
            % {"id": locked.siasn_record_id}
        )
    changes = {
        "status": S.QUEUED,
        "attempts": 0,
        "next_attempt_at": timezone.now(),
        "lease_until": None,
        "reason": _("Dikirim ulang oleh %(name)s.") % {"name": by.get_full_name() or by.email},
    }
    if locked.siasn_record_id:
        changes["document_uploaded"] = False
    if pns_orang_id is not None:
        changes["pns_orang_id"] = pns_orang_id.strip()
    if training is not None:
        changes["jenis_diklat_id"] = training.jenis_diklat_id
        changes["training_label"] = training.label
    SiasnRecord.objects.filter(pk=locked.pk).update(**changes)
    _queue(locked.pk)
    locked.refresh_from_db()
    return locked


def siasn_sweep(*, limit: int = SWEEP_BATCH) -> int:
    """Queue again what a lost message or a dead worker left: records queued and overdue by
    the outbox's grace, and sends whose lease ran out. A duplicate message does nothing (the
    claim). Returns how many were queued."""
    if not siasn_is_enabled():
        return 0
    now = timezone.now()
    grace = datetime.timedelta(seconds=settings.LMS_OUTBOX_GRACE_SECONDS * 10)
    ids = list(
        SiasnRecord.objects.filter(
            Q(status=S.QUEUED, next_attempt_at__lte=now - grace)
            | Q(status=S.SENDING, lease_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        for pk in ids:
            _queue(pk)
    return len(ids)
