from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BerandaConfig(AppConfig):
    name = "lms.beranda"
    label = "beranda"
    verbose_name = _("Beranda")
