"""Who takes part in a cohort: nomination of units, invitation lists, self-enrolment with the
supervisor's approval, seats and the waiting list.

Every change of a cohort's participants runs under a lock on the cohort's row
(`select_for_update`, PostgreSQL), so that two people joining at the same moment never take
more seats than there are, and the waiting list is served in order. A PENDING person (waiting
for their supervisor) holds no seat; a seat that frees is given to the first person waiting.
Staff (nomination, invitation, removal) ignore the enrolment window; a closed cohort accepts no
change at all. Emails go out after commit through the outbox (`participants_notify`)."""

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.akun.models import User
from lms.core.cache import learners_changed
from lms.core.outbox import send_after_commit
from lms.core.spreadsheets import SpreadsheetError, spreadsheet_rows
from lms.organisasi.models import Employee, OrgUnit

from ..models import Cohort, CohortNomination, Participant, PresentingTeam
from ..selectors.cohorts import cohort_enrolment_is_open, waiting_position

# The notification task (program/tasks.py), queued by name: the tasks module imports this one.
NOTIFY_TASK = "program.tasks.participants_notify_task"
NOTIFY_BATCH = 500
# Statuses a person is emailed about.
NOTIFIED_STATUSES = (
    Participant.Status.ACTIVE,
    Participant.Status.WAITLISTED,
    Participant.Status.REJECTED,
)
# A participant in one of these holds a place (or is on the way to one): joining again
# changes nothing.
PLACED = (Participant.Status.ACTIVE, Participant.Status.WAITLISTED, Participant.Status.PENDING)
# Rows past these may be given a place again.
LEFT = (Participant.Status.WITHDRAWN, Participant.Status.REJECTED)


@dataclass(frozen=True)
class JoinResult:
    """What adding people did: admitted (a seat), waitlisted, and already there."""

    admitted: int = 0
    waitlisted: int = 0
    already: int = 0

    @property
    def added(self) -> int:
        return self.admitted + self.waitlisted


@dataclass(frozen=True)
class InvitationResult(JoinResult):
    rows: int = 0


class InvitationFileError(ValidationError):
    """The invitation list was refused whole; `.messages` name each bad line."""


@dataclass
class _Candidate:
    user_id: int
    unit_id: int | None
    existing: Participant | None = field(default=None)


