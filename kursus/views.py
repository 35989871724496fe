"""Learner-facing HTTP: parse, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.images import get_image_model
from wagtail.models import Site

from kuesioner.selectors import questionnaire_answer_url
from lms.core.cache import learner_stamp_key, stamped_get
from lms.core.page_cache import TREE_TOKEN_KEY, live_page_by_id
from lms.core.restrictions import page_restriction_refuses
from lms.core.site_cache import STAMP_KEY as SITE_STAMP_KEY
from sertifikat.selectors import certificate_list_for_user

from .catalogue import catalogue_sections
from .completion import course_questionnaire_context, course_requirements
from .dashboard import dashboard_sections_render
from .kuis.selectors import course_pre_post_gain, quiz_results_for_enrollments
from .kuis.standing import quiz_standing, standing_message
from .models import (
    CourseCategory,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    QuizPage,
)
from .selectors import (
    course_outline,
    course_suggestion_list,
    courses_open_to_learners,
    dashboard_courses,
    enrollment_get,
    jp_year_summary,
    learner_course_state,
    outline_with_grades,
    pretest_pending,
)
from .services import (
    EnrollmentError,
    LessonLocked,
    duration_text,
    enrollment_blockers,
    enrollment_create,
    enrollment_withdraw,
    lesson_check_wrong_note,
    lesson_complete,
    lesson_done_check,
    lesson_end_reach,
    lesson_visit_open,
)

COVER_SPEC = "fill-640x360"
LOCKED_MESSAGE = _lazy("Materi ini terbuka setelah materi sebelumnya Anda selesaikan.")
PRETEST_FIRST_MESSAGE = _lazy(
    "Kerjakan dulu %(title)s. Materi kursus ini terbuka setelah pre-test Anda kumpulkan."
)
JP_FILTERS = {
    "1-4": (1, 4),
    "5-8": (5, 8),
    "9+": (9, 10_000),
}


def _covers_prefetch():
    Image = get_image_model()
    return Prefetch(
        "cover_image",
        queryset=Image.objects.prefetch_renditions(COVER_SPEC),
    )


def catalogue_context(request, *, index_page) -> dict:
    """The catalogue: search, filters, cards, and the learner's own progress on each."""
    courses = (
        courses_open_to_learners()
        .child_of(index_page)
        .select_related("category")
        .prefetch_related(_covers_prefetch())
        .order_by("code")
    )
    category = request.GET.get("kategori") or ""
    if category:
        courses = courses.filter(category__slug=category)
    jp_range = JP_FILTERS.get(request.GET.get("jp") or "")
    if jp_range:
        courses = courses.filter(jp__gte=jp_range[0], jp__lte=jp_range[1])
    mandatory_only = request.GET.get("wajib") == "1"
    user = request.user
    enrollments = {}
    if user.is_authenticated:
        enrollments = {
            e.course_id: e
            for e in Enrollment.objects.filter(user=user).only(
                "course_id", "status", "progress_percent", "assignment_id", "due_date"
            )
        }
        if mandatory_only:
            courses = courses.filter(
                pk__in=[cid for cid, e in enrollments.items() if e.assignment_id]
            )
    query = (request.GET.get("q") or "").strip()
    if query:
        results = list(courses.search(query, operator="and"))
        if not results:
            results = list(courses.search(query, operator="or"))
    else:
        results = list(courses)
    cards = [{"course": c, "enrollment": enrollments.get(c.pk)} for c in results]
    filters = {
        "q": query,
        "kategori": category,
        "jp": request.GET.get("jp") or "",
        "wajib": mandatory_only,
    }
    return {
        "cards": cards,
        "sections": catalogue_sections(request, index_page=index_page, filters=filters),
        "categories": CourseCategory.objects.all(),
        "filters": filters,
        "jp_choices": list(JP_FILTERS),
        "cover_spec": COVER_SPEC,
    }


def _page_response(request, page, extra: dict) -> TemplateResponse:
    """What `Page.serve` renders, with `extra` in the context."""
    request.is_preview = False
    context = page.get_context(request)
    context.update(extra)
    return TemplateResponse(request, page.get_template(request), context)


def catalogue_serve(request, *, index_page: CourseIndexPage) -> TemplateResponse:
    return _page_response(request, index_page, catalogue_context(request, index_page=index_page))


