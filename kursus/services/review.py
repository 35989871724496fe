"""A course written, reviewed and published as one piece: a trainer submits the whole course,
a reviewer approves it (which publishes every page of it, kursus.models.review) or asks for
changes with a comment; and a course is copied for its next edition."""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision, TaskState, WorkflowState

from ..models import CoursePage
from ..models.review import course_has_lesson


class CourseReviewError(Exception):
    """Why a course cannot be submitted, decided on or copied, in Indonesian."""


@transaction.atomic
def course_review_submit(*, course: CoursePage, user) -> WorkflowState:
    """Submit `course` with all its modules, lessons and quizzes for review, in one action.
    What learners see of a live course stays as it is until the review approves the drafts."""
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    if not course.permissions_for_user(user).can_edit():
        raise CourseReviewError(_("Anda tidak berhak mengajukan kursus ini."))
    workflow = course.get_workflow()
    if workflow is None:
        raise CourseReviewError(_("Kursus di katalog ini tidak memerlukan peninjauan."))
    state = course.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise CourseReviewError(_("Kursus ini sudah diajukan dan sedang ditinjau."))
    course.get_latest_revision_as_object().save_revision(user=user)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    return workflow.start(course, user)


def _review_task_state(course: CoursePage) -> TaskState | None:
    state = course.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
        return None
    return state.current_task_state


@transaction.atomic
def course_review_decide(*, course: CoursePage, user, approve: bool, comment: str = "") -> None:
    """The reviewer's decision on the whole course: approval publishes the latest drafts of all
    its pages together; a request for changes (with a comment the trainer reads) keeps them
    all as drafts. The course row is locked first, so that of two decisions taken at the same
    moment the second finds the review already decided."""
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    task_state = _review_task_state(course)
    if task_state is None:
        raise CourseReviewError(_("Kursus ini tidak sedang menunggu peninjauan."))
    task = task_state.task.specific
    action = "approve" if approve else "reject"
    if action not in {name for name, _label, _modal in task.get_actions(course, user)}:
        if approve and not course_has_lesson(course):
            raise CourseReviewError(
                _("Kursus ini belum memiliki materi, sehingga belum dapat diterbitkan.")
            )
        raise CourseReviewError(_("Anda tidak berhak memutuskan peninjauan kursus ini."))
    comment = comment.strip()
    if not approve and not comment:
        raise CourseReviewError(_("Tuliskan apa yang perlu diperbaiki oleh pengajar."))
    task.on_action(task_state.specific, user, action, comment=comment)


@transaction.atomic
def course_copy(*, course: CoursePage, user, title: str, code: str, slug: str) -> CoursePage:
    """A new edition of `course`: its modules, lessons and quizzes (with their question slots)
    copied as drafts under the same catalogue, with a new title, code and address. Nothing of
    its learners is copied (enrolments, progress, attempts and certificates belong to the
    course they were made in)."""
    parent = course.get_parent()
    if not parent.permissions_for_user(user).can_add_subpage():
        raise CourseReviewError(_("Anda tidak berhak menambah kursus di katalog ini."))
    if CoursePage.objects.filter(code=code).exists():
        raise CourseReviewError(_("Kode kursus %(code)s sudah dipakai.") % {"code": code})
    if not Page._slug_is_available(slug, parent):
        raise CourseReviewError(_("Alamat %(slug)s sudah dipakai di katalog.") % {"slug": slug})
    copy = course.copy(
        recursive=True,
        to=parent,
        update_attrs={
            "title": title,
            "draft_title": title,
            "slug": slug,
            "code": code,
            # The old edition's dates are not the new one's: it opens when its own are set.
            "enrollment_opens_at": None,
            "enrollment_closes_at": None,
        },
        copy_revisions=False,
        keep_live=False,
        user=user,
        reset_translation_key=True,
        log_action="wagtail.copy",
    ).specific
    # A new edition starts clean: nobody's lock on it, no publication scheduled, and (above)
    # none of the original's history, only the revision the copy made.
    pages = Page.objects.descendant_of(copy, inclusive=True)
    pages.update(locked=False, locked_by=None, locked_at=None, go_live_at=None, expire_at=None)
    for revision in Revision.objects.filter(pk__in=pages.values("latest_revision_id")):
        content = revision.content
        for field in ("locked", "locked_by", "locked_at", "go_live_at", "expire_at"):
            content[field] = False if field == "locked" else None
        revision.content = content
        revision.approved_go_live_at = None
        revision.save(update_fields=["content", "approved_go_live_at"])
    return CoursePage.objects.get(pk=copy.pk)
