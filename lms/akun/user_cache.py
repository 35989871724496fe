"""The signed-in user, with their role names, from the cache instead of two queries per request.

Every page, autosave and "mark done" starts by loading the user from the session (one query)
and, for the header and the permission checks, their groups (another). Both change rarely,
so `get_user` keeps them in the shared cache, checked against two version tokens fetched in
the same round trip as the entry:

- the user's own token, replaced when the user row is saved or deleted or their groups change;
- a global token, replaced when a group is renamed or deleted or a bulk operation changed users
  without signals (the employee import).

Tokens are random, not counters, so an evicted token can never make a stale entry match again;
an entry stored by a request that read the old token before its query is simply ignored.
Entries expire after `LMS_USER_CACHE_SECONDS` whatever happens.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from lms.organisasi.roles import user_role_names

GLOBAL_TOKEN_KEY = "akun:user-cache:global"  # noqa: S105 - a cache key


def _token_key(user_id) -> str:
    return f"akun:user-cache:token:{user_id}"


def _entry_key(user_id) -> str:
    return f"akun:user-cache:entry:{user_id}"


def _replace_tokens(keys) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)


def _forget(keys) -> None:
    # Now, and again once the transaction commits: a request that read the row before the
    # commit may have stored it under the first new token.
    _replace_tokens(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _replace_tokens(keys))


def user_cache_forget(user_ids) -> None:
    """Invalidate the cached entries of these users (call after changing them in bulk)."""
    _forget([_token_key(pk) for pk in user_ids])


def user_cache_forget_all() -> None:
    _forget([GLOBAL_TOKEN_KEY])


def user_cached_get(user_id, load):
    """The user `user_id` with their role names loaded, from the cache or from `load(user_id)`
    (which returns a user or None)."""
    keys = (GLOBAL_TOKEN_KEY, _token_key(user_id), _entry_key(user_id))
    found = cache.get_many(keys)
    tokens = (found.get(keys[0]), found.get(keys[1]))
    entry = found.get(keys[2])
    if entry is not None and entry[0] == tokens:
        return entry[1]
    user = load(user_id)
    if user is not None:
        user_role_names(user)  # kept on the instance, and so in the entry
        cache.set(keys[2], (tokens, user), settings.LMS_USER_CACHE_SECONDS)
    return user
