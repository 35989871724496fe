"""Each client's rate limit: a fixed one-minute window counted in the shared cache (Redis in
production), so every web process counts the same calls."""

import math
import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def client_rate_retry_after(client, *, now: float | None = None) -> int | None:
    """Count one call of `client` in this minute's window; None while the count is within
    `client.rate_limit_per_minute`, else the seconds until the next window opens."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"integrasi:rate:{client.pk}:{window}"
    # The entry outlives its window a little, so a late increment never recreates it.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count <= client.rate_limit_per_minute:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
