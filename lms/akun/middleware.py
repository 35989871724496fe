from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.akun.roles import user_requires_mfa
from lms.akun.sso import sso_session_asserted_mfa


class RequireStaffMFAMiddleware:
    """Trainers, supervisors and admins use the site only after they have turned on TOTP.

    Until then every request of theirs goes to the MFA setup page, except the few paths that
    setting it up needs (LMS_MFA_EXEMPT_PATHS). The rule covers every path by default, so a
    new staff-only page (a report, a download, an admin view) needs no entry anywhere.

    A session signed in through SSO whose provider asserted MFA (lms/akun/sso.py) has had its
    second factor there, and is let through."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = tuple(settings.LMS_MFA_EXEMPT_PATHS)

    def __call__(self, request):
        if not request.path.startswith(self.exempt) and self._needs_setup(request):
            if request.method == "GET":
                messages.warning(
                    request,
                    _(
                        "Peran Anda mewajibkan autentikasi dua faktor. Aktifkan aplikasi "
                        "autentikator (TOTP) terlebih dahulu."
                    ),
                )
            return redirect(
                "{}?{}".format(
                    reverse("mfa_activate_totp"), urlencode({"next": request.get_full_path()})
                )
            )
        return self.get_response(request)

    @staticmethod
    def _needs_setup(request) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and user_requires_mfa(user)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
            and not sso_session_asserted_mfa(request, user)
        )