def course_serve(request, *, course: CoursePage) -> TemplateResponse:
    return _page_response(request, course, course_context(request, course=course))


def _root_url_path(request) -> str:
    """The URL path of the site's root page, from the site Wagtail found for this request."""
    site = Site.find_for_request(request)
    return site.root_page.url_path if site else "/"


def course_context(request, *, course: CoursePage) -> dict:
    outline = course_outline(
        course=course, user=request.user, root_url_path=_root_url_path(request)
    )
    outline_with_grades(outline, user=request.user)
    enrollment = enrollment_get(user=request.user, course=course)
    blockers = []
    if request.user.is_authenticated and (
        enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN
    ):
        blockers = enrollment_blockers(user=request.user, course=course)
    enrolled = enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN
    return {
        "outline": outline,
        "quiz_blocked": _required_quiz_blocked(
            user=request.user, course=course, outline=outline, enrollment=enrollment
        ),
        "pretest_pending": pretest_pending(user=request.user, outline=outline)
        if enrolled
        else None,
        "questionnaire_url": _questionnaire_pending_url(
            user=request.user, course=course, outline=outline, enrollment=enrollment
        ),
        "gain": course_pre_post_gain(outline=outline),
        "enrollment": enrollment,
        "enrolled": enrolled,
        "blockers": blockers,
        "prerequisites": CoursePage.objects.live()
        .filter(required_by=course)
        .only("id", "code", "title", "url_path"),
    }


def _questionnaire_pending_url(*, user, course, outline, enrollment) -> str | None:
    """The page of the course's evaluation questionnaire when answering it is the only thing
    left for the learner to complete the course; None otherwise."""
    if (
        not course.questionnaire_id
        or enrollment is None
        or enrollment.status != Enrollment.Status.ACTIVE
        or outline.next_lesson is not None
    ):
        return None
    unmet = [r for r in course_requirements(user=user, course=course, outline=outline) if not r.met]
    if [r.kind for r in unmet] != ["questionnaire"]:
        return None
    return questionnaire_answer_url(course_questionnaire_context(course))


def _required_quiz_blocked(*, user, course, outline, enrollment) -> dict | None:
    """The first required quiz the learner has not passed and may not take now, when every
    lesson is done and the course is not complete: the quiz (its outline item), whether it is
    a test of the whole course, and what happens next (its standing's message), so that the
    course page names the dead end the learner is at. None otherwise."""
    if (
        enrollment is None
        or enrollment.status != Enrollment.Status.ACTIVE
        or outline.next_lesson is not None
    ):
        return None
    requirements = course_requirements(user=user, course=course, outline=outline)
    if not requirements or not requirements[0].met:  # the lessons come first
        return None
    unmet = [r.ref for r in requirements if r.kind == "quiz" and not r.met]
    quizzes = QuizPage.objects.in_bulk(unmet)
    for quiz_id in unmet:
        quiz, item = quizzes.get(quiz_id), outline.quiz(quiz_id)
        if quiz is None or item is None:
            continue
        standing = quiz_standing(user=user, quiz=quiz)
        if not standing.can_start:
            return {
                "quiz": item,
                "final": item.module_id is None,
                "message": standing_message(standing),
            }
    return None


