from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KursusConfig(AppConfig):
    name = "kursus"
    verbose_name = _("Kursus")

    def ready(self):
        from .page_receivers import connect_signals
        from .preview_views import register_previews
        from .receivers import connect_receivers

        connect_signals()
        connect_receivers()
        register_previews()
