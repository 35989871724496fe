"""The question bank in the Wagtail admin: the list, the chooser used from a quiz's slots, the
learner's-eye preview and the bulk actions, in the words of a trainer.

Both the list and the chooser read the bank through `questions_with_usage` (how often a
question is used and its facility, in the same query as the rows) and search it with
`question_search` (text, options, codes and labels), so they always agree.
"""

import html

from django import forms
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property, classproperty
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Question, QuestionCategory
from .analysis import questions_with_usage
from .bank import question_bulk_deactivate, question_bulk_move
from .selectors import question_quiz_uses, question_search

TEXT_LENGTH = 90


def _short_text(question: Question) -> str:
    return Truncator(html.unescape(strip_tags(question.text)).strip()).chars(TEXT_LENGTH)


def _tag_names(question: Question) -> str:
    return ", ".join(sorted(tag.name for tag in question.tags.all()))


def _facility(question: Question) -> str:
    if question.facility is None:
        return _("belum ada")
    return number_format(question.facility, decimal_pos=2)


def _status(question: Question) -> str:
    return _("Aktif") if question.is_active else _("Nonaktif")


def question_columns(title_column: Column) -> list[Column]:
    """The columns of the list and of the chooser, after their own title column."""
    return [
        title_column,
        Column("text", label=_("Pertanyaan"), accessor=_short_text),
        Column("kind", label=_("Tipe"), accessor="get_kind_display", sort_key="kind"),
        Column("category", label=_("Kategori"), accessor="category.name", sort_key="category"),
        Column("tags", label=_("Label"), accessor=_tag_names),
        Column("quiz_count", label=_("Dipakai di kuis"), sort_key="quiz_count"),
        Column("answered", label=_("Dijawab"), sort_key="answered"),
        Column("facility", label=_("Indeks kemudahan"), accessor=_facility, sort_key="facility"),
        Column("is_active", label=_("Status"), accessor=_status, sort_key="is_active"),
    ]


def question_rows(queryset):
    """The bank's rows with everything the columns show: a constant number of queries."""
    return questions_with_usage(queryset).select_related("category").prefetch_related("tags")


class QuestionFilterSet(WagtailFilterSet):
    category = ModelChoiceFilter(
        label=_("Kategori"), queryset=QuestionCategory.objects.order_by("name")
    )
    kind = ChoiceFilter(label=_("Tipe"), choices=Question.Kind.choices, empty_label=_("Semua"))
    is_active = ChoiceFilter(
        label=_("Status"),
        choices=[("true", _("Aktif")), ("false", _("Nonaktif"))],
        empty_label=_("Semua"),
        method="filter_active",
    )

    class Meta:
        model = Question
        fields = ["category", "kind", "is_active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "true")


class QuestionIndexView(snippet_views.IndexView):
    def get_base_queryset(self):
        return question_rows(super().get_base_queryset())

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return question_search(queryset, self.search_query)

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            Button(
                _("Pratinjau"),
                url=reverse("kursus_bank:question_preview", args=[instance.pk]),
                icon_name="view",
                attrs={"target": "_blank", "rel": "noreferrer"},
                priority=15,
            )
        )
        return buttons

    @cached_property
    def columns(self):
        checkbox, title, *_rest = super().columns
        return [checkbox, *question_columns(title)]


