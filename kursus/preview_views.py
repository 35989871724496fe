"""Previews in the admin (the editor's preview panel, "Pratinjau" of a review, a draft's
view): each page as a learner would see it, the course as its drafts make it, without anyone's
progress and without any action taking effect (no enrolment, no attempt, nothing recorded).
Registered per page class in KursusConfig.ready (see kursus/previews.py)."""

from csp.decorators import csp_replace
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from .models import CourseIndexPage, CoursePage, LessonPage, ModulePage, QuizPage
from .previews import preview_renderer_register
from .review import course_draft_outline
from .selectors import LessonItem, ModuleItem, QuizItem
from .views import catalogue_context


def _draft_url(page) -> str:
    """Where a link to `page` leads in a preview: its latest draft, in the admin."""
    return reverse("wagtailadmin_pages:view_draft", args=[page.pk]) if page.pk else ""


def _draft_of(page):
    """The latest draft of a saved page, as the trainer last saved it."""
    return page.get_latest_revision_as_object() if page.pk else page


# The editor's preview panel frames the preview, from the admin, on the site's own origin: a
# preview goes through the site's middleware (as the page's own URL would), whose policy
# forbids any framing.
framed_by_the_admin = csp_replace({"frame-ancestors": ["'self'"]})


@xframe_options_sameorigin
@framed_by_the_admin
def _render(request, page, context: dict) -> TemplateResponse:
    base = page.get_context(request)
    base.update(context)
    base.update({"page": page, "self": page, "preview": True})
    return TemplateResponse(request, page.get_template(request), base)


def catalogue_preview(request, index_page: CourseIndexPage) -> TemplateResponse:
    return _render(request, index_page, catalogue_context(request, index_page=index_page))


def _course_context(course: CoursePage, outline) -> dict:
    return {
        "course": course,
        "outline": outline,
        "gain": None,
        "enrollment": None,
        "enrolled": False,
        "blockers": [],
        "prerequisites": course.prerequisites.all().only("id", "code", "title")
        if course.pk
        else [],
        "course_preview_url": _draft_url(course),
    }


def course_preview(request, course: CoursePage) -> TemplateResponse:
    outline = course_draft_outline(course=course, url_for=_draft_url)
    return _render(request, course, _course_context(course, outline))


def module_preview(request, module: ModulePage) -> TemplateResponse:
    """A module is a section of its course's page: the course's preview, with this module as
    it is being edited."""
    course = _draft_of(module.course)
    outline = course_draft_outline(course=course, url_for=_draft_url)
    item = next((m for m in outline.modules if module.pk and m.id == module.pk), None)
    if item is None:
        item = ModuleItem(id=module.pk or 0, title=module.title, summary=module.summary)
        outline.modules.append(item)
    item.title, item.summary = module.title, module.summary
    context = _course_context(course, outline)
    context["previewed_module_id"] = item.id
    return _render(request, course, context)


def lesson_preview(request, lesson: LessonPage) -> TemplateResponse:
    course = _draft_of(lesson.course)
    outline = course_draft_outline(course=course, url_for=_draft_url)
    item = outline.lesson(lesson.pk) if lesson.pk else None
    parent_id = lesson.get_parent().pk
    if item is None:
        item = LessonItem(
            id=lesson.pk or 0,
            title=lesson.title,
            url="",
            duration_minutes=lesson.duration_minutes,
            module_id=parent_id,
        )
        outline.lessons.append(item)
        module = next((m for m in outline.modules if m.id == parent_id), None)
        if module is not None:
            module.lessons.append(item)
    item.title, item.duration_minutes = lesson.title, lesson.duration_minutes
    module = next((m for m in outline.modules if m.id == item.module_id), None)
    index = outline.lessons.index(item)
    return _render(
        request,
        lesson,
        {
            "course": course,
            "course_preview_url": _draft_url(course),
            "module": module,
            "outline": outline,
            "item": item,
            "previous": outline.lessons[index - 1] if index > 0 else None,
            "following": outline.lessons[index + 1] if index + 1 < len(outline.lessons) else None,
        },
    )


def quiz_preview(request, quiz: QuizPage) -> TemplateResponse:
    """The quiz's intro with its settings; never its questions or their key, and no attempt."""
    course = _draft_of(quiz.course)
    outline = course_draft_outline(course=course, url_for=_draft_url)
    item = outline.quiz(quiz.pk) if quiz.pk else None
    if item is None:
        item = QuizItem(
            id=quiz.pk or 0,
            title=quiz.title,
            url="",
            kind=quiz.kind,
            required=quiz.required_for_completion,
            pass_mark=quiz.pass_mark,
            grading=quiz.grading,
            module_id=None,
        )
    return _render(
        request,
        quiz,
        {
            "course": course,
            "course_preview_url": _draft_url(course),
            "outline": outline,
            "item": item,
            "attempts": [],
            "grade": None,
            "open_attempt": None,
            "locked_reason": None,
            "remaining": quiz.attempts_allowed or None,
            "gain": None,
            "enrollment": None,
        },
    )


def register_previews() -> None:
    preview_renderer_register(CourseIndexPage, catalogue_preview)
    preview_renderer_register(CoursePage, course_preview)
    preview_renderer_register(ModulePage, module_preview)
    preview_renderer_register(LessonPage, lesson_preview)
    preview_renderer_register(QuizPage, quiz_preview)
