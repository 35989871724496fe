from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.organisasi.roles import user_requires_mfa


class RequireStaffMFAMiddleware:
    """Trainers, supervisors and admins reach the Wagtail admin and the reports only after
    they have turned on TOTP; until then every such request goes to the MFA setup page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.LMS_MFA_PROTECTED_PATHS)

    def __call__(self, request):
        if request.path.startswith(self.prefixes) and self._needs_setup(request.user):
            messages.warning(
                request,
                _(
                    "Peran Anda mewajibkan autentikasi dua faktor. Aktifkan aplikasi "
                    "autentikator (TOTP) terlebih dahulu."
                ),
            )
            return redirect(
                "{}?{}".format(_mfa_setup_url(), urlencode({"next": request.get_full_path()}))
            )
        return self.get_response(request)

    @staticmethod
    def _needs_setup(user) -> bool:
        return (
            user.is_authenticated
            and user_requires_mfa(user)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        )


def _mfa_setup_url() -> str:
    from django.urls import reverse

    return reverse("mfa_activate_totp")
