from django.db.models import Count, Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from . import admin_views, views
from .kuis import views as quiz_views
from .kuis.bank_admin import (
    DeactivateBulkAction,
    MoveCategoryBulkAction,
    QuestionCategoryViewSet,
    QuestionViewSet,
)
from .models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    MandatoryAssignment,
    QuizPage,
)


# Innermost (the highest order): Wagtail's own on_serve_page hooks, the view restrictions
# among them, wrap this one and run first.
@hooks.register("on_serve_page", order=100)
def course_pages_serve(next_serve):
    """Learners get the pages of the course tree from kursus's views, so that the page models
    import no view (Wagtail's method checks and view restrictions have run before)."""

    def serve(page, request, args, kwargs):
        if isinstance(page, LessonPage):
            return views.lesson_serve(request, lesson=page)
        if isinstance(page, QuizPage):
            return quiz_views.quiz_serve(request, quiz=page)
        if isinstance(page, CoursePage):
            return views.course_serve(request, course=page)
        if isinstance(page, CourseIndexPage):
            return views.catalogue_serve(request, index_page=page)
        return next_serve(page, request, args, kwargs)

    return serve


class MyCoursesPanel(Component):
    """On the admin dashboard: a trainer's own courses with enrolment and completion counts,
    counted by the database in one query."""

    name = "kursus_saya"
    order = 50
    template_name = "kursus/admin/my_courses_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        courses = (
            CoursePage.objects.filter(owner=self.user)
            .annotate(
                enrolled=Count(
                    "enrollments", filter=~Q(enrollments__status=Enrollment.Status.WITHDRAWN)
                ),
                completed=Count(
                    "enrollments", filter=Q(enrollments__status=Enrollment.Status.COMPLETED)
                ),
            )
            .order_by("code")
        )
        return {"courses": courses}


@hooks.register("construct_homepage_panels")
def add_my_courses_panel(request, panels):
    if CoursePage.objects.filter(owner=request.user).exists():
        panels.append(MyCoursesPanel(request.user))


class MandatoryAssignmentViewSet(ModelViewSet):
    model = MandatoryAssignment
    icon = "date"
    menu_label = _("Penugasan wajib")
    add_to_admin_menu = True
    menu_order = 320
    form_fields = ["course", "unit", "positions", "due_date"]
    list_display = ["course", "unit", "due_date", "created_at"]
    search_fields = ["course__title", "course__code", "unit__name", "unit__code"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        from .forms import MandatoryAssignmentForm

        return MandatoryAssignmentForm


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return MandatoryAssignmentViewSet("penugasan-wajib")


# The question bank


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet)
    menu_icon = "help"
    menu_label = _("Bank soal")
    menu_name = "bank-soal"
    menu_order = 305


register_snippet(QuestionBankGroup)


@hooks.register("register_admin_urls")
def register_question_bank_urls():
    urls = [
        path("impor/", admin_views.question_import_view, name="import"),
        path("templat.<str:extension>", admin_views.question_template_view, name="template"),
        path("ekspor/<id:category_id>/<str:fmt>/", admin_views.question_export_view, name="export"),
        path("kuis/<id:page_id>/analisis/", admin_views.quiz_analysis_view, name="analysis"),
        path(
            "soal/<id:question_id>/pratinjau/",
            admin_views.question_preview_view,
            name="question_preview",
        ),
    ]
    return [path("bank-soal/", include((urls, "kursus_bank")))]


class QuestionImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("kursus.add_question")


@hooks.register("register_admin_menu_item")
def register_question_import_menu_item():
    return QuestionImportMenuItem(
        _("Impor soal"), reverse("kursus_bank:import"), icon_name="upload", order=306
    )


class QuizAnalysisMenuItem(PageMenuItem):
    label = _("Analisis butir")
    icon_name = "doc-full"
    url_name = "kursus_bank:analysis"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
@hooks.register("register_page_listing_more_buttons")
def quiz_analysis_button(page, user, view_name=None, next_url=None):
    if page.specific_class is QuizPage:
        yield QuizAnalysisMenuItem(page=page, priority=55)


# Learners' attempts: requests for another chance, and the trainer's overrides


@hooks.register("register_admin_urls")
def register_attempt_urls():
    from .kuis import admin_views as attempt_views

    urls = [
        path("", attempt_views.attempt_requests_view, name="requests"),
        path("kuis/<id:page_id>/", attempt_views.quiz_learners_view, name="quiz"),
        path(
            "kuis/<id:page_id>/peserta/<id:user_id>/",
            attempt_views.quiz_learner_view,
            name="learner",
        ),
    ]
    return [path("kesempatan/", include((urls, "kursus_attempts")))]


class QuizLearnersMenuItem(PageMenuItem):
    label = _("Peserta dan kesempatan")
    icon_name = "group"
    url_name = "kursus_attempts:quiz"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
@hooks.register("register_page_listing_more_buttons")
def quiz_learners_button(page, user, view_name=None, next_url=None):
    if page.specific_class is QuizPage:
        yield QuizLearnersMenuItem(page=page, priority=56)


class AttemptRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        from wagtail.permission_policies.pages import PagePermissionPolicy

        return PagePermissionPolicy().user_has_permission(request.user, "change")


@hooks.register("register_admin_menu_item")
def register_attempt_requests_menu_item():
    return AttemptRequestsMenuItem(
        _("Permintaan kesempatan"), reverse("kursus_attempts:requests"), icon_name="help", order=307
    )


hooks.register("register_bulk_action", MoveCategoryBulkAction)
hooks.register("register_bulk_action", DeactivateBulkAction)
