import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.akun.roles import user_may_enter_admin, user_requires_mfa
from lms.core.http import client_address


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # A lock per email address (ACCOUNT_RATE_LIMITS["login_failed"]) that anyone who knows
        # the address can set: say how its owner gets in at once, by email, whatever the lock.
        "too_many_login_attempts": gettext_lazy(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi beberapa menit lagi, atau "
            "atur ulang kata sandi lewat email (tautan di bawah formulir): setelah Anda "
            "menyimpan kata sandi baru lewat tautan di email, Anda langsung masuk, walaupun "
            "orang lain terus mencoba masuk dengan alamat Anda."
        ),
    }

    def get_client_ip(self, request) -> str:
        """allauth's rate limits key on the same client address as ours (lms.core.http)."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def get_login_redirect_url(self, request):
        """Where a sign-in without a (safe) `next` lands: the admin for those whose work is
        there (trainers, Admin LMS, staff), the learner's dashboard (LOGIN_REDIRECT_URL) for
        everyone else, supervisors included (their reports are one link away)."""
        if user_may_enter_admin(request.user):
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request):
        """Accounts come from admins and the bulk import unless open sign-up is switched on."""
        return settings.LMS_OPEN_SIGNUP

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        domains = [d.lower().lstrip("@") for d in settings.LMS_SIGNUP_EMAIL_DOMAINS]
        # Only sign-up is limited to the allowed domains; existing accounts may use any.
        if settings.LMS_OPEN_SIGNUP and domains and email.rsplit("@", 1)[-1] not in domains:
            raise forms.ValidationError(
                _("Pendaftaran hanya untuk alamat email %(domains)s.")
                % {"domains": ", ".join("@" + d for d in domains)}
            )
        return email


def _fernet() -> Fernet:
    digest = hashlib.sha256(("lms-mfa:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """TOTP secrets are stored encrypted with a key derived from SECRET_KEY."""
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator) -> bool:
        """Staff roles must keep MFA; learners may turn it off again."""
        return not user_requires_mfa(authenticator.user)
