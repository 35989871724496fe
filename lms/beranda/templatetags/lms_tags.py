from django import template

from lms.akun.roles import SUPERVISOR, user_can_use_admin, user_has_role, user_is_admin_lms

register = template.Library()


@register.simple_tag
def user_can_see_reports(user) -> bool:
    return user_is_admin_lms(user) or user_has_role(user, SUPERVISOR)


@register.simple_tag
def user_can_see_admin(user) -> bool:
    return user_can_use_admin(user)
