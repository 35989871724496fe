"""The questionnaire builder (a snippet with its sections and questions) and the results
screens in the admin."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .admin_forms import QuestionnaireForm
from .models import Questionnaire


class QuestionnaireViewSet(SnippetViewSet):
    model = Questionnaire
    icon = "list-ul"
    menu_label = _("Kuesioner")
    menu_name = "kuesioner"
    menu_order = 330
    add_to_admin_menu = True
    list_display = [
        "title",
        Column(
            "is_active",
            label=_("Aktif"),
            accessor=lambda questionnaire: _("Ya") if questionnaire.is_active else _("Tidak"),
        ),
        Column("created_at", label=_("Dibuat")),
    ]
    search_fields = ["title"]
    copy_view_enabled = False
    edit_handler = ObjectList(Questionnaire.panels, base_form_class=QuestionnaireForm)


register_snippet(QuestionnaireViewSet)


@hooks.register("register_snippet_listing_buttons")
def questionnaire_results_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Questionnaire):
        yield ListingButton(
            _("Hasil"), reverse("kuesioner_admin:results_index", args=[snippet.pk]), priority=30
        )


@hooks.register("register_admin_urls")
def register_results_urls():
    urls = [
        path("<int:pk>/", admin_views.results_index_view, name="results_index"),
        path("<int:pk>/salin/", admin_views.copy_view, name="copy"),
        path("<int:pk>/<str:context>/", admin_views.results_view, name="results"),
        path("<int:pk>/<str:context>/xlsx/", admin_views.results_xlsx_view, name="results_xlsx"),
    ]
    return [path("kuesioner-hasil/", include((urls, "kuesioner_admin")))]
