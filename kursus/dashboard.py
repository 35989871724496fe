"""Sections that apps above kursus add to the learner's dashboard (program adds "Angkatan
saya"), without kursus importing them: each registers a function in its AppConfig.ready().

A section function takes (request, user) and returns (template name, context) or None (nothing
to show). Sections are rendered on every request, outside the dashboard's cached content, so
that what they show may follow the clock; each should cost at most one query."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

DashboardSection = Callable[..., tuple[str, dict] | None]

_sections: list[DashboardSection] = []


def register_dashboard_section(fn: DashboardSection) -> DashboardSection:
    """Add `fn` to the dashboard (once, however often it is registered)."""
    if fn not in _sections:
        _sections.append(fn)
    return fn


def dashboard_sections_render(request) -> list[SafeString]:
    """The HTML of each registered section that has something to show."""
    rendered = []
    for fn in _sections:
        section = fn(request, request.user)
        if section is not None:
            template_name, context = section
            rendered.append(render_to_string(template_name, context, request))
    return rendered
