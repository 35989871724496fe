"""The page a URL names, from the cache: one cache read instead of two queries (the page and
its specific row) on every page view.

Each entry carries a token for the whole page tree, replaced whenever any page is saved,
published, unpublished, moved or deleted (editors change pages seldom, learners read them all
day); an entry whose token is not the current one is not used. The token is random, so an
entry stored by a request that read the old tree can never match again, and it is replaced
once more when the change commits.
"""

import hashlib
import secrets

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, get_page_models
from wagtail.signals import post_page_move

from lms.core.cache import stamped_get, stamps_replace

TREE_TOKEN_KEY = "lms:page-tree-token"  # noqa: S105 - a cache key
CACHE_SECONDS = 300


def page_tree_token() -> str:
    token = cache.get(TREE_TOKEN_KEY)
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(TREE_TOKEN_KEY, token, None):
            token = cache.get(TREE_TOKEN_KEY, token)
    return token


def page_tree_changed(**kwargs) -> None:
    stamps_replace([TREE_TOKEN_KEY])


def _prepared(page):
    prepare = getattr(page, "prepare_for_cache", None)
    if prepare is not None:
        prepare()
    return page


def _cached_page(key: str, load) -> Page | None:
    """The page under `key`, or `load()`'s (prepared with its `prepare_for_cache()`, if the
    class has one, so that what its views ask for is stored with it), under the tree token."""
    return stamped_get([TREE_TOKEN_KEY], key, lambda: _prepared(load()), CACHE_SECONDS)


def page_for_url_path(root: Page, path_components: list[str]) -> Page | None:
    """The specific page at `path_components` below `root`, in one indexed query when it is
    not cached."""
    url_path = root.url_path + "/".join(path_components) + "/"
    digest = hashlib.blake2b(url_path.encode(), digest_size=16).hexdigest()
    return _cached_page(
        f"lms:route:{digest}",
        lambda: (
            Page.objects.filter(
                slug=path_components[-1],
                depth=root.depth + len(path_components),
                url_path=url_path,
                path__startswith=root.path,
            )
            .specific()
            .first()
        ),
    )


def live_page_by_id(model: type[Page], pk: int) -> Page | None:
    """The live `model` page with this id (None when there is none), from the cache when it
    is there."""
    return _cached_page(
        f"lms:page:{model._meta.label_lower}:{int(pk)}",
        lambda: model.objects.live().filter(pk=pk).first(),
    )


def connect_signals() -> None:
    for model in get_page_models():
        post_save.connect(page_tree_changed, sender=model, dispatch_uid=f"tree-save-{model}")
        post_delete.connect(page_tree_changed, sender=model, dispatch_uid=f"tree-del-{model}")
    post_page_move.connect(page_tree_changed, dispatch_uid="tree-move")
