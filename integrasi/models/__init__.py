"""Integration records, by concern: service clients and their calls (the API), webhooks, the
SIASN connector."""

from .clients import ApiCall, ServiceClient
from .siasn import SiasnRecord, SiasnSendLog, SiasnTrainingType

__all__ = ["ApiCall", "ServiceClient", "SiasnRecord", "SiasnSendLog", "SiasnTrainingType"]
