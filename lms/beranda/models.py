from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
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

    class Meta:
        verbose_name = _("halaman beranda")
        verbose_name_plural = _("halaman beranda")
