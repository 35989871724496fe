"""The signed-in user, with their role names, from the cache instead of two queries per request.

Every page, autosave and "mark done" starts by loading the user from the session (one query)
and, for the header and the permission checks, their groups (another). Both change rarely,
so `get_user` keeps them in the shared cache, checked against two version tokens fetched in
the same round trip as the entry:

- the user's own token, replaced when the user row is saved or deleted or their groups or
  their own permissions change;
- a global token, replaced when a group is renamed or deleted or its permissions change, or a
  bulk operation changed users without signals (the employee import).

Tokens are stamps of `lms.core.cache.stamped_get`: random, and replaced again on commit.
Entries expire after `LMS_USER_CACHE_SECONDS` whatever happens.
"""

from django.conf import settings

from lms.akun.roles import user_may_enter_admin, user_role_names
from lms.core.cache import stamped_get, stamps_replace

GLOBAL_TOKEN_KEY = "akun:user-cache:global"  # noqa: S105 - a cache key


def _token_key(user_id) -> str:
    return f"akun:user-cache:token:{user_id}"


def _entry_key(user_id) -> str:
    return f"akun:user-cache:entry:{user_id}"


def user_cache_forget(user_ids) -> None:
    """Invalidate the cached entries of these users (call after changing them in bulk)."""
    stamps_replace([_token_key(pk) for pk in user_ids])


def user_cache_forget_all() -> None:
    stamps_replace([GLOBAL_TOKEN_KEY])


def user_cached_get(user_id, load):
    """The user `user_id` with their role names loaded, from the cache or from `load(user_id)`
    (which returns a user or None)."""

    def build():
        user = load(user_id)
        if user is not None:
            # Kept on the instance, and so in the entry: the MFA middleware asks both on
            # every request.
            user_role_names(user)
            user_may_enter_admin(user)
        return user

    return stamped_get(
        (GLOBAL_TOKEN_KEY, _token_key(user_id)),
        _entry_key(user_id),
        build,
        settings.LMS_USER_CACHE_SECONDS,
    )
