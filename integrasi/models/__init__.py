"""Integration records, by concern: service clients and their calls (the API), webhooks, the
SIASN connector."""

from .clients import ApiCall, ServiceClient
from .webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiCall",
    "ServiceClient",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