def lesson_serve(request, *, lesson: LessonPage):
    """A lesson: only for enrolled learners, and only once the earlier ones are done when the
    course unlocks in order (by URL too)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = lesson.course
    status, done_ids = learner_course_state(user=request.user, course=course)
    if status is None or status == Enrollment.Status.WITHDRAWN:
        messages.info(request, _("Daftar ke kursus ini terlebih dahulu untuk membuka materinya."))
        return redirect(course.url)
    outline = course_outline(
        course=course,
        user=request.user,
        root_url_path=_root_url_path(request),
        done_ids=done_ids,
    )
    item = next((i for i in outline.lessons if i.id == lesson.id), None)
    if item is None:
        raise Http404
    if item.locked:
        messages.warning(request, LOCKED_MESSAGE)
        target = outline.next_lesson
        return redirect(target.url if target else course.url)
    # The pre-test comes first (a learner who completed the course may re-read freely).
    pretest = None
    if status == Enrollment.Status.ACTIVE:
        pretest = pretest_pending(user=request.user, outline=outline)
    if pretest is not None:
        messages.warning(request, PRETEST_FIRST_MESSAGE % {"title": pretest.title})
        return redirect(pretest.url)
    done_check = None
    if not item.done:
        # The opening is recorded by the server when the lesson is served: the minimum time
        # counts from here, whatever the browser's clock says.
        visit = lesson_visit_open(user=request.user, lesson=lesson)
        done_check = lesson_done_check(user=request.user, lesson=lesson, course=course, visit=visit)
    previous, following = outline.neighbours(lesson.id)
    module = next(m for m in outline.modules if m.id == item.module_id)
    return TemplateResponse(
        request,
        lesson.get_template(request),
        {
            "page": lesson,
            "self": lesson,
            "course": course,
            "module": module,
            "outline": outline,
            "item": item,
            "previous": previous,
            "following": following,
            "done_check": done_check,
            "time_left": duration_text(done_check.seconds_left)
            if done_check and done_check.seconds_left
            else "",
        },
    )


@login_required
@require_POST
def enroll(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if page_restriction_refuses(request, course):
        return redirect(course.url)
    try:
        enrollment = enrollment_create(user=request.user, course=course)
    except EnrollmentError as exc:
        messages.error(request, str(exc))
        return redirect(course.url)
    messages.success(request, _("Anda terdaftar di kursus %(title)s.") % {"title": course.title})
    outline = course_outline(
        course=course, user=request.user, root_url_path=_root_url_path(request)
    )
    pretest = pretest_pending(user=request.user, outline=outline)
    if pretest is not None:
        return redirect(pretest.url)
    if enrollment.next_lesson_id:
        return redirect(enrollment.next_lesson.url)
    return redirect(course.url)


WITHDRAW_CONFIRM_FIELD = "konfirmasi"


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, course_id: int):
    """Leaving a course: a page that names the course and says what happens to the progress
    (GET), then the form on it (POST). A POST without its confirmation field only shows
    the page, so no old form or stray request leaves a course unasked."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrollment = enrollment_get(user=request.user, course=course)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        messages.info(request, _("Anda tidak sedang mengikuti kursus ini."))
        return redirect(course.url)
    if enrollment.is_mandatory:
        messages.error(request, _("Kursus wajib tidak dapat ditinggalkan."))
        return redirect(course.url)
    if request.method == "POST" and request.POST.get(WITHDRAW_CONFIRM_FIELD) == "ya":
        try:
            enrollment_withdraw(user=request.user, course=course)
        except EnrollmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.info(
                request,
                _(
                    "Anda keluar dari kursus %(title)s. Kemajuan Anda tetap tersimpan bila "
                    "mendaftar lagi."
                )
                % {"title": course.title},
            )
        return redirect(course.url)
    return TemplateResponse(
        request,
        "kursus/withdraw_confirm.html",
        {"course": course, "enrollment": enrollment, "confirm_field": WITHDRAW_CONFIRM_FIELD},
    )


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    """'Tandai selesai dan lanjutkan': record the lesson and go to the next one."""
    lesson = live_page_by_id(LessonPage, lesson_id)
    if lesson is None:
        raise Http404
    if page_restriction_refuses(request, lesson):
        return redirect(lesson.url)
    # The pre-test comes first here too (a lesson opened before the course had one). The
    # course's structure is cached; a course without a pre-test costs no query.
    structure = course_outline(
        course=lesson.course, root_url_path=_root_url_path(request), done_ids=()
    )
    pretest = pretest_pending(user=request.user, outline=structure)
    if pretest is not None:
        messages.warning(request, PRETEST_FIRST_MESSAGE % {"title": pretest.title})
        return redirect(pretest.url)
    check = lesson_done_check(
        user=request.user,
        lesson=lesson,
        course=lesson.course,
        answer=request.POST.get("jawaban"),
    )
    if not check.allowed:
        if check.wrong_answer:
            lesson_check_wrong_note(user=request.user, lesson=lesson)
        messages.warning(request, check.reason)
        return redirect(lesson.url)
    try:
        result = lesson_complete(
            user=request.user, lesson=lesson, root_url_path=_root_url_path(request)
        )
    except (EnrollmentError, LessonLocked) as exc:
        if isinstance(exc, LessonLocked):
            messages.warning(request, LOCKED_MESSAGE)
        else:
            messages.error(request, str(exc))
        return redirect(lesson.course.url)
    course = lesson.course
    if result.course_completed:
        messages.success(
            request,
            _("Selamat! Anda menyelesaikan kursus %(title)s dan memperoleh %(jp)s JP.")
            % {"title": course.title, "jp": course.jp},
        )
        return redirect(course.url)
    outline = result.outline
    _previous, following = outline.neighbours(lesson.id)
    target = following if following and not following.locked else outline.next_lesson
    if target is None and outline.final_quizzes:
        messages.info(
            request, _("Semua materi selesai. Kerjakan tes akhir untuk menuntaskan kursus.")
        )
        return redirect(outline.final_quizzes[0].url)
    return redirect(target.url if target else course.url)


