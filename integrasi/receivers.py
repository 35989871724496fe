"""What integrasi does when the apps below it tell of an event: each concern (webhooks, the
SIASN connector) connects its own receivers here, in the transaction of the event."""


def connect_receivers() -> None:
    pass
