from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lms.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")
