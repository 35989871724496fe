"""The lesson list beside a lesson, written in Python: a dozen lessons of a dozen lookups each
cost the template engine more than the rest of the lesson page."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DONE_MARK = "\u2713"  # check mark
OPEN_MARK = "\u25cb"  # white circle


@register.simple_tag
def lesson_toc_items(lessons, current_id: int) -> SafeString:
    """One <li> per lesson of a module: done, locked (no link) or open, the current one
    marked for sight and for screen readers."""
    lock = None
    items = []
    for lesson in lessons:
        current = lesson.id == current_id
        if lesson.done:
            state, mark = "is-done", DONE_MARK
        elif lesson.locked:
            if lock is None:
                lock = mark_safe(render_to_string("includes/icon_lock.html").strip())  # noqa: S308 - our own template
            state, mark = "is-locked", lock
        else:
            state, mark = "", OPEN_MARK
        if lesson.locked:
            link = format_html("<span>{}</span>", lesson.title)
        elif current:
            link = format_html('<a href="{}" aria-current="page">{}</a>', lesson.url, lesson.title)
        else:
            link = format_html('<a href="{}">{}</a>', lesson.url, lesson.title)
        items.append(
            format_html(
                '<li class="outline__lesson {}{}"><span class="outline__state" '
                'aria-hidden="true">{}</span> {}</li>',
                state,
                " is-current" if current else "",
                mark,
                link,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every piece is escaped by format_html
