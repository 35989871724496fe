from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SertifikatConfig(AppConfig):
    name = "sertifikat"
    verbose_name = _("Sertifikat")
