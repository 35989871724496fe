"""Writing the checked rows, all or nothing."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from lms.akun.models import User
from lms.akun.roles import PESERTA
from lms.akun.user_cache import user_cache_forget

from ..models import Employee
from ..signals import employees_imported
from .rows import BATCH, ImportResult, Row, _employment_type


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
    changed_employee_ids: list[int] = []
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
        # bulk_update leaves auto_now alone: the change time is set here, so that a reader
        # asking for what changed since a moment (the API's updated_since) finds these.
        now = timezone.now()
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
                emp.updated_at = now
                changed_employees.append(emp)
        Employee.objects.bulk_update(changed_employees, [*fields, "updated_at"], batch_size=BATCH)
        changed_employee_ids.extend(emp.pk for emp in changed_employees)
        users = User.objects.in_bulk(
            [uid for uid, email in user_updates.items() if by_email.get(email, (None,))[0] != uid]
        )
        changed = [u for uid, u in users.items() if u.email != user_updates[uid]]
        for user in changed:
            user.email = user_updates[user.pk]
        User.objects.bulk_update(changed, ["email"], batch_size=BATCH)
        user_cache_forget([u.pk for u in changed])  # bulk_update sends no signals
        new_email = {user.pk for user in changed}
        email_changed = [emp_id for emp_id in updates if employees[emp_id].user_id in new_email]
        Employee.objects.filter(pk__in=email_changed).update(updated_at=now)
        changed_employee_ids.extend(email_changed)
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
    created_employees = Employee.objects.bulk_create(
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
    changed_employee_ids.extend(emp.pk for emp in created_employees)
    # A profile attached to an existing account moves that account too.
    employees_imported.send(
        sender=Employee,
        moved_user_ids=moved_user_ids + profiles_for_accounts,
        unit_ids=sorted({units[r.unit_code] for r in rows}),
        employee_ids=sorted(set(changed_employee_ids)),
    )
    return result
