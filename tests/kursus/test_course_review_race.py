"""Two decisions on one course review at the same moment: the first one taken wins, the
second finds the review already decided and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from wagtail.models import TaskState, WorkflowState

from kursus.models import CoursePage
from kursus.services import CourseReviewError, course_review_decide, course_review_submit

from ..concurrency import run_while_locked
from ..factories import enable_totp, make_draft_course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _skip_without_row_locks():
    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (SQLite's write lock already serialises the two)")


@pytest.fixture
def second_reviewer(make_employee):
    from lms.akun.roles import ADMIN_LMS

    user = make_employee("RI", ADMIN_LMS).user
    enable_totp(user)
    return user


def _review_states(course):
    state = WorkflowState.objects.filter(object_id=str(course.pk)).order_by("-pk").first()
    tasks = list(TaskState.objects.filter(workflow_state=state).values_list("status", flat=True))
    return state.status, tasks


def test_approve_and_reject_at_once_keep_only_the_approval(trainer, admin_lms, second_reviewer):
    _skip_without_row_locks()
    # given a course in review
    course, _module, _lessons, _quiz = make_draft_course("RACE-01", owner=trainer)
    course_review_submit(course=course, user=trainer)
    refused = []

    def reject():
        try:
            course_review_decide(
                course=course, user=second_reviewer, approve=False, comment="Perbaiki."
            )
        except CourseReviewError as exc:
            refused.append(str(exc))

    # when one reviewer approves while another asks for changes at the same moment
    run_while_locked(
        lock=lambda: course_review_decide(course=course, user=admin_lms, approve=True),
        then=lambda: None,
        waiter=reject,
    )

    # then the approval stands (the course is live, the review approved) and the request for
    # changes is refused with the reason
    assert CoursePage.objects.get(pk=course.pk).live
    assert _review_states(course) == (WorkflowState.STATUS_APPROVED, [TaskState.STATUS_APPROVED])
    assert refused == ["Kursus ini tidak sedang menunggu peninjauan."]


def test_wagtails_own_decision_waits_for_the_other_and_is_refused(
    trainer, admin_lms, second_reviewer
):
    _skip_without_row_locks()
    # given a course in review, its task as Wagtail's editor buttons hold it before deciding
    course, _module, _lessons, _quiz = make_draft_course("RACE-02", owner=trainer)
    state = course_review_submit(course=course, user=trainer)
    task_state = TaskState.objects.get(pk=state.current_task_state_id)
    refused = []

    def reject_in_editor():
        try:
            task_state.task.specific.on_action(
                task_state.specific, second_reviewer, "reject", comment="Perbaiki."
            )
        except PermissionDenied as exc:
            refused.append(str(exc))

    # when the editor's "ask for changes" comes while an approval holds the review
    run_while_locked(
        lock=lambda: course_review_decide(course=course, user=admin_lms, approve=True),
        then=lambda: None,
        waiter=reject_in_editor,
    )

    # then only the approval took effect
    assert CoursePage.objects.get(pk=course.pk).live
    assert _review_states(course) == (WorkflowState.STATUS_APPROVED, [TaskState.STATUS_APPROVED])
    assert refused == ["Peninjauan kursus ini sudah diputuskan oleh peninjau lain."]
