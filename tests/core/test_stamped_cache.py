"""Cached entries built under stamps."""

import secrets

import pytest
from django.core.cache import cache

from lms.core.cache import stamped_get


@pytest.fixture
def keys():
    run = secrets.token_hex(4)
    stamp, key = f"test:stamp:{run}", f"test:entry:{run}"
    cache.set(stamp, "s1", None)
    yield stamp, key
    cache.delete_many([stamp, key])


def builder(value, calls):
    def build():
        calls.append(value)
        return value

    return build


def test_a_miss_is_built_once_and_served_until_its_stamp_changes(keys):
    stamp, key = keys
    calls = []

    assert stamped_get([stamp], key, builder("a", calls), 60) == "a"
    assert stamped_get([stamp], key, builder("b", calls), 60) == "a"
    cache.set(stamp, "s2", None)  # what stamps_replace does when the rows change
    assert stamped_get([stamp], key, builder("c", calls), 60) == "c"
    assert calls == ["a", "c"]


def test_a_build_that_returns_none_stores_nothing(keys):
    stamp, key = keys
    calls = []

    assert stamped_get([stamp], key, builder(None, calls), 60) is None
    assert stamped_get([stamp], key, builder("b", calls), 60) == "b"
    assert calls == [None, "b"]


def test_a_failed_build_stores_nothing_and_the_next_miss_builds(keys):
    stamp, key = keys

    def fail():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        stamped_get([stamp], key, fail, 60)
    assert cache.get(key) is None
    assert stamped_get([stamp], key, lambda: "after", 60) == "after"


def test_an_entry_built_under_a_stamp_that_was_replaced_meanwhile_is_not_used(keys):
    stamp, key = keys
    calls = []

    def build_while_the_rows_change():
        calls.append("old")
        cache.set(stamp, "s2", None)  # stamps_replace, committed during the build
        return "old"

    assert stamped_get([stamp], key, build_while_the_rows_change, 60) == "old"
    assert stamped_get([stamp], key, builder("new", calls), 60) == "new"
    assert calls == ["old", "new"]