def _locked(cohort: Cohort) -> Cohort:
    """The cohort's row, locked until the transaction ends; refused once it is closed."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if locked.is_closed:
        raise ValidationError(_("Angkatan sudah ditutup; pesertanya tidak dapat diubah lagi."))
    return locked


def cohort_seats_taken(cohort: Cohort) -> int:
    return Participant.objects.filter(cohort=cohort, status=Participant.Status.ACTIVE).count()


def _seats_free(cohort: Cohort) -> int | None:
    """Seats left (None: no limit). People already waiting keep their turn: nobody new is
    admitted ahead of them."""
    if cohort.seat_limit is None:
        return None
    if Participant.objects.filter(cohort=cohort, status=Participant.Status.WAITLISTED).exists():
        return 0
    return max(0, cohort.seat_limit - cohort_seats_taken(cohort))


def _notify(ids) -> None:
    ids = sorted(set(ids))
    for i in range(0, len(ids), NOTIFY_BATCH):
        send_after_commit(NOTIFY_TASK, ids[i : i + NOTIFY_BATCH])


def _place(
    cohort: Cohort,
    candidates: list[_Candidate],
    *,
    source: str,
    pending: bool = False,
    by=None,
) -> tuple[JoinResult, list[Participant]]:
    """Give each candidate (in order) a seat while there are seats, else a place on the
    waiting list; with `pending`, they wait for their supervisor instead. A candidate already
    placed is left as they are; one who withdrew or was rejected gets their row back. Call
    with the cohort locked."""
    now = timezone.now()
    free = None if pending else _seats_free(cohort)
    admitted = waitlisted = already = 0
    new, revived = [], []
    for candidate in candidates:
        row = candidate.existing
        if row is not None and row.status in PLACED:
            already += 1
            continue
        if row is None:
            row = Participant(cohort=cohort, user_id=candidate.user_id)
            new.append(row)
        else:
            revived.append(row)
        row.unit_id = candidate.unit_id if candidate.unit_id else row.unit_id
        row.source = source
        row.withdrawn_at = None
        row.decided_by = None
        row.decision_note = ""
        row.notified_status = ""
        row.team = None
        row.admitted_at = row.waitlisted_at = None
        if pending:
            row.status = Participant.Status.PENDING
        elif free is None or free > 0:
            row.status = Participant.Status.ACTIVE
            row.admitted_at = now
            admitted += 1
            if free is not None:
                free -= 1
        else:
            row.status = Participant.Status.WAITLISTED
            row.waitlisted_at = now
            waitlisted += 1
    Participant.objects.bulk_create(new, batch_size=1000)
    Participant.objects.bulk_update(
        revived,
        [
            "unit",
            "source",
            "status",
            "withdrawn_at",
            "decided_by",
            "decision_note",
            "notified_status",
            "team",
            "admitted_at",
            "waitlisted_at",
        ],
        batch_size=1000,
    )
    changed = new + revived
    if changed:
        # Rows from bulk_create on SQLite carry no primary key: read the ids back.
        ids = Participant.objects.filter(
            cohort=cohort, user_id__in=[p.user_id for p in changed]
        ).values_list("pk", flat=True)
        _notify(ids)
        learners_changed([p.user_id for p in changed])
    return JoinResult(admitted=admitted, waitlisted=waitlisted, already=already), changed


def _candidates(cohort: Cohort, units: dict[int, int | None]) -> list[_Candidate]:
    """`units`: {user id: unit id}, in the order they are to be served."""
    existing = {
        p.user_id: p for p in Participant.objects.filter(cohort=cohort, user_id__in=list(units))
    }
    return [_Candidate(uid, unit_id, existing.get(uid)) for uid, unit_id in units.items()]


def _admit_waiting(cohort: Cohort) -> list[int]:
    """Give the seats that are free to the people waiting, first come first served. Call with
    the cohort locked. Returns the ids admitted."""
    waiting = Participant.objects.filter(
        cohort=cohort, status=Participant.Status.WAITLISTED
    ).order_by("waitlisted_at", "pk")
    if cohort.seat_limit is not None:
        free = cohort.seat_limit - cohort_seats_taken(cohort)
        if free <= 0:
            return []
        waiting = waiting[:free]
    rows = list(waiting.values_list("pk", "user_id"))
    if not rows:
        return []
    ids = [pk for pk, _user in rows]
    Participant.objects.filter(pk__in=ids).update(
        status=Participant.Status.ACTIVE, admitted_at=timezone.now()
    )
    _notify(ids)
    learners_changed([user for _pk, user in rows])
    return ids


# Nomination --------------------------------------------------------------------------------


def _nominated_employees(unit: OrgUnit, positions: list[str]):
    employees = Employee.objects.filter(
        unit__path__startswith=unit.path, is_active=True, user__is_active=True
    )
    if positions:
        employees = employees.filter(position__in=positions)
    return employees


@transaction.atomic
def participant_nominate(
    *, cohort: Cohort, unit: OrgUnit, positions: list[str] | None = None, by=None
) -> JoinResult:
    """Add every active employee of `unit`'s subtree (only those in `positions`, if given) to
    the cohort, and remember the nomination so that people placed there later join too."""
    cohort = _locked(cohort)
    positions = sorted({p.strip() for p in positions or [] if p.strip()})
    CohortNomination.objects.create(cohort=cohort, unit=unit, positions=positions, created_by=by)
    units = dict(
        _nominated_employees(unit, positions)
        .order_by("unit__path", "full_name", "pk")
        .values_list("user_id", "unit_id")
    )
    result, _rows = _place(
        cohort, _candidates(cohort, units), source=Participant.Source.NOMINATION, by=by
    )
    return result


def nominations_apply_for_employee(*, employee: Employee) -> int:
    """An employee placed in (or moved into) a nominated subtree joins each cohort still
    running that nominated it. People who already had a row (even withdrawn) are left as they
    are: a nomination adds newcomers, it does not undo a withdrawal. Returns how many joined."""
    if not employee.is_active:
        return 0
    unit = employee.unit
    ancestors = [unit.path[:i] for i in range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)]
    nominations = (
        CohortNomination.objects.filter(unit__path__in=ancestors)
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .filter(cohort__ends_on__gte=timezone.localdate())
        .exclude(cohort__participants__user_id=employee.user_id)
        .order_by("cohort_id")
    )
    joined = 0
    for cohort_id, positions in nominations.values_list("cohort_id", "positions"):
        if positions and employee.position not in positions:
            continue
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
            if cohort.is_closed:
                continue
            candidates = _candidates(cohort, {employee.user_id: employee.unit_id})
            if candidates[0].existing is not None:
                continue
            result, _rows = _place(cohort, candidates, source=Participant.Source.NOMINATION)
            joined += result.added
    return joined


def nominations_apply_for_units(*, unit_ids) -> int:
    """After an employee import: every running cohort's nominations covering the imported
    units are applied to the newcomers of their subtrees (people without a row yet)."""
    paths = set(OrgUnit.objects.filter(pk__in=set(unit_ids)).values_list("path", flat=True))
    ancestors = {p[:i] for p in paths for i in range(OrgUnit.steplen, len(p) + 1, OrgUnit.steplen)}
    nominations = (
        CohortNomination.objects.filter(unit__path__in=ancestors)
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .filter(cohort__ends_on__gte=timezone.localdate())
        .select_related("unit")
        .order_by("cohort_id", "pk")
    )
    joined = 0
    for nomination in nominations:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=nomination.cohort_id)
            if cohort.is_closed:
                continue
            units = dict(
                _nominated_employees(nomination.unit, nomination.positions)
                .exclude(user__cohort_places__cohort=cohort)
                .order_by("unit__path", "full_name", "pk")
                .values_list("user_id", "unit_id")
            )
            if units:
                result, _rows = _place(
                    cohort, _candidates(cohort, units), source=Participant.Source.NOMINATION
                )
                joined += result.added
    return joined


# Invitation list ---------------------------------------------------------------------------

SPACES = re.compile(r"\s+")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return SPACES.sub(" ", str(value)).strip()


def _csv_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _invitation_rows(file: BinaryIO, filename: str) -> list[tuple[int, str, str]]:
    """(line, nip, email) of each non-blank row; InvitationFileError if the file cannot be
    read or has neither a NIP nor an email column."""
    try:
        records = spreadsheet_rows(file, filename=filename, csv_delimiter=_csv_delimiter)
        header_line, header = next(records, (1, []))
        columns = {}
        for index, value in enumerate(header):
            name = _cell(value).lower()
            if name in ("nip", "email", "e-mail", "surel") and name not in columns:
                columns["email" if name in ("e-mail", "surel") else name] = index
        if not columns:
            raise InvitationFileError(
                [_("Baris %(line)s: kolom NIP atau email tidak ditemukan.") % {"line": header_line}]
            )
        rows = []
        for line, values in records:

            def value(name, values=values):
                index = columns.get(name)
                return _cell(values[index]) if index is not None and index < len(values) else ""

            nip, email = value("nip").replace(" ", ""), value("email").lower()
            if nip or email:
                rows.append((line, nip, email))
        return rows
    except SpreadsheetError as exc:
        where = []
        if exc.line:
            where.append(_("Baris %(line)s") % {"line": exc.line})
        if exc.column:
            where.append(_("kolom %(column)s") % {"column": exc.column})
        message = exc.message[:1].upper() + exc.message[1:]
        if where:
            message = ", ".join(where) + ": " + exc.message
        raise InvitationFileError([message]) from exc


def _invitation_people(rows) -> tuple[dict[int, int | None], list[str]]:
    """{user id: unit id} in file order, and the errors (one per bad line)."""
    nips = {nip for _line, nip, _email in rows if nip}
    emails = {email for _line, nip, email in rows if email and not nip}
    by_nip = {
        e.nip: (e.user_id, e.unit_id, e.is_active and e.user.is_active)
        for e in Employee.objects.filter(nip__in=nips).select_related("user")
    }
    users = User.objects.filter(email__in=emails).select_related("employee")
    by_email = {}
    for user in users:
        employee = getattr(user, "employee", None)
        active = user.is_active and (employee is None or employee.is_active)
        by_email[user.email.lower()] = (user.pk, employee.unit_id if employee else None, active)
    people: dict[int, int | None] = {}
    seen: dict[int, int] = {}
    errors = []
    for line, nip, email in rows:
        found = by_nip.get(nip) if nip else by_email.get(email)
        if found is None:
            if nip:
                errors.append(
                    _("Baris %(line)s: NIP %(nip)s tidak dikenal.") % {"line": line, "nip": nip}
                )
            else:
                errors.append(
                    _("Baris %(line)s: email %(email)s tidak dikenal.")
                    % {"line": line, "email": email[:80]}
                )
            continue
        user_id, unit_id, active = found
        if not active:
            errors.append(
                _("Baris %(line)s: pegawai %(who)s tidak aktif.")
                % {"line": line, "who": nip or email[:80]}
            )
        elif user_id in seen:
            errors.append(
                _("Baris %(line)s: orang yang sama sudah ada di baris %(first)s.")
                % {"line": line, "first": seen[user_id]}
            )
        else:
            seen[user_id] = line
            people[user_id] = unit_id
    return people, errors


def participants_invite(*, cohort: Cohort, file, by=None, filename: str | None = None):
    """Add the people a list names (a CSV or XLSX with a column NIP or email) to the cohort.
    The list is refused whole, with the lines that are wrong, if any row names nobody known,
    someone inactive, or someone a line above already named."""
    filename = filename or getattr(file, "name", "") or ""
    rows = _invitation_rows(file, filename)
    if not rows:
        raise InvitationFileError([_("Berkas tidak berisi satu pun NIP atau email.")])
    people, errors = _invitation_people(rows)
    if errors:
        raise InvitationFileError(errors)
    with transaction.atomic():
        locked = _locked(cohort)
        result, _rows = _place(
            locked, _candidates(locked, people), source=Participant.Source.INVITATION, by=by
        )
    return InvitationResult(
        admitted=result.admitted,
        waitlisted=result.waitlisted,
        already=result.already,
        rows=len(rows),
    )


# Self-enrolment and the supervisor's decision ----------------------------------------------


@transaction.atomic
def participant_self_enrol(*, cohort: Cohort, user) -> Participant:
    """The learner asks for a place: with the supervisor's approval required they wait for
    it (holding no seat), otherwise they get a seat or a place on the waiting list. A second
    click returns the place the first one made."""
    cohort = _locked(cohort)
    existing = Participant.objects.filter(cohort=cohort, user=user).first()
    if existing is not None and existing.status in PLACED:
        return existing
    if existing is not None and existing.status == Participant.Status.REJECTED:
        raise ValidationError(_("Pendaftaran Anda ke angkatan ini sudah ditolak atasan."))
    if not cohort_enrolment_is_open(cohort):
        raise ValidationError(_("Pendaftaran angkatan ini tidak sedang dibuka."))
    unit_id = (
        Employee.objects.filter(user=user, is_active=True).values_list("unit_id", flat=True).first()
    )
    if cohort.needs_supervisor_approval and unit_id is None:
        raise ValidationError(
            _(
                "Pendaftaran perlu persetujuan atasan, tetapi akun Anda belum terhubung ke "
                "unit kerja."
            )
        )
    _place(
        cohort,
        [_Candidate(user.pk, unit_id, existing)],
        source=Participant.Source.SELF,
        pending=cohort.needs_supervisor_approval,
    )
    return Participant.objects.get(cohort=cohort, user=user)


@transaction.atomic
def participant_decide(
    *, participant: Participant, approve: bool, by, note: str = ""
) -> Participant:
    """The supervisor (or staff) approves or rejects a pending self-enrolment. Approved, the
    person gets a seat or a place on the waiting list; rejected, they are told, with the
    reason if given. A decision already taken is not taken again."""
    cohort = _locked(participant.cohort)
    row = Participant.objects.select_for_update().get(pk=participant.pk)
    if row.status != Participant.Status.PENDING:
        raise ValidationError(_("Pendaftaran ini sudah diputuskan."))
    if approve:
        _place(
            cohort, [_Candidate(row.user_id, row.unit_id, _pending_as_new(row))], source=row.source
        )
        Participant.objects.filter(pk=row.pk).update(decided_by=by)
    else:
        row.status = Participant.Status.REJECTED
        row.decided_by = by
        row.decision_note = note.strip()[:500]
        row.save(update_fields=["status", "decided_by", "decision_note"])
        _notify([row.pk])
        learners_changed([row.user_id])
    row.refresh_from_db()
    return row


def _pending_as_new(row: Participant) -> Participant:
    """A pending row is placed as if it had just arrived (its waiting turn starts now)."""
    row.status = Participant.Status.WITHDRAWN
    return row


@transaction.atomic
def participant_withdraw(*, participant: Participant, by=None) -> Participant:
    """Take the person out of the cohort (they withdrew, or staff removed them). A seat they
    held goes to the first person waiting. Their row stays, for the record and to be reused if
    they are added again."""
    cohort = _locked(participant.cohort)
    row = Participant.objects.select_for_update().get(pk=participant.pk)
    if row.status == Participant.Status.WITHDRAWN:
        return row
    held_seat = row.status == Participant.Status.ACTIVE
    row.status = Participant.Status.WITHDRAWN
    row.withdrawn_at = timezone.now()
    row.decided_by = by
    row.team = None
    row.notified_status = ""
    row.save(update_fields=["status", "withdrawn_at", "decided_by", "team", "notified_status"])
    learners_changed([row.user_id])
    if held_seat:
        _admit_waiting(cohort)
    return row


@transaction.atomic
def cohort_seats_refill(*, cohort: Cohort) -> int:
    """After the seat limit was raised (or removed): the people waiting take the new seats."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if locked.is_closed:
        return 0
    return len(_admit_waiting(locked))


