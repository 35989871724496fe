"""Bulk import of employees from CSV or XLSX.

Every row is checked before anything is written; a file with any bad row is rejected whole
with a report of each bad row, and nothing is saved. Re-importing a file updates the employees
it names (matched by NIP, or by email for those without one) instead of duplicating them.

The request that uploads only stores the file and creates the job; the job reads the file
(within the limits of `lms.core.spreadsheets`), checks it and saves it. A job ends as done,
rejected (the file is wrong: the report names each line) or failed (anything else, with its
reason); a rejected or failed job's upload is removed.
"""

import logging
import posixpath
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.akun.models import User
from lms.akun.roles import PESERTA
from lms.akun.user_cache import user_cache_forget
from lms.core.outbox import send_after_commit
from lms.core.spreadsheets import (
    SpreadsheetError,
    has_control_characters,
    invisible_character,
    spreadsheet_rows,
)

from .models import Employee, EmployeeImport, OrgUnit
from .signals import employees_imported
from .validators import nip_errors, text_errors

logger = logging.getLogger(__name__)

# The job's task (lms/organisasi/tasks.py), queued by name: the tasks module imports this one.
EMPLOYEE_IMPORT_TASK = "lms.organisasi.tasks.employee_import_task"

HEADERS = {
    "nip": "nip",
    "nama": "full_name",
    "email": "email",
    "kode unit": "unit_code",
    "jabatan": "position",
    "jenis pegawai": "employment_type",
}
REQUIRED_HEADERS = ("nama", "email", "kode unit", "jenis pegawai")
EMPLOYMENT_TYPES = {
    "pns": Employee.EmploymentType.PNS,
    "pppk": Employee.EmploymentType.PPPK,
    "p3k": Employee.EmploymentType.PPPK,
    "nonasn": Employee.EmploymentType.NON_ASN,
    "ppnpn": Employee.EmploymentType.NON_ASN,
    "adhoc": Employee.EmploymentType.AD_HOC,
}
BATCH = 1000
# A report longer than this keeps its first lines and says how many more there are.
MAX_REPORTED_ERRORS = 1000
# Rejected values are echoed in the report up to this many characters.
SHOWN_CHARS = 60


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, missing columns, past a limit)."""

    def __init__(self, message: str, *, line: int | None = None):
        self.message = str(message)
        self.line = line
        super().__init__(self.message)

    def as_report(self) -> dict:
        return {"line": self.line or 0, "nip": "", "email": "", "reasons": [self.message]}


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """`value` as the report may echo it: control characters (which PostgreSQL's JSON refuses)
    and invisible or direction-changing ones replaced, and a long value shortened, with a mark
    that it was."""
    if has_control_characters(value) or invisible_character(value):
        value = "".join(
            "\ufffd" if has_control_characters(char) or invisible_character(char) else char
            for char in value
        )
    return value if len(value) <= limit else value[:limit] + "\u2026"


@dataclass(slots=True)
class Row:
    line: int
    nip: str | None
    full_name: str
    email: str
    unit_code: str
    position: str
    employment_type: str


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    new_user_ids: list[int] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.errors)


# The space separators (Unicode "Zs").
SPACES = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Runs of spaces (a no-break space included) become one space and the ends are trimmed;
    # a tab or a line break inside a value is kept, for the validation to refuse: it is never
    # turned silently into a space.
    return SPACES.sub(" ", str(value)).strip()


def _csv_delimiter(header_line: str) -> str:
    """Excel set to the Indonesian locale saves CSV with semicolons."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def employee_import_parse(*, content: bytes | BinaryIO, filename: str) -> list[Row]:
    """Read the file into rows without judging them; raise ImportFileError if it cannot be
    read within the limits, saying where."""
    try:
        return _parse(content, filename)
    except SpreadsheetError as exc:
        message = exc.message
        if exc.column:
            message = _("Kolom %(column)s: %(message)s") % {
                "column": exc.column,
                "message": message,
            }
        raise ImportFileError(message[:1].upper() + message[1:], line=exc.line) from exc


def _parse(content: bytes | BinaryIO, filename: str) -> list[Row]:
    records = spreadsheet_rows(content, filename=filename, csv_delimiter=_csv_delimiter)
    header_line, header = next(records, (1, []))
    columns = {}
    for index, value in enumerate(header):
        name = _clean(value).lower()
        if name and name not in columns:
            columns[name] = index
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ditemukan pada baris %(line)s: %(cols)s.")
            % {"line": header_line, "cols": ", ".join(missing)},
            line=header_line,
        )
    rows = []
    for line, values in records:
        cells = {}
        for header_name, attr in HEADERS.items():
            index = columns.get(header_name)
            cells[attr] = _clean(values[index]) if index is not None and index < len(values) else ""
        if not any(cells.values()):
            continue  # blank lines are not rows
        rows.append(
            Row(
                line=line,
                nip=cells["nip"].replace(" ", "") or None,
                full_name=cells["full_name"],
                email=cells["email"].lower(),
                unit_code=cells["unit_code"],
                position=cells["position"],
                employment_type=cells["employment_type"],
            )
        )
    return rows


