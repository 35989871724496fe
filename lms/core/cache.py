"""Django's Redis cache backend, keeping one client per connection pool, and the stamps that
the cached entries are built under.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
each of those copies redis-py's table of some 170 response callbacks: about a quarter of a
millisecond per call, several times on every page. A `redis.Redis` is safe to share between
threads (connections come from its pool), so one per pool is enough.
"""

import time

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


# A miss is built by one request: the first claims the build, and the others that miss the
# same entry meanwhile wait for its value (the learners of a class opening the page whose
# entry a publish has just made stale) instead of each building it again beside it. A claim
# outlives any build, so that one whose builder died frees itself; a waiter that has not seen
# the value after the last pause builds it itself.
BUILD_CLAIM_SECONDS = 5
BUILD_WAITS = (0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128)  # 255 ms in all


def stamped_get(stamp_keys, key: str, build, timeout: int, *, build_more=None):
    """The value cached under `key` if it was built under the current values of `stamp_keys`,
    else `build()`'s (stored unless None). Stamps and entry come in one round trip.
    `build_more(value)`, when given, returns more entries ({key: value}) under the same
    stamps, stored with it: what the next requests will ask for, built in one go.

    A stamp is a random token that `stamps_replace` swaps whenever what it covers changes;
    random, not a counter, so that an evicted stamp can never make a stale entry match again,
    and an entry built by a request that read the old stamp is never used. Concurrent misses
    of one entry build it once (see BUILD_WAITS)."""
    from django.core.cache import cache

    found = cache.get_many([*stamp_keys, key])
    stamps = tuple(found.get(k) for k in stamp_keys)
    entry = found.get(key)
    if entry is not None and entry[0] == stamps:
        return entry[1]
    claim = f"{key}:building"
    claimed = cache.add(claim, 1, BUILD_CLAIM_SECONDS)
    if not claimed:  # another request is building it
        for pause in BUILD_WAITS:
            time.sleep(pause)
            found = cache.get_many([*stamp_keys, key, claim])
            stamps = tuple(found.get(k) for k in stamp_keys)
            entry = found.get(key)
            if entry is not None and entry[0] == stamps:
                return entry[1]
            if claim not in found:  # built nothing (no such value) or failed: build here
                break
    try:
        value = build()
        if value is not None:
            more = build_more(value) if build_more is not None else {}
            if more:
                entries = {k: (stamps, v) for k, v in more.items()}
                cache.set_many({**entries, key: (stamps, value)}, timeout)
            else:
                cache.set(key, (stamps, value), timeout)
    finally:
        if claimed:
            cache.delete(claim)
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
