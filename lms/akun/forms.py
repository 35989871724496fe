"""allauth's forms with our word for a password.

Wagtail's Indonesian catalogue translates "Password" as "Kata Kunci" and, listed before
allauth, wins over allauth's "Kata sandi"; the forms a learner meets say "Kata sandi"."""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _

PASSWORD_LABEL = _("Kata sandi")


class _PasswordLabelMixin:
    password_fields = ("password",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.password_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            field.label = PASSWORD_LABEL
            if "placeholder" in field.widget.attrs:
                field.widget.attrs["placeholder"] = PASSWORD_LABEL


class LoginForm(_PasswordLabelMixin, allauth_forms.LoginForm):
    pass


class ReauthenticateForm(_PasswordLabelMixin, allauth_forms.ReauthenticateForm):
    pass


class SignupForm(_PasswordLabelMixin, allauth_forms.SignupForm):
    password_fields = ("password1",)


class SetPasswordForm(_PasswordLabelMixin, allauth_forms.SetPasswordForm):
    password_fields = ("password1",)
