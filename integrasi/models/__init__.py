"""Integration records, by concern: service clients and their calls (the API), webhooks, the
SIASN connector."""

from .clients import ApiCall, ServiceClient
from .siasn import SiasnRecord, SiasnSendLog, SiasnTrainingType
from .webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiCall",
    "ServiceClient",
    "SiasnRecord",
    "SiasnSendLog",
    "SiasnTrainingType",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
