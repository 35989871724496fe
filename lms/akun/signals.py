"""Keep the user cache (user_cache.py) honest: any change to a user or their groups replaces
their token; a change to a group itself replaces the global one. And record, at each sign-in,
whether SSO asserted MFA for the session (sso.py)."""

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save

from .sso import sso_session_record
from .user_cache import user_cache_forget, user_cache_forget_all


def _user_changed(sender, instance, **kwargs):
    user_cache_forget([instance.pk])


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        user_cache_forget([instance.pk])
    elif pk_set:
        user_cache_forget(pk_set)
    else:  # group.user_set.clear(): which users is not told
        user_cache_forget_all()


def _group_changed(sender, **kwargs):
    user_cache_forget_all()


def _group_permissions_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        user_cache_forget_all()


def _logged_in(sender, request, user, **kwargs):
    """Django's sign-in (every way in, allauth's included): no SSO mark carries over."""
    if request is not None:
        sso_session_record(request, user=user)


def _allauth_logged_in(sender, request, user, sociallogin=None, **kwargs):
    """allauth's, sent after Django's: an SSO sign-in that asserted MFA marks the session."""
    sso_session_record(request, user=user, sociallogin=sociallogin)


def connect_signals() -> None:
    User = get_user_model()
    post_save.connect(_user_changed, sender=User, dispatch_uid="akun-user-cache-save")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="akun-user-cache-delete")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="akun-user-cache-groups"
    )
    m2m_changed.connect(
        _groups_changed,
        sender=User.user_permissions.through,
        dispatch_uid="akun-user-cache-permissions",
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="akun-user-cache-group-permissions",
    )
    post_save.connect(_group_changed, sender=Group, dispatch_uid="akun-user-cache-group-save")
    post_delete.connect(_group_changed, sender=Group, dispatch_uid="akun-user-cache-group-del")
    user_logged_in.connect(_logged_in, dispatch_uid="akun-sso-session-clear")
    allauth_user_logged_in.connect(_allauth_logged_in, dispatch_uid="akun-sso-session-mark")
