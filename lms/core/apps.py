from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lms.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self):
        from django.urls import register_converter

        from . import page_cache, restrictions, site_cache
        from .converters import IdConverter

        register_converter(IdConverter, "id")
        page_cache.connect_signals()
        restrictions.connect_signals()
        site_cache.connect_signals()
