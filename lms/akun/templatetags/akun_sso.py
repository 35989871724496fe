from django import template

from lms.akun.sso import SsoOption, sso_login_option

register = template.Library()


@register.simple_tag
def sso_option() -> SsoOption | None:
    """`{% sso_option as sso %}`: the SSO button's name and URL, or None when SSO is off."""
    return sso_login_option()
