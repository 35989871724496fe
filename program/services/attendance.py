"""Attendance at a cohort's sessions: the rotating check-in codes, a learner's check-in, and
the facilitator's marking with its audit.

The QR token and the typed code are derived from a per-session secret and the current time
step (HMAC-SHA256 of the session id and the step number), so nothing is stored per step and
every node computes the same code. The current and the previous step are accepted, so that a
code scanned a moment before it changes still counts; anything older is refused."""

import base64
import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..models import (
    Attendance,
    AttendanceChange,
    Cohort,
    CohortSession,
    Participant,
    SessionCheckinKey,
)

# Letters and digits nobody confuses when reading them off a screen (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
TOKEN_MAC_CHARS = 16


class CheckinError(Exception):
    """A check-in refused, with the Indonesian message the learner reads (and the session,
    when the code named one)."""

    session = None


@dataclass(frozen=True)
class CheckinCodes:
    """What the facilitator's screen shows now: the QR token, the typed code, and how many
    seconds they stay current."""

    token: str
    code: str
    seconds_left: int
    step_seconds: int


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    created: bool


def _step_seconds() -> int:
    return settings.LMS_ATTENDANCE_CODE_STEP_SECONDS


def _step(now: datetime.datetime) -> int:
    return int(now.timestamp()) // _step_seconds()


def _mac(secret: str, session_id: int, step: int, purpose: str) -> bytes:
    message = f"{purpose}:{session_id}:{step}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def _token_for(secret: str, session_id: int, step: int) -> str:
    mac = base64.urlsafe_b64encode(_mac(secret, session_id, step, "qr")).decode()
    return f"{session_id}-{mac[:TOKEN_MAC_CHARS]}"


def _code_for(secret: str, session_id: int, step: int) -> str:
    number = int.from_bytes(_mac(secret, session_id, step, "code")[:8], "big")
    chars = []
    for _i in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def normalize_code(text: str) -> str:
    """What a learner typed, as a code: spaces and dashes dropped, upper case, and the
    look-alikes read as the letter or digit the alphabet holds."""
    text = "".join(ch for ch in text.upper() if ch.isalnum())
    return text.translate(str.maketrans({"0": "Q", "O": "Q", "S": "5", "Z": "2", "B": "8"}))


def checkin_window(session: CohortSession) -> tuple[datetime.datetime, datetime.datetime]:
    """When codes of `session` are accepted: from a while before its start until its end."""
    opens = session.starts_at - datetime.timedelta(
        minutes=settings.LMS_ATTENDANCE_OPENS_MINUTES_BEFORE
    )
    return opens, session.ends_at


def checkin_window_error(session: CohortSession, now: datetime.datetime) -> str | None:
    """Why a code of `session` cannot be used at `now`, or None while its window is open."""
    opens, closes = checkin_window(session)
    if now < opens:
        local = timezone.localtime(opens)
        return _(
            "Presensi sesi ini belum dibuka. Kode hadir dapat dipakai mulai pukul %(time)s "
            "tanggal %(date)s."
        ) % {"time": local.strftime("%H.%M"), "date": local.strftime("%d-%m-%Y")}
    if now > closes:
        return _("Sesi ini sudah selesai; presensi dengan kode hadir sudah ditutup.")
    return None


def checkin_key_get_or_create(*, session: CohortSession) -> SessionCheckinKey:
    key, _created = SessionCheckinKey.objects.get_or_create(
        session=session, defaults={"secret": secrets.token_urlsafe(32)}
    )
    return key


def checkin_codes(
    *, session: CohortSession, key: SessionCheckinKey, now: datetime.datetime | None = None
) -> CheckinCodes:
    """The token and the typed code current at `now`, for the facilitator's screen."""
    now = now or timezone.now()
    step = _step(now)
    left = _step_seconds() - int(now.timestamp()) % _step_seconds()
    return CheckinCodes(
        token=_token_for(key.secret, session.pk, step),
        code=_code_for(key.secret, session.pk, step),
        seconds_left=left,
        step_seconds=_step_seconds(),
    )


def _recent_steps(now: datetime.datetime) -> tuple[int, int]:
    step = _step(now)
    return step, step - 1


def token_session_id(token: str) -> int | None:
    head, _sep, mac = token.partition("-")
    if not head.isdigit() or len(mac) != TOKEN_MAC_CHARS or len(head) > 12:
        return None
    return int(head)


