"""The admin's "Integrasi" menu group, which every concern (service clients and the call log,
webhooks, SIASN) adds its items to, with the hook INTEGRASI_MENU_HOOK returning a MenuItem
whose `is_shown` checks its own permission, or a viewset with `menu_hook =
INTEGRASI_MENU_HOOK`. The group shows only when at least one of its items is shown."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

INTEGRASI_MENU_HOOK = "register_integrasi_menu_item"

integrasi_menu = Menu(
    register_hook_name=INTEGRASI_MENU_HOOK, construct_hook_name="construct_integrasi_menu"
)


def integrasi_menu_item() -> SubmenuMenuItem:
    return SubmenuMenuItem(
        _("Integrasi"), integrasi_menu, name="integrasi", icon_name="link", order=900
    )


def register_integrasi_menu() -> None:
    """Put the "Integrasi" group in the admin's main menu (called once, from wagtail_hooks)."""
    hooks.register("register_admin_menu_item", integrasi_menu_item)
