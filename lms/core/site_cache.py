"""The Wagtail site of a request, from the cache instead of a query on every page view.

Wagtail looks the site up by host name and port on each request, then loads its root page
and that page's specific instance: three queries for something that changes when an editor
changes the site or publishes the home page. The site (with its root page attached) is kept
in the cache under a stamp that those changes replace (lms.core.cache.stamped_get).
"""

from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished

from lms.core.cache import stamped_get, stamps_replace

STAMP_KEY = "lms:site-stamp"
CACHE_SECONDS = 600


def forget_sites(**kwargs) -> None:
    stamps_replace([STAMP_KEY])


def _site_with_root(request) -> Site | None:
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018 - load it now, so that it is cached with the site
    return site


def site_for_request(request) -> Site | None:
    hostname = split_domain_port(request._get_raw_host())[0]
    key = f"lms:site:{hostname}:{request.get_port()}"
    return stamped_get([STAMP_KEY], key, lambda: _site_with_root(request), CACHE_SECONDS)


class CachedSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = site_for_request(request)
        if site is not None:
            request._wagtail_site = site
        return self.get_response(request)


def connect_signals() -> None:
    post_save.connect(forget_sites, sender=Site)
    post_delete.connect(forget_sites, sender=Site)
    page_published.connect(_root_changed)
    page_unpublished.connect(_root_changed)


def _root_changed(sender, instance, **kwargs) -> None:
    if instance.depth <= 2:  # a site root (the home page) or the tree root
        forget_sites()