def token_is_current(*, token: str, key: SessionCheckinKey, now: datetime.datetime) -> bool:
    return any(
        hmac.compare_digest(token, _token_for(key.secret, key.session_id, step))
        for step in _recent_steps(now)
    )


def code_is_current(*, code: str, key: SessionCheckinKey, now: datetime.datetime) -> bool:
    return any(
        hmac.compare_digest(code, _code_for(key.secret, key.session_id, step))
        for step in _recent_steps(now)
    )


def _status_at(session: CohortSession, now: datetime.datetime) -> str:
    late_from = session.starts_at + datetime.timedelta(
        minutes=settings.LMS_ATTENDANCE_LATE_AFTER_MINUTES
    )
    return Attendance.Status.LATE if now > late_from else Attendance.Status.PRESENT


NOT_A_PARTICIPANT = _lazy(
    "Anda tidak terdaftar sebagai peserta aktif angkatan sesi ini, sehingga kehadiran tidak "
    "dicatat. Hubungi panitia bila ini keliru."
)
STALE_TOKEN = _lazy(
    "Kode QR ini sudah tidak berlaku (kode berganti setiap 30 detik). Pindai lagi kode yang "
    "sedang tampil di layar fasilitator."
)


def attendance_check_in(
    *, user, session: CohortSession, source: str, now: datetime.datetime | None = None
) -> CheckinResult:
    """Record that `user` is at `session` (the code was already checked). Only an active
    participant of the session's cohort; once per person, whatever was recorded first stays
    (a second scan, or a scan after the facilitator marked them, changes nothing)."""
    participant_id = (
        Participant.objects.filter(
            cohort_id=session.cohort_id, user=user, status=Participant.Status.ACTIVE
        )
        .values_list("pk", flat=True)
        .first()
    )
    return _check_in(session, participant_id, source, now or timezone.now())


def attendance_check_in_with_token(
    *, user, token: str, now: datetime.datetime | None = None
) -> tuple[CohortSession, CheckinResult]:
    """The QR code's check-in in three queries: the session with its key and the learner's
    active place in its cohort (one query), the insert, the row that stands. Raises
    CheckinError (with the session when known) for a stale or forged token, outside the
    window, or for someone who is not an active participant."""
    now = now or timezone.now()
    session_id = token_session_id(token)
    key = None
    if session_id is not None:
        places = Participant.objects.filter(
            cohort_id=OuterRef("session__cohort_id"),
            user_id=user.pk,
            status=Participant.Status.ACTIVE,
        ).values("pk")[:1]
        key = (
            SessionCheckinKey.objects.select_related("session")
            .annotate(participant_pk=Subquery(places))
            .filter(session_id=session_id)
            .first()
        )
    if key is None or not token_is_current(token=token, key=key, now=now):
        raise CheckinError(str(STALE_TOKEN))
    try:
        return key.session, _check_in(key.session, key.participant_pk, Attendance.Source.QR, now)
    except CheckinError as exc:
        exc.session = key.session
        raise


def _check_in(
    session: CohortSession, participant_id: int | None, source: str, now: datetime.datetime
) -> CheckinResult:
    error = checkin_window_error(session, now)
    if error:
        raise CheckinError(error)
    if participant_id is None:
        raise CheckinError(str(NOT_A_PARTICIPANT))
    row = Attendance(
        session=session,
        participant_id=participant_id,
        status=_status_at(session, now),
        source=source,
        checked_in_at=now,
    )
    # One INSERT that a duplicate (the same person twice, two phones) leaves alone, then one
    # SELECT of whatever row stands: race-free on every database, and no savepoint.
    Attendance.objects.bulk_create([row], ignore_conflicts=True)
    stored = Attendance.objects.get(session=session, participant_id=participant_id)
    created = stored.source == source and stored.checked_in_at == now
    return CheckinResult(attendance=stored, created=created)


def sessions_open_for_user(*, user, now: datetime.datetime):
    """The sessions of `user`'s active cohorts whose check-in window is open at `now`, with
    their code keys: what a typed code is compared against."""
    before = datetime.timedelta(minutes=settings.LMS_ATTENDANCE_OPENS_MINUTES_BEFORE)
    return list(
        CohortSession.objects.filter(
            cohort__participants__user=user,
            cohort__participants__status=Participant.Status.ACTIVE,
            starts_at__lte=now + before,
            ends_at__gte=now,
            checkin_key__isnull=False,
        ).select_related("checkin_key")
    )


