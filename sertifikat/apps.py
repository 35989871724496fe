from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SertifikatConfig(AppConfig):
    name = "sertifikat"
    verbose_name = _("Sertifikat")

    def ready(self):
        # Register the certificate tasks in every process, not only in workers (where
        # Celery's autodiscovery imports them): the services enqueue them by name
        # (`sertifikat.jobs`), from web requests too.
        from . import checks, tasks  # noqa: F401
