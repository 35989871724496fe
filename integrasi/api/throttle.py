"""Rate limits of the API: a fixed one-minute window counted in the shared cache (Redis in
production), so every web process counts the same calls. Each client has its own limit;
calls refused for want of a valid token are counted by the caller's address."""

import math
import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def _window_count(name: str, *, now: float) -> tuple[int, int]:
    """Count one call under `name` in this minute's window: (the count so far, the seconds
    until the next window opens)."""
    window = int(now // WINDOW_SECONDS)
    key = f"integrasi:rate:{name}:{window}"
    # The entry outlives its window a little, so a late increment never recreates it.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return count, max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def client_rate_retry_after(client, *, now: float | None = None) -> int | None:
    """Count one call of `client` in this minute's window; None while the count is within
    `client.rate_limit_per_minute`, else the seconds until the next window opens."""
    count, retry_after = _window_count(str(client.pk), now=time.time() if now is None else now)
    return None if count <= client.rate_limit_per_minute else retry_after


def refused_call_count(address: str, *, now: float | None = None) -> tuple[int, int]:
    """Count one call refused for its token from `address` (LMS_API_REFUSED_PER_MINUTE are
    answered 401, the rest 429): (the count in this window, the seconds until the next)."""
    return _window_count(f"refused:{address}", now=time.time() if now is None else now)