def session_for_code(*, user, code: str, now: datetime.datetime) -> CohortSession:
    """The session whose current (or previous) typed code is `code`, among the sessions the
    learner takes part in that are open now. Raise CheckinError otherwise."""
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        raise CheckinError(_("Kode hadir terdiri atas 6 huruf dan angka."))
    open_sessions = sessions_open_for_user(user=user, now=now)
    if not open_sessions:
        raise CheckinError(_("Tidak ada sesi angkatan Anda yang sedang membuka presensi saat ini."))
    found = [s for s in open_sessions if code_is_current(code=code, key=s.checkin_key, now=now)]
    if len(found) != 1:
        # Two sessions showing the same code at once is all but impossible; if it happens,
        # the next code (in at most 30 seconds) tells them apart.
        raise CheckinError(
            _(
                "Kode hadir tidak cocok atau sudah kedaluwarsa. Ketik kode yang sedang tampil "
                "di layar fasilitator."
            )
        )
    return found[0]


@dataclass(frozen=True)
class Mark:
    """The facilitator's decision for one participant on the attendance sheet."""

    participant_id: int
    status: str
    reason: str = ""


class MarkingError(Exception):
    """The sheet was refused as a whole; `errors` maps participant ids to messages."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@transaction.atomic
def attendance_mark_many(*, session: CohortSession, marks: list[Mark], by) -> int:
    """Save the attendance sheet of `session` in one go: each changed status is written with
    an audit row (who, when, from, to, why). Changing a status already recorded needs a
    reason; a participant who is not active in the cohort is refused. Nothing is saved if any
    line is refused. Returns the number of changes. A closed cohort's attendance is frozen
    with its grades (the cohort row is locked, as closing it locks it)."""
    cohort = Cohort.objects.select_for_update().get(pk=session.cohort_id)
    if cohort.is_closed:
        message = _("Angkatan sudah ditutup; kehadiran dan nilai sudah dibekukan.")
        raise MarkingError({m.participant_id: message for m in marks} or {0: message})
    valid = {choice for choice, _label in Attendance.Status.choices}
    active = set(
        Participant.objects.filter(
            cohort_id=session.cohort_id, status=Participant.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    existing = {
        row.participant_id: row
        for row in Attendance.objects.select_for_update().filter(
            session=session, participant_id__in=[m.participant_id for m in marks]
        )
    }
    errors: dict[int, str] = {}
    creates, updates, changes = [], [], []
    now = timezone.now()
    for mark in marks:
        if mark.participant_id not in active:
            errors[mark.participant_id] = _("Bukan peserta aktif angkatan ini.")
            continue
        if mark.status not in valid:
            errors[mark.participant_id] = _("Pilihan kehadiran tidak dikenal.")
            continue
        reason = mark.reason.strip()[:300]
        row = existing.get(mark.participant_id)
        if row is not None and row.status == mark.status:
            continue
        if row is not None and not reason:
            errors[mark.participant_id] = _(
                "Tuliskan alasan mengubah kehadiran yang sudah tercatat."
            )
            continue
        changes.append(
            AttendanceChange(
                session=session,
                participant_id=mark.participant_id,
                old_status=row.status if row else "",
                new_status=mark.status,
                source=Attendance.Source.MANUAL,
                reason=reason,
                changed_by=by,
            )
        )
        if row is None:
            creates.append(
                Attendance(
                    session=session,
                    participant_id=mark.participant_id,
                    status=mark.status,
                    source=Attendance.Source.MANUAL,
                    updated_by=by,
                )
            )
        else:
            row.status, row.source, row.updated_by, row.updated_at = (
                mark.status,
                Attendance.Source.MANUAL,
                by,
                now,
            )
            updates.append(row)
    if errors:
        raise MarkingError(errors)
    if creates:
        # A learner's scan may land between reading and writing: then their row stands and the
        # sheet is refused, to be saved again over what is now there.
        created = Attendance.objects.bulk_create(creates, ignore_conflicts=True)
        stored = Attendance.objects.filter(
            session=session, participant_id__in=[c.participant_id for c in created]
        ).exclude(source=Attendance.Source.MANUAL)
        if stored.exists():
            raise MarkingError(
                {
                    row.participant_id: _(
                        "Peserta ini baru saja mencatat kehadiran sendiri; muat ulang lembar."
                    )
                    for row in stored
                }
            )
    if updates:
        Attendance.objects.bulk_update(updates, ["status", "source", "updated_by", "updated_at"])
    AttendanceChange.objects.bulk_create(changes)
    return len(changes)
