"""An online meeting's participant report (Zoom's CSV) turned into attendance.

Reading is whole-file: the participants' header is found below Zoom's "Meeting ID" preamble
(English or Indonesian column names), every row's join and leave time must parse, or the file
is refused with the line that is wrong and nothing is saved. Each row is matched to an active
participant of the cohort by email, then by an 18-digit NIP written in the name, then by the
exact normalised full name when exactly one participant has it; a name two participants share
is ambiguous and never guessed. A row Zoom marks as a guest ("Guest"/"Tamu" = Yes) is never
matched at all, not even by email: the facilitator assigns it by hand. A person's rows
(several joins, a restarted meeting) are merged: their minutes are the union of their
intervals inside the session, so overlaps do not count twice. Present from the report's
minimum share of the session's length, absent below it (the minutes are kept). Rows left
unmatched, ambiguous or of guests are stored for the facilitator to assign or ignore;
nothing is recorded for them until then.

What a report does not override: a facilitator's own mark (unless the upload says so), and a
learner's presence from the QR code or typed code (a report never turns it into absence)."""

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.spreadsheets import SpreadsheetError, csv_rows

from ..models import (
    Attendance,
    AttendanceChange,
    Cohort,
    CohortSession,
    Participant,
    ParticipantReport,
    ParticipantReportLine,
)


class ReportError(Exception):
    """The file is refused as a whole; the message names the line."""


# Column names Zoom writes, in English and Indonesian, normalised (see _header_key).
COLUMNS = {
    "name": {"name (original name)", "name", "nama (nama asli)", "nama", "participant", "peserta"},
    "email": {"user email", "email", "email pengguna", "alamat email"},
    "join": {"join time", "waktu bergabung", "waktu gabung", "bergabung"},
    "leave": {"leave time", "waktu keluar", "waktu meninggalkan", "keluar"},
    "duration": {"duration (minutes)", "duration (minute)", "durasi (menit)", "durasi"},
    "guest": {"guest", "tamu"},
}
REQUIRED = ("name", "join", "leave")
YES = {"yes", "ya", "true", "1", "y"}

TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp]\.?[Mm]\.?)?"
# 12/04/2025 09:01:33 AM (month or day first), 2025-12-04 09:01:33, Dec 04, 2025 09:01:33 AM
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})[ T,]+" + TIME + r"$")
ISO_DATE = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})[ T,]+" + TIME + r"$")
NAMED_DATE = re.compile(r"([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}),? (\d{4})[ T,]+" + TIME + r"$")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan",),
            ("feb", "peb"),
            ("mar",),
            ("apr",),
            ("may", "mei"),
            ("jun",),
            ("jul",),
            ("aug", "agu", "ags"),
            ("sep",),
            ("oct", "okt"),
            ("nov", "nop"),
            ("dec", "des"),
        ],
        start=1,
    )
    for name in names
}
NIP_RE = re.compile(r"(?<!\d)\d{18}(?!\d)")