def _employment_type(value: str) -> str | None:
    return EMPLOYMENT_TYPES.get(re.sub(r"[\s\-_/]", "", value.lower()))


def employee_import_validate(
    rows: list[Row], *, progress: Callable[[int], None] | None = None
) -> tuple[list[dict], dict]:
    """Check every row against the file itself and the database.

    Returns the list of errors (line, column value, reasons) and the lookups the apply step
    reuses, so that the database is read once per batch rather than once per row.
    """
    errors: list[dict] = []
    email_max = min(_max_length(User, "email"), _max_length(EmailAddress, "email"))
    units = dict(OrgUnit.objects.values_list("code", "id"))
    seen_nip: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    by_nip: dict[str, tuple[int, int]] = {}
    by_email: dict[str, tuple[int, int | None, str | None]] = {}

    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        # Only values that could be stored are looked up (PostgreSQL refuses a NUL even there).
        nips = [r.nip for r in batch if r.nip and not has_control_characters(r.nip)]
        emails = [r.email for r in batch if r.email and not has_control_characters(r.email)]
        for emp_id, user_id, nip in Employee.objects.filter(nip__in=nips).values_list(
            "id", "user_id", "nip"
        ):
            by_nip[nip] = (emp_id, user_id)
        for user_id, email, emp_id, nip in User.objects.filter(email__in=emails).values_list(
            "id", "email", "employee__id", "employee__nip"
        ):
            by_email[email] = (user_id, emp_id, nip)

        for row in batch:
            reasons = []
            for label, value in (
                (_("nama"), row.full_name),
                (_("email"), row.email),
                (_("kode unit"), row.unit_code),
                (_("jenis pegawai"), row.employment_type),
            ):
                if not value:
                    reasons.append(_("Kolom %(col)s kosong.") % {"col": label})
            # Every value must fit its field whole: nothing is ever cut to fit.
            for label, value, max_length, formula_guard in (
                (_("nama"), row.full_name, _max_length(Employee, "full_name"), True),
                (_("email"), row.email, email_max, True),
                (_("jabatan"), row.position, _max_length(Employee, "position"), True),
                (_("kode unit"), row.unit_code, _max_length(OrgUnit, "code"), False),
                (_("NIP"), row.nip or "", None, False),  # nip_errors judges its length
                (_("jenis pegawai"), row.employment_type, None, False),
            ):
                reasons.extend(
                    text_errors(
                        value,
                        label=label,
                        max_length=max_length or len(value),
                        formula_guard=formula_guard,
                    )
                )
            kind = _employment_type(row.employment_type) if row.employment_type else None
            if row.employment_type and kind is None:
                reasons.append(
                    _("Jenis pegawai '%(value)s' tidak dikenal (PNS, PPPK, Non-ASN, Ad hoc).")
                    % {"value": _shown(row.employment_type)}
                )
            if row.nip:
                reasons.extend(nip_errors(row.nip))
            elif kind in Employee.NIP_REQUIRED:
                reasons.append(_("NIP wajib diisi untuk PNS dan PPPK."))
            if row.email and len(row.email) <= email_max:
                try:
                    validate_email(row.email)
                except ValidationError:
                    reasons.append(
                        _("Alamat email '%(email)s' tidak sah.") % {"email": _shown(row.email)}
                    )
            if row.unit_code and row.unit_code not in units:
                reasons.append(
                    _("Kode unit '%(code)s' tidak dikenal.") % {"code": _shown(row.unit_code)}
                )
            if row.nip:
                if row.nip in seen_nip:
                    reasons.append(
                        _("NIP sama dengan baris %(line)s.") % {"line": seen_nip[row.nip]}
                    )
                else:
                    seen_nip[row.nip] = row.line
            if row.email:
                if row.email in seen_email:
                    reasons.append(
                        _("Email sama dengan baris %(line)s.") % {"line": seen_email[row.email]}
                    )
                else:
                    seen_email[row.email] = row.line
            # Against the database: the row must not take another person's NIP or email.
            owner_by_nip = by_nip.get(row.nip) if row.nip else None
            owner_by_email = by_email.get(row.email) if row.email else None
            if owner_by_nip and owner_by_email and owner_by_email[0] != owner_by_nip[1]:
                reasons.append(_("Email sudah dipakai oleh pegawai lain."))
            elif owner_by_email and not owner_by_nip and row.nip and owner_by_email[2]:
                reasons.append(_("Email sudah terdaftar dengan NIP lain."))
            if reasons:
                errors.append(
                    {
                        "line": row.line,
                        "nip": _shown(row.nip or ""),
                        "email": _shown(row.email, 100),
                        "reasons": reasons,
                    }
                )
        if progress:
            progress(min(start + BATCH, len(rows)))
    return errors, {"units": units, "by_nip": by_nip, "by_email": by_email}