@login_required
@require_POST
def lesson_end(request, lesson_id: int):
    """The lesson page's script reports that the end of the lesson came on screen (the
    scroll rule); the server records the time by its own clock. 204, or 404 when the lesson
    was never served to this learner."""
    lesson = live_page_by_id(LessonPage, lesson_id)
    if lesson is None or not lesson_end_reach(user=request.user, lesson=lesson):
        raise Http404
    return HttpResponse(status=204)


@login_required
def dashboard(request):
    """The learner's own page: courses, mandatory assignments, JP this year, certificates."""
    return TemplateResponse(
        request,
        "kursus/dashboard.html",
        {"content": dashboard_content(request), "sections": dashboard_sections_render(request)},
    )


DASHBOARD_CACHE_SECONDS = 600
SUGGESTION_COUNT = 3


def dashboard_content(request) -> str:
    """The dashboard's content as HTML, from the cache while nothing it shows has changed: it
    is kept per learner, language and day (overdue dates and the JP year follow the day),
    under the learner's stamp (their enrolments, progress, quiz results, JP and certificates:
    see lms.core.cache.learners_changed), the page tree's (course and quiz titles, categories, URLs,
    the courses it suggests) and the site's. Five queries when it is built."""
    user = request.user
    today = timezone.localdate()

    def build():
        root_url_path = _root_url_path(request)
        enrollments = dashboard_courses(user=user, root_url_path=root_url_path)
        quiz_results_for_enrollments(user=user, enrollments=enrollments)
        mandatory = [e for e in enrollments if e.assignment_id]
        for e in mandatory:
            e.overdue = (
                e.status != Enrollment.Status.COMPLETED and e.due_date and e.due_date < today
            )
        active = [e for e in enrollments if e.status == Enrollment.Status.ACTIVE]
        context = {
            "active": active,
            "completed": [e for e in enrollments if e.status == Enrollment.Status.COMPLETED],
            "mandatory": mandatory,
            "mandatory_to_do": sorted(
                (e for e in active if e.assignment_id),
                key=lambda e: (e.due_date is None, e.due_date or today),
            ),
            "suggestions": course_suggestion_list(
                user=user, root_url_path=root_url_path, limit=SUGGESTION_COUNT
            ),
            "jp": jp_year_summary(user=user, year=today.year),
            "certificates": certificate_list_for_user(user=user),
            "today": today,
        }
        return render_to_string("kursus/includes/dashboard_content.html", context, request)

    html = stamped_get(
        [TREE_TOKEN_KEY, SITE_STAMP_KEY, learner_stamp_key(user.pk)],
        f"lms:dashboard:{user.pk}:{get_language()}:{today.isoformat()}",
        build,
        DASHBOARD_CACHE_SECONDS,
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template above, escaped there


@login_required
def unit_assign(request, code: str):
    """A supervisor (or Admin LMS) makes a course mandatory for a unit of their subtree."""
    from lms.organisasi.selectors import orgunit_get_visible

    from .forms import UnitAssignmentForm
    from .services import assignment_create

    unit = orgunit_get_visible(request.user, code=code)
    form = UnitAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assignment = assignment_create(
            course=form.cleaned_data["course"],
            unit=unit,
            due_date=form.cleaned_data["due_date"],
            positions=form.cleaned_data["positions"],
            assigned_by=request.user,
        )
        count = assignment.enrollments.count()
        messages.success(
            request,
            _("Kursus %(course)s diwajibkan untuk %(unit)s: %(n)s pegawai terdaftar.")
            % {"course": assignment.course.code, "unit": unit.name, "n": count},
        )
        return redirect("laporan:unit_detail", code=unit.code)
    return TemplateResponse(request, "kursus/unit_assign.html", {"unit": unit, "form": form})
