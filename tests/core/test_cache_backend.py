import socket

import pytest

from lms.core.cache import RedisCache


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_one_client_per_pool():
    cache = RedisCache("redis://127.0.0.1:6379/13", {})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool


def test_base_settings_swap_in_the_reusing_backend(monkeypatch):
    import importlib

    import lms.settings.base as base

    monkeypatch.setenv("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/13")
    try:
        assert importlib.reload(base).CACHES["default"]["BACKEND"] == "lms.core.cache.RedisCache"
    finally:
        monkeypatch.delenv("DJANGO_CACHE_URL")
        importlib.reload(base)


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_round_trip_through_redis():
    cache = RedisCache("redis://127.0.0.1:6379/13", {"OPTIONS": {}})
    cache.set("lms-cache-test", {"a": 1}, 30)
    assert cache.get("lms-cache-test") == {"a": 1}
    cache.delete("lms-cache-test")
    assert cache.get("lms-cache-test") is None


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_set_many_stores_every_key_with_or_without_a_timeout():
    cache = RedisCache("redis://127.0.0.1:6379/13", {"OPTIONS": {}})
    client = cache._cache.get_client(None)
    try:
        cache.set_many({"lms-cache-test-a": 1, "lms-cache-test-b": "x"}, timeout=None)
        assert cache.get_many(["lms-cache-test-a", "lms-cache-test-b"]) == {
            "lms-cache-test-a": 1,
            "lms-cache-test-b": "x",
        }
        assert client.ttl(cache.make_key("lms-cache-test-a")) == -1  # kept until replaced
        cache.set_many({"lms-cache-test-a": 2}, timeout=30)
        assert cache.get("lms-cache-test-a") == 2
        assert 0 < client.ttl(cache.make_key("lms-cache-test-a")) <= 30
    finally:
        cache.delete_many(["lms-cache-test-a", "lms-cache-test-b"])
