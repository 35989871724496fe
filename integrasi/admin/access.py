"""Who may use the integration's admin screens: Admin LMS (and superusers) only, by role,
whatever the action; one policy and one menu item shared by every concern."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.base import BasePermissionPolicy

from lms.akun.roles import ADMIN_LMS, user_is_admin_lms


class AdminLmsPolicy(BasePermissionPolicy):
    """Admin LMS (and superusers) only, by role, whatever the action."""

    def user_has_permission(self, user, action):
        return user_is_admin_lms(user)

    def user_has_any_permission(self, user, actions):
        return user_is_admin_lms(user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__name=ADMIN_LMS), is_active=True)
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class AdminLmsMenuItem(MenuItem):
    """A menu item only Admin LMS sees."""

    def is_shown(self, request):
        return user_is_admin_lms(request.user)
