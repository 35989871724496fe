"""Employees as a client sees them: only those whose unit lies in its unit subtree."""

import datetime

from django.db.models import QuerySet

from lms.organisasi.models import Employee, OrgUnit


def employee_api_list(
    *,
    root: OrgUnit,
    unit: OrgUnit | None = None,
    employment_type: str | None = None,
    is_active: bool | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[Employee]:
    """Employees of `root`'s subtree; narrowed to `unit`'s subtree (which the caller has found
    inside `root`'s), a kind of employment, the active flag, or a change since a moment."""
    queryset = Employee.objects.filter(unit__path__startswith=root.path)
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if employment_type is not None:
        queryset = queryset.filter(employment_type=employment_type)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset.select_related("unit", "user").only(
        "id",
        "nip",
        "full_name",
        "employment_type",
        "position",
        "is_active",
        "updated_at",
        "unit__code",
        "user__email",
    )


def employee_api_get(*, root: OrgUnit, nip: str) -> Employee | None:
    """The employee of `nip` if they belong to `root`'s subtree; None otherwise, whether
    they exist elsewhere or not."""
    return employee_api_list(root=root).filter(nip=nip).first()


def employee_items(employees) -> list[dict]:
    return [
        {
            "id": e.pk,
            "nip": e.nip,
            "full_name": e.full_name,
            "email": e.user.email,
            "employment_type": e.employment_type,
            "position": e.position,
            "unit_code": e.unit.code,
            "is_active": e.is_active,
            "updated_at": e.updated_at,
        }
        for e in employees
    ]
