from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import (
    ActionMenuItem,
    SubmitForModerationMenuItem,
    WorkflowMenuItem,
)
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from . import admin_views, review_views, views
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
    CourseReviewTask,
    Enrollment,
    LessonPage,
    MandatoryAssignment,
    ModulePage,
    QuizPage,
)
from .models.pages import InCourseMixin
from .models.review import (
    NO_LESSON_MESSAGE,
    PUBLISHED_ACTION,
    course_has_lesson,
    course_in_review,
    course_left_without_lesson,
    course_pages_publish,
    course_publication_log,
)
from .services import CourseReviewError, course_review_submit


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


# A course is written, reviewed and published as one piece (kursus/models/review.py)


@hooks.register("register_log_actions")
def register_course_log_actions(actions):
    actions.register_action(
        PUBLISHED_ACTION,
        _("Kursus diterbitkan"),
        _("Kursus diterbitkan bersama seluruh modul, materi, dan kuisnya"),
    )


@hooks.register("register_admin_urls")
def register_course_review_urls():
    urls = [
        path("", review_views.course_review_list_view, name="list"),
        path("<id:page_id>/", review_views.course_review_view, name="detail"),
        path("<id:page_id>/salin/", review_views.course_copy_view, name="copy"),
    ]
    return [path("tinjauan-kursus/", include((urls, "kursus_review")))]


class CourseReviewMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or (
            CourseReviewTask.objects.filter(active=True, groups__in=user.groups.all()).exists()
        )


@hooks.register("register_admin_menu_item")
def register_course_review_menu_item():
    return CourseReviewMenuItem(
        _("Tinjauan kursus"), reverse("kursus_review:list"), icon_name="tasks", order=290
    )


