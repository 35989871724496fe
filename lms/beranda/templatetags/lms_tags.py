from django import template

from lms.akun.roles import (
    PENGAJAR,
    SUPERVISOR,
    user_can_use_admin,
    user_has_role,
    user_is_admin_lms,
)

register = template.Library()


@register.simple_tag
def user_can_see_reports(user) -> bool:
    """Admin LMS and supervisors (unit reports), trainers (cohort reports)."""
    return (
        user_is_admin_lms(user) or user_has_role(user, SUPERVISOR) or user_has_role(user, PENGAJAR)
    )


@register.simple_tag
def user_can_see_admin(user) -> bool:
    return user_can_use_admin(user)