# Presenting teams --------------------------------------------------------------------------


@transaction.atomic
def team_members_set(*, team: PresentingTeam, participant_ids, by=None) -> int:
    """Put the given participants of the team's cohort in `team` (out of any other team)."""
    _locked(team.cohort)
    return Participant.objects.filter(
        cohort_id=team.cohort_id, pk__in=list(participant_ids)
    ).update(team=team)


@transaction.atomic
def teams_create_per_province(*, cohort: Cohort, by=None) -> tuple[int, int]:
    """One team per province among the active participants, named after the province, each
    participant in the team of their unit's province. Teams that exist are reused; people
    already in a team keep it. Returns (teams created, participants assigned)."""
    cohort = _locked(cohort)
    rows = list(
        Participant.objects.filter(
            cohort=cohort, status=Participant.Status.ACTIVE, team__isnull=True, unit__isnull=False
        ).values_list("pk", "unit__path")
    )
    province_paths = {
        path[:depth]
        for _pk, path in rows
        for depth in range(OrgUnit.steplen, len(path) + 1, OrgUnit.steplen)
    }
    provinces = {
        u.path: u
        for u in OrgUnit.objects.filter(path__in=province_paths, level=OrgUnit.Level.PROVINSI)
    }
    members: dict[str, list[int]] = {}
    for pk, path in rows:
        for depth in range(OrgUnit.steplen, len(path) + 1, OrgUnit.steplen):
            if path[:depth] in provinces:
                members.setdefault(path[:depth], []).append(pk)
                break
    created = assigned = 0
    for path, ids in members.items():
        province = provinces[path]
        team = PresentingTeam.objects.filter(cohort=cohort, unit=province).first()
        if team is None:
            team, was_created = PresentingTeam.objects.get_or_create(
                cohort=cohort, name=province.name, defaults={"unit": province}
            )
            created += was_created
        assigned += Participant.objects.filter(pk__in=ids).update(team=team)
    return created, assigned