def _header_key(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").strip().lower().split())


def normalize_name(text: str) -> str:
    """A name as compared: accents dropped, case folded, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def _name_variants(name: str) -> list[str]:
    """Zoom's "Name (Original Name)": the name shown, then the original name in brackets."""
    variants = [re.sub(r"\([^)]*\)", " ", name)]
    variants += re.findall(r"\(([^)]*)\)", name)
    seen, result = set(), []
    for variant in variants:
        key = normalize_name(variant)
        if key and key not in seen:
            seen.add(key)
            result.append(key)
    return result


def find_nip(name: str) -> str | None:
    """An 18-digit NIP in a display name ("Budi 19850312 201003 1 001" counts too)."""
    joined = re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", name)
    found = NIP_RE.search(joined)
    return found.group(0) if found else None


def _clock(hour: str, minute: str, second: str | None, half: str | None):
    h, m, sec = int(hour), int(minute), int(second or 0)
    if half:
        if not 1 <= h <= 12:
            raise ValueError
        h = h % 12 + (12 if half[0].lower() == "p" else 0)
    return datetime.time(h, m, sec)


def _readings(text: str) -> list[datetime.datetime]:
    """Every naive datetime `text` can mean (a numeric day and month may swap)."""
    if found := NUMERIC_DATE.match(text):
        a, b, year, *clock = found.groups()
        dates = [(int(year), int(a), int(b)), (int(year), int(b), int(a))]
    elif found := ISO_DATE.match(text):
        year, month, day, *clock = found.groups()
        dates = [(int(year), int(month), int(day))]
    elif (found := NAMED_DATE.match(text)) and found.group(1).lower() in MONTHS:
        month, day, year, *clock = found.groups()
        dates = [(int(year), MONTHS[month.lower()], int(day))]
    else:
        return []
    readings = []
    for year, month, day in dates:
        try:
            readings.append(
                datetime.datetime.combine(datetime.date(year, month, day), _clock(*clock))
            )
        except ValueError:
            continue
    return readings


def parse_time(text: str, *, near: datetime.datetime) -> datetime.datetime | None:
    """A time as Zoom writes it, in the site's time zone; of the readings a date allows
    (04/12 is 4 December or 12 April), the one nearest `near`."""
    text = " ".join(str(text).strip().split())
    readings = _readings(text) if text else []
    if not readings:
        return None
    zone = timezone.get_current_timezone()
    local_near = timezone.localtime(near, zone).replace(tzinfo=None)
    best = min(readings, key=lambda r: abs(r - local_near))
    return timezone.make_aware(best, zone)


@dataclass
class ReportRow:
    line: int
    name: str
    email: str
    guest: bool
    joined_at: datetime.datetime
    left_at: datetime.datetime


def report_parse(*, content: bytes, session: CohortSession) -> list[ReportRow]:
    """The participant rows of a Zoom CSV, or ReportError naming the line that is wrong."""
    try:
        records = list(csv_rows(content, delimiter=_delimiter))
    except SpreadsheetError as exc:
        raise ReportError(_line_message(exc.line, exc.message)) from exc
    columns = None
    rows: list[ReportRow] = []
    for line, cells in records:
        values = [str(c).strip() for c in cells]
        if not any(values):
            continue
        if columns is None:
            columns = _columns(values)
            continue
        cell = dict.fromkeys(COLUMNS, "")
        for key, index in columns.items():
            cell[key] = values[index] if index < len(values) else ""
        joined = parse_time(cell["join"], near=session.starts_at)
        left = parse_time(cell["leave"], near=session.starts_at)
        if joined is None or left is None:
            bad = cell["join"] if joined is None else cell["leave"]
            raise ReportError(
                _line_message(
                    line,
                    _("waktu \u201c%(value)s\u201d tidak dapat dibaca.") % {"value": bad[:40]},
                )
            )
        if left < joined:
            raise ReportError(
                _line_message(line, _("waktu keluar lebih awal dari waktu bergabung."))
            )
        rows.append(
            ReportRow(
                line=line,
                name=cell["name"][:300],
                email=cell["email"].lower()[:254],
                guest=cell["guest"].lower() in YES,
                joined_at=joined,
                left_at=left,
            )
        )
    if columns is None:
        raise ReportError(
            _(
                "Kolom peserta tidak ditemukan. Berkas harus memuat kolom Nama, Waktu Bergabung "
                "dan Waktu Keluar seperti laporan peserta Zoom."
            )
        )
    if not rows:
        raise ReportError(_("Laporan tidak berisi satu pun peserta."))
    start, end = session.starts_at, session.ends_at
    if not any(r.joined_at < end and r.left_at > start for r in rows):
        raise ReportError(
            _(
                "Tidak ada waktu dalam laporan yang jatuh pada jadwal sesi ini. Periksa bahwa "
                "laporan berasal dari rapat sesi ini."
            )
        )
    return rows


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _line_message(line: int | None, message: str) -> str:
    if line is None:
        return message
    return _("Baris %(line)s: %(message)s") % {"line": line, "message": message}


def _columns(values: list[str]) -> dict | None:
    """The participant header's column positions, or None for a preamble line (the meeting's
    own "Meeting ID, Topic, ..." header and its values)."""
    keys = [_header_key(v) for v in values]
    found = {}
    for name, spellings in COLUMNS.items():
        for index, key in enumerate(keys):
            if key in spellings:
                found[name] = index
                break
    if all(name in found for name in REQUIRED):
        return found
    return None


@dataclass
class Matching:
    """Who each row is: `matched` participant id -> rows; `open_rows` unmatched, ambiguous or
    of guests, with the match kind and the candidates."""

    matched: dict[int, list[tuple[ReportRow, str]]] = field(default_factory=dict)
    open_rows: list[tuple[ReportRow, str, list[int]]] = field(default_factory=list)


@dataclass(frozen=True)
class ParticipantKey:
    pk: int
    email: str
    nip: str | None
    name: str


def participants_for_matching(cohort_id: int) -> list[ParticipantKey]:
    rows = Participant.objects.filter(
        cohort_id=cohort_id, status=Participant.Status.ACTIVE
    ).values_list("pk", "user__email", "user__employee__nip", "user__employee__full_name")
    return [
        ParticipantKey(pk, (email or "").lower(), nip, normalize_name(name or ""))
        for pk, email, nip, name in rows
    ]


def report_match(rows: list[ReportRow], participants: list[ParticipantKey]) -> Matching:
    """Email, then NIP, then a name only one participant has; pure, so it is timed alone.

    A guest's row (Zoom's "Guest" = Yes: joined without signing in) is matched by a NIP in
    its name or a name only one participant has, as people who did not sign in are found, but
    never by its email, which a guest types as they like: a guest row whose email alone points
    at a participant waits for the facilitator, that participant offered first
    (`ParticipantReportLine.reason` says why). The sheet marks every guest line."""
    by_email = {p.email: p.pk for p in participants if p.email}
    by_nip = {p.nip: p.pk for p in participants if p.nip}
    by_name: dict[str, list[int]] = defaultdict(list)
    for p in participants:
        if p.name:
            by_name[p.name].append(p.pk)
    tentative = []
    for row in rows:
        pk, how, candidates = None, "", []
        if row.email and row.email in by_email and not row.guest:
            pk, how = by_email[row.email], ParticipantReportLine.Match.EMAIL
        elif (nip := find_nip(row.name)) and nip in by_nip:
            pk, how = by_nip[nip], ParticipantReportLine.Match.NIP
        else:
            for variant in _name_variants(row.name):
                found = by_name.get(variant, [])
                if len(found) == 1:
                    pk, how = found[0], ParticipantReportLine.Match.NAME
                    break
                if len(found) > 1:
                    candidates = found
            if pk is None:
                how = (
                    ParticipantReportLine.Match.AMBIGUOUS
                    if candidates
                    else ParticipantReportLine.Match.UNMATCHED
                )
        if row.guest and pk is None and row.email in by_email:
            candidates = [by_email[row.email]]
        tentative.append((row, pk, how, candidates))
    # A name match that carries another email than the participant's, for someone whose own
    # email is in the report too, is another person of the same name: the facilitator decides.
    by_own_email = {
        pk for _row, pk, how, _c in tentative if how == ParticipantReportLine.Match.EMAIL
    }
    result = Matching()
    for row, pk, how, candidates in tentative:
        if how == ParticipantReportLine.Match.NAME and row.email and pk in by_own_email:
            pk, how, candidates = None, ParticipantReportLine.Match.AMBIGUOUS, [pk]
        if pk is None:
            result.open_rows.append((row, how, candidates))
        else:
            result.matched.setdefault(pk, []).append((row, how))
    return result


def union_minutes(
    intervals: list[tuple[datetime.datetime, datetime.datetime]],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
) -> int:
    """Whole minutes covered by the intervals inside [start, end], overlaps counted once."""
    clipped = sorted(
        (max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)
    )
    total = datetime.timedelta()
    current_start = current_end = None
    for a, b in clipped:
        if current_end is None or a > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = a, b
        else:
            current_end = max(current_end, b)
    if current_end is not None:
        total += current_end - current_start
    return int(total.total_seconds() // 60)


def _refuse_when_closed(session: CohortSession) -> None:
    """A closed cohort's attendance is frozen with its grades (its row locked, as closing
    locks it)."""
    if Cohort.objects.select_for_update().get(pk=session.cohort_id).is_closed:
        raise ReportError(_("Angkatan sudah ditutup; kehadiran tidak dapat diubah."))


def session_report_minutes(*, session: CohortSession, participant_ids) -> dict[int, int]:
    """{participant id: minutes in the meeting}: the union of their lines in EVERY report of
    the session (a restarted meeting gives two reports; a report uploaded twice counts
    once), ignored lines left out. One query."""
    intervals: dict[int, list] = {pk: [] for pk in participant_ids}
    for pk, joined, left in (
        ParticipantReportLine.objects.filter(
            report__session=session, participant_id__in=list(participant_ids)
        )
        .exclude(match=ParticipantReportLine.Match.IGNORED)
        .values_list("participant_id", "joined_at", "left_at")
    ):
        intervals[pk].append((joined, left))
    return {
        pk: union_minutes(spans, start=session.starts_at, end=session.ends_at)
        for pk, spans in intervals.items()
    }


def _status_for(minutes: int, session: CohortSession, share_percent: int) -> str:
    session_minutes = (session.ends_at - session.starts_at).total_seconds() / 60
    if minutes * 100 >= share_percent * session_minutes:
        return Attendance.Status.PRESENT
    return Attendance.Status.ABSENT


@dataclass
class ReportOutcome:
    report: ParticipantReport
    recorded: int
    kept_manual: int
    open_lines: int


@transaction.atomic
def participant_report_import(
    *,
    session: CohortSession,
    content: bytes,
    filename: str,
    by,
    min_share_percent: int | None = None,
    overwrite_manual: bool = False,
) -> ReportOutcome:
    """Read, match and record a participant report for `session` (ReportError if the file is
    refused; then nothing is saved)."""
    _refuse_when_closed(session)
    share = min_share_percent or settings.LMS_ATTENDANCE_MIN_SHARE_PERCENT
    rows = report_parse(content=content, session=session)
    matching = report_match(rows, participants_for_matching(session.cohort_id))
    report = ParticipantReport.objects.create(
        session=session,
        original_name=filename[:255],
        min_share_percent=share,
        overwrite_manual=overwrite_manual,
        rows_count=len(rows),
        matched_count=len(matching.matched),
        uploaded_by=by,
    )
    lines = []
    for pk, matched_rows in matching.matched.items():
        for row, how in matched_rows:
            lines.append(_line(report, row, how, participant_id=pk))
    for row, how, candidates in matching.open_rows:
        lines.append(_line(report, row, how, candidates=candidates))
    ParticipantReportLine.objects.bulk_create(lines, batch_size=500)
    minutes = session_report_minutes(session=session, participant_ids=list(matching.matched))
    recorded, kept = _record(session=session, report=report, minutes=minutes, by=by)
    return ReportOutcome(
        report=report, recorded=recorded, kept_manual=kept, open_lines=len(matching.open_rows)
    )


def _line(report, row: ReportRow, how: str, *, participant_id=None, candidates=()):
    return ParticipantReportLine(
        report=report,
        line=row.line,
        name=row.name,
        email=row.email,
        guest=row.guest,
        joined_at=row.joined_at,
        left_at=row.left_at,
        match=how,
        participant_id=participant_id,
        candidates=list(candidates),
    )


def _record(
    *, session: CohortSession, report: ParticipantReport, minutes: dict[int, int], by
) -> tuple[int, int]:
    """Write the report's verdict for these participants; returns (changed, kept manual)."""
    existing = {
        row.participant_id: row
        for row in Attendance.objects.select_for_update().filter(
            session=session, participant_id__in=list(minutes)
        )
    }
    now = timezone.now()
    creates, updates, changes = [], [], []
    kept = 0
    for pk, total in minutes.items():
        status = _status_for(total, session, report.min_share_percent)
        row = existing.get(pk)
        if row is not None:
            if row.source == Attendance.Source.MANUAL and not report.overwrite_manual:
                kept += 1
                continue
            # A learner who checked in with the code stays present, whatever the report says.
            checked_in = (
                row.source in (Attendance.Source.QR, Attendance.Source.CODE)
                and row.counts_as_present
            )
            new_status = row.status if checked_in else status
            if row.status == new_status and row.minutes == total:
                continue
            if row.status != new_status:
                changes.append(_change(session, pk, row.status, new_status, report, by))
                row.status, row.source = new_status, Attendance.Source.REPORT
            row.minutes, row.updated_by, row.updated_at = total, by, now
            updates.append(row)
        else:
            creates.append(
                Attendance(
                    session=session,
                    participant_id=pk,
                    status=status,
                    source=Attendance.Source.REPORT,
                    minutes=total,
                    updated_by=by,
                )
            )
            changes.append(_change(session, pk, "", status, report, by))
    Attendance.objects.bulk_create(creates, ignore_conflicts=True, batch_size=500)
    if updates:
        Attendance.objects.bulk_update(
            updates, ["status", "source", "minutes", "updated_by", "updated_at"], batch_size=500
        )
    AttendanceChange.objects.bulk_create(changes, batch_size=500)
    return len(changes), kept


def _change(session, participant_id, old, new, report, by) -> AttendanceChange:
    return AttendanceChange(
        session=session,
        participant_id=participant_id,
        old_status=old,
        new_status=new,
        source=Attendance.Source.REPORT,
        reason=(_("Laporan peserta %(name)s") % {"name": report.original_name})[:300],
        changed_by=by,
    )


@transaction.atomic
def report_line_resolve(*, line: ParticipantReportLine, participant_id: int | None, by) -> None:
    """The facilitator assigns an open line to a participant (then that participant's minutes
    are the union of all their lines of the report) or ignores it (participant_id None)."""
    line = (
        ParticipantReportLine.objects.select_for_update()
        .select_related("report__session")
        .get(pk=line.pk)
    )
    if not line.is_open:
        raise ReportError(_("Baris ini sudah diselesaikan."))
    report = line.report
    session = report.session
    _refuse_when_closed(session)
    if participant_id is None:
        line.match = ParticipantReportLine.Match.IGNORED
        line.resolved_by = by
        line.save(update_fields=["match", "resolved_by"])
        return
    if not Participant.objects.filter(
        pk=participant_id, cohort_id=session.cohort_id, status=Participant.Status.ACTIVE
    ).exists():
        raise ReportError(_("Pilih peserta aktif angkatan ini."))
    line.match = ParticipantReportLine.Match.MANUAL
    line.participant_id = participant_id
    line.resolved_by = by
    line.save(update_fields=["match", "participant", "resolved_by"])
    minutes = session_report_minutes(session=session, participant_ids=[participant_id])
    _record(session=session, report=report, minutes=minutes, by=by)
