"""The programme page in the admin and on the site: learners get it from program's view, and
the editor offers no submission to the course review (a programme is published directly)."""

from django.shortcuts import redirect
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin import messages

from ..models import ProgrammePage


def _creating_programme(request) -> bool:
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    return (
        kwargs.get("content_type_app_name") == "program"
        and kwargs.get("content_type_model_name") == "programmepage"
    )


def programme_serve_hook(next_serve):
    def serve(page, request, args, kwargs):
        if isinstance(page, ProgrammePage):
            from ..views.curriculum import programme_serve

            return programme_serve(request, programme=page)
        return next_serve(page, request, args, kwargs)

    return serve


def programme_action_menu(menu_items, request, context):
    """The catalogue's course review does not take programmes: no "submit" in their editor."""
    page = context.get("page")
    is_programme = (
        isinstance(page.specific, ProgrammePage)
        if page is not None and page.pk
        else context.get("view") == "create" and _creating_programme(request)
    )
    if is_programme:
        menu_items[:] = [item for item in menu_items if item.name != "action-submit"]


def programme_create_guard(request, parent_page, page_class):
    if page_class is ProgrammePage and request.method == "POST" and "action-submit" in request.POST:
        messages.error(
            request,
            gettext("Program tidak diajukan untuk ditinjau: simpan atau terbitkan langsung."),
        )
        return redirect(request.get_full_path())
    return None


def register_curriculum() -> None:
    hooks.register("on_serve_page", programme_serve_hook, order=90)
    # After kursus's own menu hook, which relabels the catalogue's submission for courses.
    hooks.register("construct_page_action_menu", programme_action_menu, order=10)
    hooks.register("before_create_page", programme_create_guard)
