"""Account writes that are ours rather than allauth's: invitations to set a password."""

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import User


def account_set_password_url(*, user: User) -> str:
    """An absolute link where `user` chooses a password; it stops working once used."""
    token = EmailAwarePasswordResetTokenGenerator().make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    path = path.replace("UID-KEY", f"{user_pk_to_url_str(user)}-{token}")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def account_invite_send(*, user: User) -> None:
    """Mail a new user the link to set their password; accounts never get a password by mail."""
    context = {
        "user": user,
        "name": user.get_full_name() or user.email,
        "set_password_url": account_set_password_url(user=user),
        "login_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("account_login"),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    subject = render_to_string("account/email/invitation_subject.txt", context).strip()
    body = render_to_string("account/email/invitation_message.txt", context)
    message = EmailMultiAlternatives(subject, body, to=[user.email])
    message.send()
