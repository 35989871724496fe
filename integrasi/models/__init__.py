"""Integration records, by concern: service clients and their calls (the API), webhooks, the
SIASN connector."""

from .clients import ApiCall, ServiceClient

__all__ = ["ApiCall", "ServiceClient"]
