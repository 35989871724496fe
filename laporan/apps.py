from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaporanConfig(AppConfig):
    name = "laporan"
    label = "laporan"
    verbose_name = _("Laporan")

    def ready(self):
        # Registers this app's tasks in every process (web included), so that its services can
        # queue them by name through lms.core.outbox without importing the tasks module.
        from . import tasks  # noqa: F401