# Emails ------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    from django.conf import settings

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def participant_email(participant: Participant):
    """The email telling `participant` where they stand (admitted, approved, waiting,
    rejected), in Indonesian."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    cohort = participant.cohort
    employee = getattr(participant.user, "employee", None)
    status = participant.status
    approved = status == Participant.Status.ACTIVE and participant.decided_by_id is not None
    waiting_number = None
    if status == Participant.Status.WAITLISTED:
        waiting_number = waiting_position(participant)
    context = {
        "name": employee.full_name if employee else participant.user.email,
        "participant": participant,
        "cohort": cohort,
        "programme_title": cohort.programme.title,
        "status": status,
        "approved": approved,
        "waiting_number": waiting_number,
        "cohort_url": _absolute(reverse("program:cohort_detail", args=[cohort.pk])),
    }
    subjects = {
        Participant.Status.ACTIVE: _("Pendaftaran disetujui: %(cohort)s")
        if approved
        else _("Anda terdaftar sebagai peserta %(cohort)s"),
        Participant.Status.WAITLISTED: _("Anda masuk daftar tunggu %(cohort)s"),
        Participant.Status.REJECTED: _("Pendaftaran ditolak: %(cohort)s"),
    }
    subject = subjects[status] % {"cohort": f"{cohort.programme.title} - {cohort.name}"}
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string("program/email/participant_status.txt", context),
        to=[participant.user.email],
    )
    message.attach_alternative(
        render_to_string("program/email/participant_status.html", context), "text/html"
    )
    return message


def participants_notify(*, participant_ids) -> int:
    """Email each of these participants about their current status, unless they were
    already told about it (a repeated message sends nothing twice) or it is not one that
    is emailed (pending, withdrawn). Returns how many emails went."""
    sent = 0
    for pk in participant_ids:
        with transaction.atomic():
            row = (
                Participant.objects.select_for_update(of=("self",))
                .select_related("cohort__programme", "user__employee")
                .filter(pk=pk, status__in=NOTIFIED_STATUSES)
                .first()
            )
            if row is None or row.notified_status == row.status:
                continue
            if not row.user.is_active or not row.user.email:
                continue
            participant_email(row).send()
            Participant.objects.filter(pk=row.pk).update(notified_status=row.status)
            sent += 1
    return sent
