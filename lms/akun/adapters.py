import base64
import hashlib
import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from cryptography.fernet import Fernet
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.akun.roles import user_may_enter_admin, user_requires_mfa
from lms.akun.sso import (
    Refusal,
    sso_account_link,
    sso_account_match,
    sso_identity,
    sso_login_option,
)
from lms.core.http import client_address

logger = logging.getLogger(__name__)

ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


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

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with the MFA step that knows when SSO already asserted MFA."""
        return [
            "lms.akun.sso.AuthenticateStage" if path == ALLAUTH_MFA_STAGE else path
            for path in super().get_login_stages()
        ]

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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on signs existing accounts in and never creates one (lms/akun/sso.py).

    Every refusal and every failure of the provider ends on the login page with a message, and
    the log names the reason, never a token or the client secret."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        # The provider's tokens are not needed past this point. Dropped here, they cannot
        # reach the session, where a login waiting for its TOTP code is kept (in the database).
        sociallogin.token = None
        identity = sso_identity(sociallogin)
        if identity is None or not identity.sub or not identity.consistent:
            self._refuse(request, Refusal.INVALID, sub=identity.sub if identity else "")
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        match = sso_account_match(identity)
        if match.user is None:
            self._refuse(request, match.refusal, sub=identity.sub, connecting=connecting)
        if connecting:
            # Signed in already and linking SSO on the connections page: only one's own.
            if match.user.pk != request.user.pk:
                self._refuse(request, Refusal.OTHER_PERSON, sub=identity.sub, connecting=True)
            return
        sso_account_link(request=request, sociallogin=sociallogin, user=match.user)
        logger.info("SSO login matched: sub=%s user=%s", identity.sub, match.user.pk)

    def _refuse(self, request, reason: Refusal, *, sub: str, connecting: bool = False):
        name = _provider_name()
        logger.warning("SSO login refused: reason=%s sub=%s", reason, sub)
        if reason == Refusal.INACTIVE:
            message = _(
                "Akun LMS Anda tidak aktif, sehingga tidak dapat masuk dengan %(name)s. "
                "Hubungi Admin LMS di unit kerja Anda."
            )
        elif reason == Refusal.OTHER_PERSON and connecting:
            message = _(
                "Akun %(name)s ini milik pegawai lain dan tidak dapat dihubungkan dengan akun Anda."
            )
        elif reason == Refusal.OTHER_PERSON:
            message = _(
                "Masuk dengan %(name)s ditolak: NIP dan alamat email dari %(name)s tidak cocok "
                "dengan data pegawai yang sama di LMS. Hubungi Admin LMS untuk memeriksa NIP "
                "dan email Anda, atau masuk dengan email dan kata sandi."
            )
        elif reason == Refusal.INVALID:
            message = _(
                "Masuk dengan %(name)s gagal: data dari %(name)s tidak lengkap atau tidak "
                "konsisten. Hubungi Admin LMS, atau masuk dengan email dan kata sandi."
            )
        else:
            message = _(
                "Akun SSO Anda belum terdaftar di LMS. Masuk dengan %(name)s hanya untuk "
                "pegawai yang akunnya sudah dibuat oleh Admin LMS dengan NIP atau alamat email "
                "(yang sudah diverifikasi di %(name)s) yang sama. Hubungi Admin LMS, atau masuk "
                "dengan email dan kata sandi."
            )
        messages.error(request, message % {"name": name})
        raise ImmediateHttpResponse(redirect("account_login"))

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """A provider that fails, is cancelled or answers nonsense: back to the login page with
        a message. Only the exception's type is logged: its text may quote the provider's
        answer."""
        logger.warning(
            "SSO login failed: error=%s exception=%s",
            error,
            type(exception).__name__ if exception is not None else "-",
        )
        name = _provider_name()
        if error == AuthError.CANCELLED:
            message = _("Masuk dengan %(name)s dibatalkan.")
        else:
            message = _(
                "Masuk dengan %(name)s gagal. Coba lagi beberapa saat lagi, atau masuk dengan "
                "email dan kata sandi."
            )
        messages.error(request, message % {"name": name})
        raise ImmediateHttpResponse(redirect("account_login"))


def _provider_name() -> str:
    """The provider's name as the login button shows it."""
    option = sso_login_option()
    return option.name if option is not None else settings.LMS_OIDC_NAME
