"""The four roles of the LMS, as Django groups created by a data migration."""

from django.conf import settings

PESERTA = "Peserta"
PENGAJAR = "Pengajar"
SUPERVISOR = "Supervisor"
ADMIN_LMS = "Admin LMS"
ALL_ROLES = (PESERTA, PENGAJAR, SUPERVISOR, ADMIN_LMS)


def user_role_names(user) -> set[str]:
    """The role names of `user`, cached on the instance for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_lms_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._lms_role_names = cached
    return cached


def user_has_role(user, role: str) -> bool:
    return role in user_role_names(user)


def user_is_admin_lms(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user_has_role(user, ADMIN_LMS))


def user_can_use_admin(user) -> bool:
    """Whether to offer the Wagtail admin: the roles the roles migration gives `access_admin`.
    Read from the groups already loaded for the request, not from the permission tables."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user_role_names(user) & {PENGAJAR, ADMIN_LMS})


def user_requires_mfa(user) -> bool:
    """Trainers, supervisors and admins must use MFA before the admin or any report."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(user_role_names(user) & set(settings.LMS_MFA_REQUIRED_GROUPS))
