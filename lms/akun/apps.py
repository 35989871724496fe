from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkunConfig(AppConfig):
    name = "lms.akun"
    label = "akun"
    verbose_name = _("Akun")

    def ready(self):
        from .signals import connect_signals

        connect_signals()
