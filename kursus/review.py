"""Reads for a course's preview and review: the course as its drafts make it (what a preview
shows and what approval will publish), what changed since its last publication, and the
courses waiting for a reviewer."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageLogEntry, Revision, TaskState

from .models import CoursePage, CourseReviewTask, LessonPage, ModulePage, QuizPage
from .models.review import PUBLISHED_ACTION
from .selectors import CourseOutline, LessonItem, ModuleItem, QuizItem


def course_draft_pages(course: CoursePage) -> list[Page]:
    """Every page below `course` in tree order, each as its latest draft (title, fields and
    quiz settings as the trainer last saved them). Four queries plus one per page type."""
    pages = list(Page.objects.descendant_of(course).order_by("path").specific())
    revisions = {
        r.pk: r
        for r in Revision.objects.filter(
            pk__in=[p.latest_revision_id for p in pages if p.latest_revision_id]
        )
    }
    drafts = []
    for page in pages:
        revision = revisions.get(page.latest_revision_id)
        drafts.append(page.with_content_json(revision.content) if revision else page)
    return drafts


def course_draft_outline(
    *, course: CoursePage, url_for: Callable[[Page], str], pages: list[Page] | None = None
) -> CourseOutline:
    """The outline a learner will see once the course's drafts are published: every module,
    lesson and quiz, live or not, with `url_for(page)` as each item's link. Nobody's
    progress: every lesson open, none done."""
    pages = course_draft_pages(course) if pages is None else pages
    module_path_len = len(course.path) + ModulePage.steplen
    modules: dict[str, ModuleItem] = {}
    lessons: list[LessonItem] = []
    quizzes: list[QuizItem] = []
    for page in pages:
        if isinstance(page, ModulePage):
            modules[page.path] = ModuleItem(id=page.pk, title=page.title, summary=page.summary)
        elif isinstance(page, LessonPage):
            module = modules.get(page.path[:module_path_len])
            if module is None:
                continue
            item = LessonItem(
                id=page.pk,
                title=page.title,
                url=url_for(page),
                duration_minutes=page.duration_minutes,
                module_id=module.id,
            )
            module.lessons.append(item)
            lessons.append(item)
        elif isinstance(page, QuizPage):
            module = (
                modules.get(page.path[:module_path_len])
                if len(page.path) > module_path_len
                else None
            )
            item = QuizItem(
                id=page.pk,
                title=page.title,
                url=url_for(page),
                kind=page.kind,
                required=page.required_for_completion,
                pass_mark=page.pass_mark,
                grading=page.grading,
                module_id=module.id if module else None,
            )
            if module is not None:
                module.quizzes.append(item)
            quizzes.append(item)
    outline = CourseOutline(
        modules=list(modules.values()),
        lessons=lessons,
        quizzes=quizzes,
        sequential=False,  # a preview opens every lesson
    )
    return outline.progress_set(())


class Change:
    NEW = "new"
    REPUBLISHED = "republished"  # was live, taken down since: approval puts it back
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REMOVED = "removed"

    LABELS = {
        NEW: _("baru"),
        REPUBLISHED: _("pernah ditarik, terbit lagi bila disetujui"),
        CHANGED: _("diubah"),
        UNCHANGED: _("tidak berubah"),
        REMOVED: _("dihapus"),
    }


@dataclass
class PageChange:
    id: int
    title: str
    kind: str  # the page type's name, as a trainer calls it
    depth: int  # 0 for the course, 1 for its modules and quizzes, 2 below a module
    change: str
    page: Page | None = None  # None for a page that was removed

    @property
    def change_label(self) -> str:
        return Change.LABELS[self.change]


# What a revision stores that is bookkeeping, not content the reviewer needs to see.
_BOOKKEEPING = {
    "pk",
    "id",
    "path",
    "depth",
    "numchild",
    "url_path",
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by",
    "owner",
    "content_type",
    "translation_key",
    "locale",
    "alias_of",
    "expired",
    "wagtail_admin_comments",
}


def _content(revision_content: dict) -> dict:
    return {k: v for k, v in revision_content.items() if k not in _BOOKKEEPING}


def _change_of(page: Page, revisions: dict[int, Revision]) -> str:
    if not page.live:
        return Change.REPUBLISHED if page.first_published_at else Change.NEW
    latest = revisions.get(page.latest_revision_id)
    live = revisions.get(page.live_revision_id)
    if latest is None or latest.pk == page.live_revision_id:
        return Change.UNCHANGED
    if live is None:
        return Change.CHANGED
    if _content(latest.content) != _content(live.content):
        return Change.CHANGED
    return Change.UNCHANGED


def course_changes(*, course: CoursePage) -> list[PageChange]:
    """The course and every page below it, in tree order, each marked new (not published
    yet), republished (live once, taken down since, put back by the approval), changed (its
    draft differs from what learners see), unchanged, or removed (part of
    the course at its last publication, no longer in it)."""
    course = course.specific
    pages = [course, *Page.objects.descendant_of(course).order_by("path").specific()]
    revision_ids = {p.latest_revision_id for p in pages} | {p.live_revision_id for p in pages}
    revisions = {r.pk: r for r in Revision.objects.filter(pk__in=revision_ids - {None})}
    rows = []
    for page in pages:
        latest = revisions.get(page.latest_revision_id)
        title = latest.content.get("title", page.title) if latest else page.title
        rows.append(
            PageChange(
                id=page.pk,
                title=title,
                kind=str(page.specific_class._meta.verbose_name).capitalize(),
                depth=page.depth - course.depth,
                change=_change_of(page, revisions),
                page=page,
            )
        )
    present = {p.pk for p in pages}
    last = (
        PageLogEntry.objects.filter(page=course, action=PUBLISHED_ACTION)
        .order_by("-timestamp", "-pk")
        .first()
    )
    for entry in last.data.get("pages", []) if last else []:
        if entry["id"] not in present:
            rows.append(
                PageChange(
                    id=entry["id"],
                    title=entry["title"],
                    kind=entry["kind"],
                    depth=entry["depth"],
                    change=Change.REMOVED,
                )
            )
    return rows


def course_reviews_waiting(*, user) -> list[TaskState]:
    """The course reviews `user` may decide on, oldest first, each with its course."""
    tasks = CourseReviewTask.objects.filter(active=True)
    if not user.is_superuser:
        tasks = tasks.filter(groups__in=user.groups.all())
    states = list(
        TaskState.objects.filter(task__in=tasks, status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state", "workflow_state__requested_by", "revision")
        .order_by("started_at")
    )
    course_ids = [int(s.workflow_state.object_id) for s in states]
    courses = CoursePage.objects.in_bulk(course_ids)
    waiting = []
    for state in states:
        course = courses.get(int(state.workflow_state.object_id))
        if course is not None:
            state.course = course
            waiting.append(state)
    return waiting


def course_review_latest(*, course: CoursePage) -> TaskState | None:
    """The course's latest review step: the one waiting for a decision, or the last decided
    (with the reviewer's comment)."""
    return (
        TaskState.objects.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id=str(course.pk),
        )
        .select_related("task", "finished_by", "workflow_state__requested_by")
        .order_by("-started_at", "-pk")
        .first()
    )
