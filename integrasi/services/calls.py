"""The API's call log: one row per call, written cheaply, purged after LMS_API_LOG_DAYS."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..models import ApiCall, ServiceClient

PATH_MAX = ApiCall._meta.get_field("path").max_length
METHOD_MAX = ApiCall._meta.get_field("method").max_length
PURGE_BATCH = 10_000
# A client's "last used" is written at most once in this many seconds.
LAST_USED_EVERY_SECONDS = 60


def api_call_record(
    *, client_id: int | None, method: str, path: str, status: int, duration_ms: int
) -> ApiCall:
    """Log one call: one INSERT (and, at most once a minute per client, the client's
    last_used_at). The path is the request's path only: never its query string, body or
    headers."""
    call = ApiCall.objects.create(
        client_id=client_id,
        method=method[:METHOD_MAX],
        path=path[:PATH_MAX],
        status=status,
        duration_ms=max(0, duration_ms),
    )
    if client_id is not None and cache.add(
        f"integrasi:last-used:{client_id}", 1, timeout=LAST_USED_EVERY_SECONDS
    ):
        ServiceClient.objects.filter(pk=client_id).update(last_used_at=call.at)
    return call


def api_calls_purge(*, days: int | None = None) -> int:
    """Delete the log rows older than `days` (LMS_API_LOG_DAYS), in batches so that no
    statement holds the table long; return how many went."""
    days = settings.LMS_API_LOG_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    total = 0
    while True:
        ids = list(
            ApiCall.objects.filter(at__lt=cutoff)
            .order_by()
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not ids:
            return total
        total += ApiCall.objects.filter(pk__in=ids).delete()[0]
