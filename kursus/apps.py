from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KursusConfig(AppConfig):
    name = "kursus"
    verbose_name = _("Kursus")

    def ready(self):
        from .preview_views import register_previews
        from .receivers import connect_receivers
        from .signals import connect_signals

        connect_signals()
        connect_receivers()
        register_previews()
