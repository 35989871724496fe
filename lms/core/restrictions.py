"""A cheaper answer to "is this page private?" for pages every learner request serves.

Wagtail asks the database twice on every page view (the page's ancestors, then their view
restrictions), although this site rarely restricts a page at all. The paths of the restricted
pages are few and change seldom: keep them in the cache and ask the database only for pages
below one of them.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import post_page_move

CACHE_KEY = "lms:view-restricted-paths"
CACHE_SECONDS = 300


def restricted_paths() -> tuple[str, ...]:
    paths = cache.get(CACHE_KEY)
    if paths is None:
        paths = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
        cache.set(CACHE_KEY, paths, CACHE_SECONDS)
    return paths


def forget_restricted_paths(**kwargs) -> None:
    cache.delete(CACHE_KEY)


def connect_signals() -> None:
    post_save.connect(forget_restricted_paths, sender=PageViewRestriction)
    post_delete.connect(forget_restricted_paths, sender=PageViewRestriction)
    # A moved page takes a new path, and so does every page below it.
    post_page_move.connect(forget_restricted_paths)


def page_restriction_refuses(request, page) -> bool:
    """Whether a view restriction on `page` or above it refuses this request (a password not
    given in this session, a sign-in or a group required): what Wagtail checks before it
    serves a page, for the views that act on a page without serving it."""
    return any(
        not restriction.accept_request(request) for restriction in page.get_view_restrictions()
    )


class CachedViewRestrictionsMixin:
    def get_view_restrictions(self):
        if self.alias_of_id is None and not any(
            self.path.startswith(path) for path in restricted_paths()
        ):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
