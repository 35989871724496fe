"""The admin's "Program" menu group, which every area of the programme adds its items to.

An area adds an item with the hook PROGRAM_MENU_HOOK, returning a MenuItem (with `is_shown`
checking its own permission):

    @hooks.register(PROGRAM_MENU_HOOK)
    def register_sessions_menu_item():
        return MenuItem(_("Sesi"), reverse("..."), icon_name="date", order=200)

or, for a viewset, by setting `menu_hook = PROGRAM_MENU_HOOK` (and not add_to_admin_menu).
The group shows only when at least one of its items is shown to the user."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

PROGRAM_MENU_HOOK = "register_program_menu_item"

program_menu = Menu(
    register_hook_name=PROGRAM_MENU_HOOK, construct_hook_name="construct_program_menu"
)


def program_menu_item() -> SubmenuMenuItem:
    return SubmenuMenuItem(
        _("Program"), program_menu, name="program", icon_name="list-ul", order=295
    )


def register_program_menu() -> None:
    """Put the "Program" group in the admin's main menu (called once, from wagtail_hooks)."""
    hooks.register("register_admin_menu_item", program_menu_item)
