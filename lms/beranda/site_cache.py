"""The Wagtail site of a request, from the cache instead of a query on every page view.

Wagtail looks the site up by host name and port on each request, then loads its root page
and that page's specific instance: three queries for something that changes when an editor
changes the site or publishes the home page. The site (with its root page attached) is kept
in the cache under a version that those changes bump.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished

VERSION_KEY = "lms:site-version"
CACHE_SECONDS = 600


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def forget_sites(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def site_for_request(request) -> Site | None:
    hostname = split_domain_port(request._get_raw_host())[0]
    key = f"lms:site:{hostname}:{request.get_port()}"
    found = cache.get_many([VERSION_KEY, key])  # one round trip; the entry carries its version
    version = found.get(VERSION_KEY) or _version()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    site = Site._find_for_request(request)
    if site is None:
        return None
    site.root_page.specific  # noqa: B018 - load it now, so that it is cached with the site
    cache.set(key, (version, site), CACHE_SECONDS)
    return site


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
