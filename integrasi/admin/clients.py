"""Admin screens of the integration: clients."""


def register_clients() -> None:
    pass
