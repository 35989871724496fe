"""Checking every row, against the file and the database, before anything is written."""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lms.akun.models import User
from lms.core.spreadsheets import (
    has_control_characters,
)

from ..models import Employee, OrgUnit
from ..validators import nip_errors, text_errors
from .rows import BATCH, Row, _employment_type, _max_length, _shown


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
