"""Reads of the webhooks: which receivers want an event (cached, so that a learner's
request pays no query while none does), and the admin's lists."""

from dataclasses import dataclass

from django.db.models import QuerySet

from lms.core.cache import stamped_get, stamps_replace

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

ENDPOINTS_STAMP = "lms:integrasi:webhook-endpoints"
ENDPOINTS_KEY = "lms:integrasi:webhook-endpoints:active"
# A unit moved in the tree (rare) reaches the cached paths within this time.
ENDPOINTS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class EndpointTarget:
    id: int
    events: frozenset[str]
    unit_path: str


def _active_endpoints() -> list[EndpointTarget]:
    rows = WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "events", "unit__path")
    return [EndpointTarget(pk, frozenset(events or ()), path) for pk, events, path in rows]


def webhook_targets(event_type: str) -> list[EndpointTarget]:
    """The active receivers subscribed to `event_type`, from the cache (no query once it is
    built; an empty list is cached too)."""
    targets = stamped_get(
        [ENDPOINTS_STAMP], ENDPOINTS_KEY, _active_endpoints, ENDPOINTS_CACHE_SECONDS
    )
    return [t for t in targets if event_type in t.events]


def webhook_targets_for_unit(targets: list[EndpointTarget], unit_path: str | None) -> list[int]:
    """The ids of `targets` whose unit subtree holds a person of the unit at `unit_path`."""
    if not unit_path:
        return []
    return [t.id for t in targets if unit_path.startswith(t.unit_path)]


def webhook_endpoints_changed() -> None:
    """Call after any write to an endpoint: the cached list is built again."""
    stamps_replace([ENDPOINTS_STAMP])


def webhook_delivery_list(
    *, endpoint_id: int | None = None, status: str = "", event_type: str = ""
) -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.objects.select_related("endpoint", "event")
    if endpoint_id:
        rows = rows.filter(endpoint_id=endpoint_id)
    if status:
        rows = rows.filter(status=status)
    if event_type:
        rows = rows.filter(event__type=event_type)
    return rows.order_by("-created_at", "-pk")


def webhook_delivery_attempts(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-number", "-pk")
