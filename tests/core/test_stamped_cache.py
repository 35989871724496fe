"""Cached entries built under stamps, and one build for concurrent misses of an entry."""

import secrets

import pytest
from django.core.cache import cache

from lms.core import cache as stamped
from lms.core.cache import BUILD_WAITS, stamped_get


@pytest.fixture
def keys():
    run = secrets.token_hex(4)
    stamp, key = f"test:stamp:{run}", f"test:entry:{run}"
    cache.set(stamp, "s1", None)
    yield stamp, key
    cache.delete_many([stamp, key, f"{key}:building"])


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
    assert cache.get(f"{key}:building") is None  # each build let go of its claim


def test_a_miss_whose_build_another_request_claimed_waits_for_its_value(keys, monkeypatch):
    stamp, key = keys
    cache.add(f"{key}:building", 1, 5)  # another request is building the entry
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 2:  # the other request stores what it built and lets go
            cache.set(key, (("s1",), "theirs"), 60)
            cache.delete(f"{key}:building")

    monkeypatch.setattr(stamped.time, "sleep", sleep)
    calls = []

    assert stamped_get([stamp], key, builder("mine", calls), 60) == "theirs"
    assert calls == [] and pauses == list(BUILD_WAITS[:2])


def test_a_waiter_builds_when_the_builder_let_go_without_a_value(keys, monkeypatch):
    stamp, key = keys
    cache.add(f"{key}:building", 1, 5)
    monkeypatch.setattr(stamped.time, "sleep", lambda s: cache.delete(f"{key}:building"))
    calls = []

    assert stamped_get([stamp], key, builder("mine", calls), 60) == "mine"
    assert calls == ["mine"]
    assert cache.get(key) == (("s1",), "mine")


def test_a_claim_whose_builder_died_holds_a_miss_back_a_quarter_second_at_most(keys, monkeypatch):
    stamp, key = keys
    cache.add(f"{key}:building", 1, 5)  # never let go
    pauses = []
    monkeypatch.setattr(stamped.time, "sleep", pauses.append)
    calls = []

    assert stamped_get([stamp], key, builder("mine", calls), 60) == "mine"
    assert calls == ["mine"] and pauses == list(BUILD_WAITS)
    assert sum(BUILD_WAITS) <= 0.26
    assert cache.get(f"{key}:building") == 1  # not its claim to let go of


def test_a_failed_build_lets_go_of_its_claim(keys):
    stamp, key = keys

    def fail():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        stamped_get([stamp], key, fail, 60)
    assert cache.get(f"{key}:building") is None
    assert stamped_get([stamp], key, lambda: "after", 60) == "after"
