from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisasiConfig(AppConfig):
    name = "lms.organisasi"
    label = "organisasi"
    verbose_name = _("Organisasi")

    def ready(self):
        from lms.akun.sso import register_person_directory

        # Registers this app's tasks in every process (web included), so that its services can
        # queue them by name through lms.core.outbox without importing the tasks module.
        from . import tasks  # noqa: F401
        from .selectors import employee_get_by_nip, employee_get_for_user

        # Single sign-on (lms.akun, below this app) finds people by NIP through these.
        register_person_directory(by_nip=employee_get_by_nip, of_user=employee_get_for_user)
