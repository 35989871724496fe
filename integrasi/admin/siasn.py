"""Admin screens of the integration: siasn."""


def register_siasn() -> None:
    pass
