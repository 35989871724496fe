from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KursusConfig(AppConfig):
    name = "kursus"
    verbose_name = _("Kursus")

    def ready(self):
        from .quiz_services import register_completion_rules
        from .signals import connect_signals

        register_completion_rules()
        connect_signals()