@transaction.atomic
def employee_import_apply(rows: list[Row], *, lookups: dict) -> ImportResult:
    """Write validated rows: new people get an account (no password yet) and a profile,
    known people get their profile updated. All or nothing."""
    units, by_nip, by_email = lookups["units"], lookups["by_nip"], lookups["by_email"]
    result = ImportResult(total_rows=len(rows))
    new_rows: list[Row] = []
    updates: dict[int, Row] = {}
    user_updates: dict[int, str] = {}
    moved_user_ids: list[int] = []
    for row in rows:
        owner = by_nip.get(row.nip) if row.nip else None
        if owner is None and row.email in by_email and by_email[row.email][1] is not None:
            owner = (by_email[row.email][1], by_email[row.email][0])
        if owner is None:
            new_rows.append(row)
        else:
            updates[owner[0]] = row
            user_updates[owner[1]] = row.email

    # Existing employees: update the profile and, where it changed, the login email. Rows that
    # change nothing are not written, so re-importing the same file is cheap.
    if updates:
        fields = ["full_name", "nip", "employment_type", "position", "unit_id"]
        employees = Employee.objects.in_bulk(list(updates))
        changed_employees = []
        for emp_id, row in updates.items():
            emp = employees[emp_id]
            new_values = {
                "full_name": row.full_name,
                "nip": row.nip,
                "employment_type": _employment_type(row.employment_type),
                "position": row.position,
                "unit_id": units[row.unit_code],
            }
            if emp.unit_id != new_values["unit_id"]:
                moved_user_ids.append(emp.user_id)
            if any(getattr(emp, f) != v for f, v in new_values.items()):
                for f, v in new_values.items():
                    setattr(emp, f, v)
                changed_employees.append(emp)
        Employee.objects.bulk_update(changed_employees, fields, batch_size=BATCH)
        users = User.objects.in_bulk(
            [uid for uid, email in user_updates.items() if by_email.get(email, (None,))[0] != uid]
        )
        changed = [u for uid, u in users.items() if u.email != user_updates[uid]]
        for user in changed:
            user.email = user_updates[user.pk]
        User.objects.bulk_update(changed, ["email"], batch_size=BATCH)
        user_cache_forget([u.pk for u in changed])  # bulk_update sends no signals
        for user in changed:
            EmailAddress.objects.filter(user=user).delete()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        result.updated = len(updates)

    # A user may exist without a profile (an admin created it by hand): attach one.
    existing_users = {
        email: user_id for email, (user_id, emp_id, _nip) in by_email.items() if emp_id is None
    }
    profiles_for_accounts = [existing_users[r.email] for r in new_rows if r.email in existing_users]
    to_create_users = [r for r in new_rows if r.email not in existing_users]
    if to_create_users:
        created_users = User.objects.bulk_create(
            [
                User(email=r.email, first_name=r.full_name[:150], password=make_password(None))
                for r in to_create_users
            ],
            batch_size=BATCH,
        )
        # bulk_create returns primary keys on PostgreSQL and SQLite alike.
        for row, user in zip(to_create_users, created_users, strict=True):
            existing_users[row.email] = user.pk
            result.new_user_ids.append(user.pk)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True)
                for u in created_users
            ],
            batch_size=BATCH,
        )
        peserta = Group.objects.get(name=PESERTA)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=peserta.pk) for u in created_users],
            batch_size=BATCH,
        )
    Employee.objects.bulk_create(
        [
            Employee(
                user_id=existing_users[r.email],
                full_name=r.full_name,
                nip=r.nip,
                employment_type=_employment_type(r.employment_type),
                position=r.position,
                unit_id=units[r.unit_code],
            )
            for r in new_rows
        ],
        batch_size=BATCH,
    )
    result.created = len(new_rows)
    # A profile attached to an existing account moves that account too.
    employees_imported.send(
        sender=Employee,
        moved_user_ids=moved_user_ids + profiles_for_accounts,
        unit_ids=sorted({units[r.unit_code] for r in rows}),
    )
    return result


