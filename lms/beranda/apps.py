from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BerandaConfig(AppConfig):
    name = "lms.beranda"
    label = "beranda"
    verbose_name = _("Beranda")

    def ready(self):
        from . import page_cache, restrictions, site_cache

        page_cache.connect_signals()
        restrictions.connect_signals()
        site_cache.connect_signals()
