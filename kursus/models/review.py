"""A course is reviewed and published as one piece: the course page goes through Wagtail's
workflow (the "Moderasi kursus" workflow of the catalogue), and this task's approval publishes
the latest draft of every page below it in the same transaction. Pages inside a course have no
workflow of their own (`InCourseMixin.get_workflow`), so the reviewer's queue holds one item
per course."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState, WorkflowState

from .pages import CoursePage, LessonPage

PUBLISHED_ACTION = "kursus.course_published"
NO_LESSON_MESSAGE = _(
    "Kursus ini belum memiliki materi. Tambahkan setidaknya satu materi sebelum kursus diterbitkan."
)

ALREADY_DECIDED_MESSAGE = _("Peninjauan kursus ini sudah diputuskan oleh peninjau lain.")


def course_has_lesson(course: CoursePage) -> bool:
    """Whether publishing the course as one piece would give learners at least one lesson:
    the course's review publishes every page below it, drafts included."""
    return LessonPage.objects.descendant_of(course).exists()


def course_in_review(page: Page) -> CoursePage | None:
    """The course of `page` (or `page` itself) while it waits for a reviewer's decision."""
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is None:
        return None
    state = course.current_workflow_state
    in_review = state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    return course if in_review else None


def course_left_without_lesson(pages) -> CoursePage | None:
    """The live course that would have no live lesson left if `pages` and every page below
    them were unpublished or deleted (None if there is none). A course taken away itself, with
    what is inside it, is not counted."""
    paths = [page.path for page in pages]
    courses = CoursePage.objects.live().filter(
        pk__in=[
            course.pk
            for page in pages
            for course in CoursePage.objects.ancestor_of(page, inclusive=False)
        ]
    )
    for course in courses:
        if any(course.path.startswith(path) for path in paths):
            continue
        lessons = LessonPage.objects.live().descendant_of(course)
        for path in paths:
            lessons = lessons.exclude(path__startswith=path)
        if not lessons.exists():
            return course
    return None


@transaction.atomic
def course_pages_publish(*, course: CoursePage, user) -> list[Page]:
    """Publish the latest draft of every page below `course`, parents first; pages whose live
    version is already their latest are left alone. Returns the pages published."""
    published = []
    for page in Page.objects.descendant_of(course).order_by("path").specific():
        if page.live and not page.has_unpublished_changes:
            continue
        revision = page.get_latest_revision() or page.save_revision(user=user, log_action=False)
        revision.publish(user=user, skip_permission_checks=True)
        published.append(page)
    return published


def course_publication_log(*, course: CoursePage, user) -> None:
    """Keep in the course's history the pages it was published with, so that the next review
    can tell which were removed since (kursus.review.course_changes)."""
    pages = [
        {
            "id": page.pk,
            "title": page.title,
            "kind": str(page.specific_class._meta.verbose_name).capitalize(),
            "depth": page.depth - course.depth,
        }
        for page in Page.objects.descendant_of(course).live().order_by("path")
    ]
    log(instance=course, action=PUBLISHED_ACTION, user=user, data={"pages": pages})


class CourseReviewTask(AbstractGroupApprovalTask):
    """Admin LMS reviews a whole course: approving it publishes the course with all its
    modules, lessons and quizzes; asking for changes keeps them all as drafts."""

    def _course(self, obj) -> CoursePage | None:
        specific = getattr(obj, "specific", obj)
        return specific if isinstance(specific, CoursePage) else None

    def get_actions(self, obj, user):
        if not (user.is_superuser or self._user_in_groups(user)):
            return []
        course = self._course(obj)
        actions = [("reject", _("Minta perbaikan"), True)]
        if course is None or course_has_lesson(course):
            actions += [
                ("approve", _("Setujui"), False),
                ("approve", _("Setujui dengan komentar"), True),
            ]
        return actions

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # Two decisions at the same moment (two reviewers, two tabs): the review's rows are
        # locked and read again, and only the first decision finds it still waiting.
        workflow_state = WorkflowState.objects.select_for_update().get(
            pk=task_state.workflow_state_id
        )
        current = TaskState.objects.select_for_update().get(pk=task_state.pk)
        if (
            workflow_state.status != WorkflowState.STATUS_IN_PROGRESS
            or workflow_state.current_task_state_id != task_state.pk
            or current.status != TaskState.STATUS_IN_PROGRESS
        ):
            raise PermissionDenied(ALREADY_DECIDED_MESSAGE)
        task_state.workflow_state = workflow_state
        course = self._course(workflow_state.content_object)
        if action_name == "approve" and course is not None and not course_has_lesson(course):
            raise PermissionDenied(NO_LESSON_MESSAGE)
        super().on_action(task_state, user, action_name, **kwargs)
        if action_name != "approve" or course is None:
            return
        workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
        if workflow_state.status == WorkflowState.STATUS_APPROVED:
            course_pages_publish(course=course, user=user)
            course_publication_log(course=course, user=user)

    @classmethod
    def get_description(cls):
        return _("Anggota grup yang dipilih meninjau seluruh kursus dan menerbitkannya sekaligus.")

    class Meta:
        verbose_name = _("tinjauan kursus")
        verbose_name_plural = _("tinjauan kursus")