def employee_import_run(
    *,
    content: bytes | BinaryIO,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Parse, validate and, only if every row is good, apply. Invitations for new accounts are
    queued after the transaction commits."""
    rows = employee_import_parse(content=content, filename=filename)
    total = len(rows)
    if total == 0:
        raise ImportFileError(_("Berkas tidak berisi baris data."))
    if progress:
        progress(0, total)
    errors, lookups = employee_import_validate(
        rows, progress=(lambda done: progress(done, total)) if progress else None
    )
    if errors:
        return ImportResult(total_rows=total, errors=errors)
    result = employee_import_apply(rows, lookups=lookups)
    if result.new_user_ids:
        from lms.akun.tasks import account_invite_task

        ids = result.new_user_ids
        for start in range(0, len(ids), 200):
            send_after_commit(account_invite_task, ids[start : start + 200])
    return result


def employee_import_start(*, uploaded_file, uploaded_by) -> EmployeeImport:
    """Store an upload and queue its job, which reads, checks and saves it while the admin page
    shows its progress. Nothing of the file is read here beyond its size."""
    from django.conf import settings

    limit = settings.LMS_IMPORT_MAX_FILE_BYTES
    if uploaded_file.size > limit:
        raise ImportFileError(
            _("Berkas lebih besar dari batas %(max)s MB.") % {"max": limit // 1024 // 1024}
        )
    extension = posixpath.splitext(uploaded_file.name)[1].lower()
    if extension not in (".csv", ".xlsx"):
        raise ImportFileError(_("Format berkas harus CSV atau XLSX."))
    job = EmployeeImport(
        original_name=_shown(uploaded_file.name, _max_length(EmployeeImport, "original_name") - 1),
        uploaded_by=uploaded_by,
    )
    # Stored under a name of our own: the upload's name is only shown, never used as a path.
    job.file.save(f"{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
    try:
        job.save()
    except Exception:
        job.file.delete(save=False)
        raise
    send_after_commit(EMPLOYEE_IMPORT_TASK, job.pk)
    return job


def employee_import_process(*, import_id: int) -> None:
    """Run one stored import to its end, recording the outcome on its row. Safe to run twice:
    a finished import is left alone. Whatever goes wrong ends the job rejected (the file) or
    failed (anything else) with its reason, and then the upload is removed."""
    claimed = EmployeeImport.objects.filter(
        pk=import_id, status__in=[EmployeeImport.Status.PENDING, EmployeeImport.Status.RUNNING]
    ).update(status=EmployeeImport.Status.RUNNING, processed_rows=0, started_at=timezone.now())
    if not claimed:
        return
    job = EmployeeImport.objects.get(pk=import_id)

    def progress(done: int, total: int) -> None:
        EmployeeImport.objects.filter(pk=import_id).update(processed_rows=done, total_rows=total)

    try:
        with job.file.open("rb") as fh:
            result = employee_import_run(content=fh, filename=job.file.name, progress=progress)
    except ImportFileError as exc:
        employee_import_finish(
            job=job, status=EmployeeImport.Status.REJECTED, errors=[exc.as_report()]
        )
    except Exception as exc:
        logger.exception("Employee import %s failed", import_id)
        reason = _(
            "Impor gagal karena kesalahan sistem (%(error)s); tidak ada data yang disimpan. "
            "Unggah ulang berkas, atau hubungi pengelola sistem bila terulang."
        ) % {"error": _shown(type(exc).__name__)}
        employee_import_finish(
            job=job,
            status=EmployeeImport.Status.FAILED,
            errors=[{"line": 0, "nip": "", "email": "", "reasons": [reason]}],
        )
    else:
        job.total_rows = job.processed_rows = result.total_rows
        if result.rejected:
            employee_import_finish(
                job=job, status=EmployeeImport.Status.REJECTED, errors=result.errors
            )
        else:
            job.created_count, job.updated_count = result.created, result.updated
            employee_import_finish(job=job, status=EmployeeImport.Status.DONE)


def employee_import_finish(*, job: EmployeeImport, status: str, errors: list[dict] = ()) -> None:
    """Record how `job` ended. A rejected or failed job keeps its report, not its upload; a
    report longer than MAX_REPORTED_ERRORS lines keeps the first and counts the rest."""
    errors = list(errors)
    if len(errors) > MAX_REPORTED_ERRORS:
        rest = len(errors) - MAX_REPORTED_ERRORS
        reason = _("... dan %(n)s baris lain juga bermasalah.") % {"n": rest}
        errors = [*errors[:MAX_REPORTED_ERRORS], ImportFileError(reason).as_report()]
    job.status = status
    job.errors = errors
    job.finished_at = timezone.now()
    if status != EmployeeImport.Status.DONE and job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.exception("Could not remove the upload of employee import %s", job.pk)
    job.save()
