"""Reads of the organisation: the one place that decides which units a user may see."""

from django.db.models import Q, QuerySet
from django.http import Http404

from lms.akun.roles import SUPERVISOR, user_has_role, user_is_admin_lms

from .models import Employee, OrgUnit


def orgunit_scope_root(user) -> OrgUnit | None:
    """The top unit of what `user` may see: everything for Admin LMS, their own unit for a
    supervisor, nothing for anyone else."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "_lms_scope_root"):
        return user._lms_scope_root
    root = None
    if user_is_admin_lms(user):
        root = OrgUnit.get_first_root_node()
    elif user_has_role(user, SUPERVISOR):
        employee = Employee.objects.select_related("unit").filter(user=user).first()
        if employee is not None and employee.is_active:
            root = employee.unit
    user._lms_scope_root = root  # cached on the instance for the rest of the request
    return root


def orgunit_list_visible(user) -> QuerySet[OrgUnit]:
    """Units `user` may see: a supervisor their unit and every unit below it; Admin LMS all."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    if user_is_admin_lms(user):
        return OrgUnit.objects.all()
    root = orgunit_scope_root(user)
    if root is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=root.path)


def orgunit_get_visible(user, *, code: str) -> OrgUnit:
    """The unit with `code` if `user` may see it; 404 otherwise, so that URL tampering learns
    nothing about units outside the scope."""
    unit = orgunit_list_visible(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def orgunit_subtree_filter(unit: OrgUnit, *, prefix: str = "unit__") -> Q:
    """A filter for rows whose unit lies in `unit`'s subtree (`unit` included)."""
    return Q(**{f"{prefix}path__startswith": unit.path})


def employee_list_visible(user) -> QuerySet[Employee]:
    """Employees `user` may see: those in their visible units, or only themselves."""
    if not user.is_authenticated:
        return Employee.objects.none()
    if user_is_admin_lms(user):
        return Employee.objects.all()
    root = orgunit_scope_root(user)
    if root is None:
        return Employee.objects.filter(user=user)
    return Employee.objects.filter(orgunit_subtree_filter(root))


def employee_get_by_nip(nip: str) -> Employee | None:
    """The employee holding `nip` (unique), for single sign-on's NIP claim (lms.akun.sso)."""
    return Employee.objects.filter(nip=nip).only("user_id", "nip", "is_active").first()


def employee_get_for_user(user_id: int) -> Employee | None:
    """The employee record of an account, if it has one."""
    return Employee.objects.filter(user_id=user_id).only("user_id", "nip", "is_active").first()
