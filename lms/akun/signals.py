"""Keep the user cache (user_cache.py) honest: any change to a user or their groups replaces
their token; a change to a group itself replaces the global one."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

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
