"""Employees written by a service client: the file import's own validation and writes
(lms.organisasi.imports.employee_rows_import), with the client's unit scope on top."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.akun.models import User
from lms.akun.roles import PESERTA
from lms.organisasi.imports import Row, employee_row, employee_rows_import
from lms.organisasi.models import Employee, OrgUnit


class EmployeesConflict(Exception):
    """Another request wrote the same people at the same moment; nothing was saved."""


@dataclass
class EmployeesWritten:
    created: int = 0
    updated: int = 0
    # Each refused row: {"index", "nip", "reasons"}; when any, nothing was saved.
    errors: list[dict] = field(default_factory=list)
    # Each row's NIP as it was cleaned and stored (None for a row without one).
    nips: list[str | None] = field(default_factory=list)


def _outside_scope_reason() -> str:
    return _(
        "NIP atau email ini tidak dapat dipakai oleh aplikasi ini. Bila orangnya memang "
        "pegawai unit Anda, minta Admin LMS memeriksanya."
    )


def _unknown_unit_reason(code: str) -> str:
    # The import's own words for a code it does not know (the same message id).
    return _("Kode unit '%(code)s' tidak dikenal.") % {"code": code}


def _scope_check(root: OrgUnit):
    """The client's rules on top of the import's, for rows it sends:

    - every row's unit lies in `root`'s subtree; a unit outside it gets the very words of an
      unknown unit, so the answer does not tell which codes exist elsewhere;
    - a row may not touch a person outside the subtree, matched by NIP or email (the import
      would update them, or move them into the client's unit), nor an account that has no
      employee profile (the import would attach one: an administrator's account, say). Such a
      row gets one fixed reason, whichever of NIP or email matched and whoever it is, and the
      import's own reasons that describe that person ("Email sudah terdaftar dengan NIP lain")
      are withdrawn. That a NIP or email is taken cannot be hidden, since a NIP is unique
      nationally and the row cannot be saved, but nothing else is told: not the person's name,
      unit, NIP or whether they have an account, and the same words serve every such case;
    - a row may not change the login email of an account that holds more than the learner's
      role (a trainer, supervisor or administrator): the import lets Admin LMS do it; a
      client's token must not be able to take over a staff account through a password reset;
    - nor such an account's unit or NIP: a supervisor's reach is their employee unit
      (orgunit_scope_root), so a client moving them up the tree would widen what they see.
    """
    outside = _outside_scope_reason()
    revealing = {
        _("Email sudah dipakai oleh pegawai lain."),
        _("Email sudah terdaftar dengan NIP lain."),
    }

    def check(rows: list[Row], lookups: dict, errors: list[dict]) -> list[dict]:
        units, by_nip, by_email = lookups["units"], lookups["by_nip"], lookups["by_email"]
        known_codes = {r.unit_code for r in rows if r.unit_code in units}
        in_scope_codes = set(
            OrgUnit.objects.filter(code__in=known_codes, path__startswith=root.path).values_list(
                "code", flat=True
            )
        )
        owner_ids: set[int] = set()
        for row in rows:
            if row.nip and row.nip in by_nip:
                owner_ids.add(by_nip[row.nip][0])
            if row.email in by_email and by_email[row.email][1] is not None:
                owner_ids.add(by_email[row.email][1])
        owners = {
            pk: (user_id, unit_id, nip)
            for pk, user_id, unit_id, nip in (
                Employee.objects.filter(
                    pk__in=owner_ids, unit__path__startswith=root.path
                ).values_list("pk", "user_id", "unit_id", "nip")
                if owner_ids
                else ()
            )
        }
        in_scope = {pk: user_id for pk, (user_id, _unit, _nip) in owners.items()}
        staff_emails = _staff_emails(set(in_scope.values()))

        by_line = {error["line"]: error for error in errors}
        for row in rows:
            reasons = []
            if row.unit_code in units and row.unit_code not in in_scope_codes:
                reasons.append(_unknown_unit_reason(row.unit_code))
            nip_owner = by_nip.get(row.nip) if row.nip else None
            email_owner = by_email.get(row.email) if row.email else None
            touches_outside = (nip_owner is not None and nip_owner[0] not in in_scope) or (
                email_owner is not None
                and (email_owner[1] is None or email_owner[1] not in in_scope)
            )
            error = by_line.get(row.line)
            if touches_outside:
                if error is not None:
                    error["reasons"] = [r for r in error["reasons"] if r not in revealing]
                reasons.append(outside)
            else:
                # The employee the import would update: by NIP, else by email.
                owner_id = (
                    nip_owner[0]
                    if nip_owner is not None
                    else (email_owner[1] if email_owner is not None else None)
                )
                owner = owners.get(owner_id)
                current = staff_emails.get(owner[0]) if owner is not None else None
                if current is not None:
                    if current != row.email:
                        reasons.append(
                            _(
                                "Email akun ini tidak dapat diubah melalui API karena akunnya "
                                "memegang peran pengelola; minta Admin LMS mengubahnya."
                            )
                        )
                    # A supervisor's reach is their unit: moving them would widen it.
                    if units.get(row.unit_code, owner[1]) != owner[1]:
                        reasons.append(_("Unit kerja akun staf hanya dapat diubah oleh Admin LMS."))
                    if row.nip != owner[2]:
                        reasons.append(_("NIP akun staf hanya dapat diubah oleh Admin LMS."))
            if reasons:
                if error is None:
                    error = by_line[row.line] = {
                        "line": row.line,
                        "nip": row.nip or "",
                        "email": row.email,
                        "reasons": [],
                    }
                error["reasons"].extend(r for r in reasons if r not in error["reasons"])
        return [by_line[line] for line in sorted(by_line)]

    return check


def _staff_emails(user_ids: set[int]) -> dict[int, str]:
    """The login emails of those of `user_ids` whose account holds more than the learner's
    role (or is staff or superuser)."""
    if not user_ids:
        return {}
    roles = set(
        User.groups.through.objects.filter(user_id__in=user_ids)
        .exclude(group__name=PESERTA)
        .values_list("user_id", flat=True)
    )
    return {
        pk: email
        for pk, email, staff, superuser in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "email", "is_staff", "is_superuser"
        )
        if staff or superuser or pk in roles
    }


def employees_upsert(*, root: OrgUnit, people: list[dict]) -> EmployeesWritten:
    """Create or update `people` (each: nip, full_name, email, unit_code, position,
    employment_type) for a client whose scope is `root`'s subtree: all of them, or, if any
    row is refused, none. The rows are those of the file import, judged and written by it;
    new accounts get their invitation queued after the commit, as an import's do."""
    rows = [
        employee_row(
            line=index,
            nip=person.get("nip"),
            full_name=person.get("full_name") or "",
            email=person.get("email") or "",
            unit_code=person.get("unit_code") or "",
            position=person.get("position") or "",
            employment_type=person.get("employment_type") or "",
        )
        for index, person in enumerate(people)
    ]
    try:
        with transaction.atomic():
            result = employee_rows_import(rows, check=_scope_check(root))
    except IntegrityError as exc:
        # Two requests created the same NIP or email at once: the later one saved nothing.
        raise EmployeesConflict from exc
    return EmployeesWritten(
        nips=[row.nip for row in rows],
        created=result.created,
        updated=result.updated,
        errors=[
            {"index": error["line"], "nip": error["nip"] or None, "reasons": error["reasons"]}
            for error in result.errors
        ],
    )
