from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrasiConfig(AppConfig):
    """Integration with other systems: the REST API for service clients (HR, SIASN's
    operators, Bawaslu's own applications), signed webhooks and the SIASN connector. Sits at
    the top beside laporan: it reads organisasi, sertifikat, kursus and program, and reacts to
    their signals; nothing imports it."""

    name = "integrasi"
    verbose_name = _("Integrasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import tasks  # noqa: F401
        from .receivers import connect_receivers

        connect_receivers()
