"""How an editor's preview of a course page is rendered, without the page models importing a
view: kursus's preview views register one renderer per page class (KursusConfig.ready), and
the models' `serve_preview` asks this registry (kursus/models/pages.py)."""

from collections.abc import Callable

PreviewRenderer = Callable[..., object]  # (request, page) -> HttpResponse

_renderers: dict[type, PreviewRenderer] = {}


def preview_renderer_register(page_class: type, renderer: PreviewRenderer) -> None:
    _renderers[page_class] = renderer


def preview_renderer_get(page_class: type) -> PreviewRenderer | None:
    """The renderer registered for `page_class` or its nearest base class (None when none)."""
    for klass in page_class.__mro__:
        if klass in _renderers:
            return _renderers[klass]
    return None
