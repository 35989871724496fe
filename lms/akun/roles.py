"""The four roles of the LMS, as Django groups created by a data migration (organisasi 0002),
and who must use MFA. They live with the accounts, below the organisation, because the MFA
requirement and the user cache read them."""

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


ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


def user_may_enter_admin(user) -> bool:
    """Whether Wagtail lets `user` into /admin/: a superuser, a Django staff account, or anyone
    holding `wagtailadmin.access_admin` through any group (Wagtail's own "Editors" and
    "Moderators" included) or directly. Cached on the instance, so it travels with the user
    cache's entry (lms/akun/user_cache.py) and costs no query on a cached request; the cache
    is invalidated when the user's or a group's permissions change (lms/akun/signals.py)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_lms_admin_access", None)
    if cached is None:
        cached = bool(user.is_superuser or user.is_staff or user.has_perm(ADMIN_ACCESS_PERMISSION))
        user._lms_admin_access = cached
    return cached


def user_requires_mfa(user) -> bool:
    """Trainers, supervisors, admins and anyone else who may enter the admin must use MFA."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if user_role_names(user) & set(settings.LMS_MFA_REQUIRED_GROUPS):
        return True
    return user_may_enter_admin(user)
