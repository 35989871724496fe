"""What integrasi does when the apps below it tell of an event: each concern (webhooks, the
SIASN connector) connects its own receivers here, in the transaction of the event."""

from .siasn.receivers import connect_siasn_receivers
from .webhooks.receivers import connect_webhook_receivers


def connect_receivers() -> None:
    connect_webhook_receivers()
    connect_siasn_receivers()