class QuestionChooserFilterForm(BaseFilterForm):
    """Search and filters of the question chooser (the same search as the list)."""

    q = forms.CharField(
        label=_("Cari"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Cari teks soal, opsi, atau kode")}),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=QuestionCategory.objects.order_by("name"),
        required=False,
        empty_label=_("Semua kategori"),
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    kind = forms.ChoiceField(
        label=_("Tipe"),
        choices=[("", _("Semua tipe")), *Question.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        if self.cleaned_data.get("category"):
            objects = objects.filter(category=self.cleaned_data["category"])
        if self.cleaned_data.get("kind"):
            objects = objects.filter(kind=self.cleaned_data["kind"])
        query = self.cleaned_data.get("q")
        if query:
            objects = question_search(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects


class QuestionChooseViewMixin:
    filter_form_class = QuestionChooserFilterForm
    page_title = _("Pilih soal")
    page_subtitle = ""  # Wagtail repeats the model's name ("Pilih soal soal")

    def get_object_list(self):
        return question_rows(Question.objects.filter(is_active=True))

    @property
    def title_column(self):
        column = super().title_column
        column.label = _("Judul")
        return column

    @property
    def columns(self):
        # The chooser offers active questions only: no status column.
        columns = question_columns(self.title_column)
        return [c for c in columns if c.name != "is_active"]


class QuestionChooseView(QuestionChooseViewMixin, snippet_chooser.ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseViewMixin, snippet_chooser.ChooseResultsView):
    pass


class QuestionChooserViewSet(SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    choose_one_text = _("Pilih soal")
    choose_another_text = _("Ganti soal")
    edit_item_text = _("Ubah soal ini")


class QuestionUsePanel(Panel):
    """The quizzes that name the question, on top of its editor: an edit reaches every one
    of them at once (their next attempt shows it), with no review, so the editor says where
    it goes before the trainer saves."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kursus/admin/question_use_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk) and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            uses = question_quiz_uses(question_ids=[self.instance.pk]).get(self.instance.pk, [])
            context["uses"] = uses
            return context


class QuestionViewSet(SnippetViewSet):
    model = Question
    panels = [QuestionUsePanel(heading=_("Dipakai di kuis")), *Question.panels]
    icon = "help"
    menu_label = _("Soal")
    index_view_class = QuestionIndexView
    chooser_viewset_class = QuestionChooserViewSet
    filterset_class = QuestionFilterSet
    search_fields = ["title"]  # the search itself is `question_search`
    ordering = ["category", "title"]
    copy_view_enabled = False


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Kategori soal")
    list_display = [
        "name",
        Column("course", label=_("Kursus"), accessor="course.title"),
        Column("description", label=_("Keterangan")),
    ]
    search_fields = ["name"]
    copy_view_enabled = False


# Bulk actions on the list


class QuestionBulkAction(SnippetBulkAction):
    @classproperty
    def models(cls):
        return [Question]

    def check_perm(self, question):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", question
        )


class MoveCategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Pindahkan ke kategori"),
        queryset=QuestionCategory.objects.order_by("name"),
        error_messages={"required": _("Pilih kategori tujuan.")},
    )


class MoveCategoryBulkAction(QuestionBulkAction):
    display_name = _("Pindahkan kategori")
    action_type = "move_category"
    aria_label = _("Pindahkan soal terpilih ke kategori lain")
    template_name = "kursus/admin/question_bulk_move.html"
    action_priority = 10
    form_class = MoveCategoryForm

    def get_execution_context(self):
        return {"category": self.cleaned_form.cleaned_data["category"]}

    @classmethod
    def execute_action(cls, objects, category=None, **kwargs):
        return question_bulk_move(questions=objects, category=category), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d soal dipindahkan ke kategori %(category)s.",
            "%(count)d soal dipindahkan ke kategori %(category)s.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "category": self.cleaned_form.cleaned_data["category"]}


class DeactivateBulkAction(QuestionBulkAction):
    display_name = _("Nonaktifkan")
    action_type = "deactivate"
    aria_label = _("Nonaktifkan soal terpilih")
    template_name = "kursus/admin/question_bulk_deactivate.html"
    action_priority = 20

    def get_context_data(self, **kwargs):
        """Each question with the live quizzes that name it: deactivating takes it out of
        their new attempts at once, so the confirmation says which."""
        context = super().get_context_data(**kwargs)
        uses = question_quiz_uses(question_ids=[entry["item"].pk for entry in context["items"]])
        live_quizzes = set()
        for entry in context["items"]:
            entry["live_uses"] = [use for use in uses.get(entry["item"].pk, []) if use.live]
            live_quizzes.update(use.quiz_id for use in entry["live_uses"])
        context["live_quiz_count"] = len(live_quizzes)
        return context

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return question_bulk_deactivate(questions=objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d soal dinonaktifkan: tidak lagi diambil untuk kuis baru.",
            "%(count)d soal dinonaktifkan: tidak lagi diambil untuk kuis baru.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