class CourseSubmitMenuItem(SubmitForModerationMenuItem):
    """The course's own submission (Wagtail's), named as what it does: the whole course."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        state = page.current_workflow_state if page and page.pk else None
        if state and state.status == state.STATUS_NEEDS_CHANGES:
            context["label"] = gettext("Ajukan ulang seluruh kursus untuk ditinjau")
        else:
            context["label"] = gettext("Ajukan seluruh kursus untuk ditinjau")
        return context


class SubmitCourseFromPageMenuItem(ActionMenuItem):
    """On a module, lesson or quiz: save it and submit its whole course (kursus_submit_course
    below does the submitting after Wagtail saved the draft)."""

    name = "action-submit-course"
    label = _("Simpan dan ajukan seluruh kursus")
    icon_name = "resubmit"
    order = 15


def _in_course(context) -> bool:
    page = context.get("page")
    if page is not None and page.pk:
        return isinstance(page.specific, InCourseMixin)
    parent = context.get("parent_page")
    return parent is not None and isinstance(parent.specific, (CoursePage, ModulePage))


@hooks.register("construct_page_action_menu")
def course_submit_actions(menu_items, request, context):
    """Pages inside a course are submitted with their course, never one by one."""
    in_course = _in_course(context)
    for i, item in enumerate(list(menu_items)):
        if item.name != "action-submit":
            continue
        if in_course:
            menu_items.remove(item)
        else:
            page = context.get("page")
            parent = context.get("parent_page")
            is_course = (
                isinstance(page.specific, CoursePage)
                if page is not None and page.pk
                else parent is not None and isinstance(parent.specific, CourseIndexPage)
            )
            if is_course:
                menu_items[i] = CourseSubmitMenuItem(order=item.order)
    edited = context.get("page")
    reviewing_course = edited is not None and isinstance(edited.specific, CoursePage)
    for item in menu_items if reviewing_course else ():
        if isinstance(item, WorkflowMenuItem) and item.name == "approve":
            item.label = (
                gettext("Setujui dengan komentar dan terbitkan seluruh kursus")
                if item.launch_modal
                else gettext("Setujui dan terbitkan seluruh kursus")
            )
    if in_course and context.get("view") in {"create", "edit"}:
        page = context.get("page")
        course_page = page if page is not None and page.pk else context["parent_page"]
        course = CoursePage.objects.ancestor_of(course_page, inclusive=True).first()
        if course is not None and course.permissions_for_user(request.user).can_edit():
            menu_items.append(SubmitCourseFromPageMenuItem())


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def kursus_submit_course(request, page):
    if "action-submit-course" not in request.POST:
        return None
    course = CoursePage.objects.ancestor_of(page).first()
    if course is None:
        return None
    try:
        course_review_submit(course=course, user=request.user)
    except CourseReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("Kursus %(code)s diajukan untuk ditinjau bersama seluruh isinya.")
            % {"code": course.code},
        )
    return redirect("kursus_review:detail", page_id=course.pk)


def _course_in_review_for(user, page) -> CoursePage | None:
    """The course of `page` (or `page` itself) while it waits for a reviewer's decision, for
    someone who is not its reviewer (None otherwise)."""
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is None:
        return None
    task = course.current_workflow_task
    if task is None or task.specific.get_actions(course, user):
        return None
    return course


def _refuse_while_in_review(request, page):
    if request.method != "POST" or "action-cancel-workflow" in request.POST:
        return None  # withdrawing the submission stays possible
    course = _course_in_review_for(request.user, page)
    if course is None:
        return None
    messages.error(
        request,
        gettext(
            "Kursus %(code)s sedang ditinjau: perubahan dapat disimpan lagi setelah peninjau "
            "memutuskan, agar yang diterbitkan sama dengan yang ditinjau."
        )
        % {"code": course.code},
    )
    return redirect(request.get_full_path())


@hooks.register("before_edit_page")
def course_edit_guard(request, page):
    """While a course is in review, its pages keep what the reviewer is looking at."""
    return _refuse_while_in_review(request, page)


@hooks.register("before_create_page")
def course_create_guard(request, parent_page, page_class):
    return _refuse_while_in_review(request, parent_page)


@hooks.register("before_publish_page")
def course_publish_guard(request, page):
    """A course without any lesson is not published: learners could enrol in an empty one."""
    if isinstance(page.specific, CoursePage) and not course_has_lesson(page.specific):
        messages.error(request, str(NO_LESSON_MESSAGE))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("after_publish_page")
def course_publish_whole(request, page):
    """Publishing a course directly (Admin LMS) publishes it as one piece, as its review does."""
    course = page.specific
    # A publication scheduled for later (go-live date) publishes the course page alone.
    if isinstance(course, CoursePage) and course.live and not course.has_unpublished_changes:
        course_pages_publish(course=course, user=request.user)
        course_publication_log(course=course, user=request.user)
    return None


def _back(request, page):
    return redirect(
        request.GET.get("next") or reverse("wagtailadmin_explore", args=[page.get_parent().pk])
    )


def _in_review_message(course: CoursePage) -> str:
    return gettext(
        "Kursus %(code)s sedang ditinjau: isinya tidak dapat ditambah, dipindah atau dihapus "
        "sampai peninjau memutuskan, agar yang diterbitkan sama dengan yang ditinjau."
    ) % {"code": course.code}


def _last_lesson_message(course: CoursePage) -> str:
    return gettext(
        "Kursus %(code)s sudah terbit dan ini materi terakhirnya yang terbit: peserta tidak "
        "boleh mendapati kursus tanpa materi. Terbitkan materi lain di kursus ini dulu, atau "
        "tarik kursusnya."
    ) % {"code": course.code}


def _moves_out_of_course(page, destination) -> bool:
    source = CoursePage.objects.ancestor_of(page).first()
    if source is None:
        return False
    return not (source.pk == destination.pk or source.is_ancestor_of(destination))


def _refuse_removal(request, pages, *, back):
    """Unpublishing, deleting or moving away pages of a course: refused while it is in
    review, and when it would leave a live course without any live lesson."""
    for page in pages:
        course = course_in_review(page)
        if course is not None and course.pk != page.pk:
            messages.error(request, _in_review_message(course))
            return back
    live = [page for page in pages if page.live]
    course = course_left_without_lesson(live) if live else None
    if course is not None:
        messages.error(request, _last_lesson_message(course))
        return back
    return None


@hooks.register("before_unpublish_page")
def course_unpublish_guard(request, page):
    return _refuse_removal(request, [page], back=_back(request, page))


@hooks.register("before_delete_page")
def course_delete_guard(request, page):
    return _refuse_removal(request, [page], back=_back(request, page))


@hooks.register("before_move_page")
def course_move_guard(request, page, destination):
    """Nothing moves into or out of a course in review; a move out of a live course may not
    take its last live lesson."""
    target = course_in_review(destination)
    if target is not None:
        messages.error(request, _in_review_message(target))
        return _back(request, page)
    if not _moves_out_of_course(page, destination):
        return None
    return _refuse_removal(request, [page], back=_back(request, page))


@hooks.register("before_copy_page")
def course_copy_redirect(request, page):
    """A course is copied with its own form: it needs a new code. Nothing is copied into a
    course in review: its approval would publish what the reviewer never saw."""
    if isinstance(page.specific, CoursePage):
        return redirect("kursus_review:copy", page_id=page.pk)
    parent_id = request.POST.get("new_parent_page") if request.method == "POST" else None
    destination = Page.objects.filter(pk=parent_id).first() if parent_id else None
    target = course_in_review(destination) if destination is not None else None
    if target is not None:
        messages.error(request, _in_review_message(target))
        return redirect(request.get_full_path())
    return None


@hooks.register("before_bulk_action")
def course_bulk_guard(request, action_type, objects, action_class_instance):
    """The page listing's bulk actions keep the same rules as the editor: a course goes live
    only with a lesson (and then as one piece, course_bulk_publish_whole); nothing is added
    to, moved out of or removed from a course in review; no live course loses its last live
    lesson."""
    pages = [obj for obj in objects if isinstance(obj, Page)]
    if not pages:
        return None
    back = redirect(action_class_instance.next_url)
    if action_type == "publish":
        for page in pages:
            course = course_in_review(page)
            if course is not None and course.pk != page.pk:
                messages.error(request, _in_review_message(course))
                return back
            specific = page.specific
            if isinstance(specific, CoursePage) and not course_has_lesson(specific):
                messages.error(request, f"{specific.code}: {NO_LESSON_MESSAGE}")
                return back
        return None
    if action_type in {"unpublish", "delete"}:
        return _refuse_removal(request, pages, back=back)
    if action_type == "move":
        destination = action_class_instance.cleaned_form.cleaned_data["chooser"]
        target = course_in_review(destination)
        if target is not None:
            messages.error(request, _in_review_message(target))
            return back
        leaving = [page for page in pages if _moves_out_of_course(page, destination)]
        return _refuse_removal(request, leaving, back=back) if leaving else None
    return None


@hooks.register("after_bulk_action")
def course_bulk_publish_whole(request, action_type, objects, action_class_instance):
    """A course published from the page listing goes live as one piece, as from its editor."""
    if action_type != "publish":
        return None
    for obj in objects:
        course = obj.specific if isinstance(obj, Page) else None
        if isinstance(course, CoursePage):
            course.refresh_from_db()
            if course.live:
                course_pages_publish(course=course, user=request.user)
                course_publication_log(course=course, user=request.user)
    return None


class CourseReviewPageMenuItem(PageMenuItem):
    label = _("Tinjauan kursus")
    icon_name = "tasks"
    url_name = "kursus_review:detail"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


class CourseCopyPageMenuItem(PageMenuItem):
    label = _("Salin kursus")
    icon_name = "copy"
    url_name = "kursus_review:copy"

    def is_shown(self, user):
        return self.page.get_parent().permissions_for_user(user).can_add_subpage()


@hooks.register("register_page_header_buttons")
@hooks.register("register_page_listing_more_buttons")
def course_review_buttons(page, user, view_name=None, next_url=None):
    if page.specific_class is CoursePage:
        yield CourseReviewPageMenuItem(page=page, priority=5)
        yield CourseCopyPageMenuItem(page=page, priority=6)
