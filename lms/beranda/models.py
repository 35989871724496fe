from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from lms.core.page_cache import page_for_url_path
from lms.core.restrictions import CachedViewRestrictionsMixin


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site's front page: what this site is, and the ways in."""

    lead = models.CharField(
        _("kalimat pembuka"),
        max_length=300,
        blank=True,
        help_text=_("Satu kalimat di bawah judul."),
    )
    body = RichTextField(
        _("isi"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h2", "h3"]
    )

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def route(self, request, path_components):
        """Find the page a URL names from the cache, or in one indexed query instead of one per
        level (a lesson sits four levels below this page). Anything else, such as a page with
        sub-routes, takes Wagtail's walk down the tree."""
        if path_components:
            page = page_for_url_path(self, path_components)
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    class Meta:
        verbose_name = _("halaman beranda")
        verbose_name_plural = _("halaman beranda")
