"""Admin screens of the integration: webhooks."""


def register_webhooks() -> None:
    pass
