"""Django's Redis cache backend, keeping one client per connection pool, and the stamps that
the cached entries are built under.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
each of those copies redis-py's table of some 170 response callbacks: about a quarter of a
millisecond per call, several times on every page. A `redis.Redis` is safe to share between
threads (connections come from its pool), so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def set_many(self, data, timeout):
        """Without a timeout (the stamps), one MSET, atomic by itself, instead of Django's
        MULTI/EXEC pipeline around it."""
        if timeout is not None:
            return super().set_many(data, timeout)
        client = self.get_client(None, write=True)
        client.mset({key: self._serializer.dumps(value) for key, value in data.items()})


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def stamped_get(stamp_keys, key: str, build, timeout: int):
    """The value cached under `key` if it was built under the current values of `stamp_keys`,
    else `build()`'s (stored unless None). Stamps and entry come in one round trip.

    A stamp is a random token that `stamps_replace` swaps whenever what it covers changes;
    random, not a counter, so that an evicted stamp can never make a stale entry match again,
    and an entry built by a request that read the old stamp is never used. A miss is built by
    whoever misses it: concurrent misses of one entry each build it and store the same value."""
    from django.core.cache import cache

    found = cache.get_many([*stamp_keys, key])
    stamps = tuple(found.get(k) for k in stamp_keys)
    entry = found.get(key)
    if entry is not None and entry[0] == stamps:
        return entry[1]
    value = build()
    if value is not None:
        cache.set(key, (stamps, value), timeout)
    return value


def stamps_replace(keys) -> None:
    """Swap these stamps now and again once the current transaction commits: a request that
    read the rows before the commit may have built its entry under the first new stamp."""
    import secrets

    from django.core.cache import cache
    from django.db import transaction

    def replace():
        cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)

    replace()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(replace)


LEARNER_STAMP_BATCH = 1000


def learner_stamp_key(user_id) -> str:
    """The stamp of what a learner sees of their own learning: their enrolments, lesson
    progress, quiz results, JP credits and certificates."""
    return f"lms:learner:{int(user_id)}"


def learners_changed(user_ids) -> None:
    """Call after writing any of those for these learners: the entries cached from them (the
    lesson page's progress, the dashboard) are not used again."""
    keys = sorted({learner_stamp_key(pk) for pk in user_ids})
    for i in range(0, len(keys), LEARNER_STAMP_BATCH):
        stamps_replace(keys[i : i + LEARNER_STAMP_BATCH])
