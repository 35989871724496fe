"""Helpers shared by data migrations."""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps) -> None:
    """Permissions are normally made after all migrations have run; make them now so that a
    data migration can grant them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
