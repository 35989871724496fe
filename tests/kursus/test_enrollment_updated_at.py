"""Enrollment.updated_at moves with every write of the row, whichever path writes it (the
API's `updated_since` reads it), and stays put where a path leaves a row alone."""

import datetime

import pytest
from django.utils import timezone

from kursus.models import Enrollment, LessonPage, MandatoryAssignment
from kursus.services import (
    assignment_apply,
    assignment_create,
    course_progress_recompute,
    enrollment_create,
    enrollment_units_reconcile,
    enrollment_units_sync,
    enrollment_withdraw,
    lesson_complete,
)
from lms.organisasi.models import OrgUnit

from ..factories import course_lessons, make_course

pytestmark = pytest.mark.django_db

PAST = timezone.now() - datetime.timedelta(days=30)
DUE = datetime.date(2099, 6, 30)


def backdated(*enrollments: Enrollment) -> None:
    """Set the rows' updated_at a month back, as if nothing had written them since."""
    rows = Enrollment.objects.filter(pk__in=[e.pk for e in enrollments])
    assert rows.update(updated_at=PAST) == len(enrollments)


def updated_at(enrollment: Enrollment) -> datetime.datetime:
    return Enrollment.objects.values_list("updated_at", flat=True).get(pk=enrollment.pk)


@pytest.fixture
def course(db):
    return make_course("UPD-01", modules=(3,))


def test_a_new_enrolment_is_updated_when_made(learner, course):
    before = timezone.now()
    enrollment = enrollment_create(user=learner, course=course)
    assert updated_at(enrollment) >= before
    assert updated_at(enrollment) >= enrollment.enrolled_at


def test_withdrawing_and_enrolling_again_move_it(learner, course):
    enrollment = enrollment_create(user=learner, course=course)
    backdated(enrollment)
    enrollment_withdraw(user=learner, course=course)
    withdrawn = updated_at(enrollment)
    assert withdrawn > PAST

    backdated(enrollment)
    enrollment_create(user=learner, course=course)

    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE
    assert updated_at(enrollment) > PAST


def test_marking_a_lesson_done_and_completing_move_it(learner, course):
    enrollment = enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    backdated(enrollment)

    lesson_complete(user=learner, lesson=lessons[0])
    assert updated_at(enrollment) > PAST

    lesson_complete(user=learner, lesson=lessons[1])
    backdated(enrollment)
    lesson_complete(user=learner, lesson=lessons[2])  # the last one: the course is completed
    row = Enrollment.objects.get(pk=enrollment.pk)
    assert row.status == Enrollment.Status.COMPLETED
    assert row.updated_at >= row.completed_at


def test_a_lesson_marked_again_writes_nothing(learner, course):
    enrollment = enrollment_create(user=learner, course=course)
    first = course_lessons(course)[0]
    lesson_complete(user=learner, lesson=first)
    backdated(enrollment)

    lesson_complete(user=learner, lesson=first)

    assert updated_at(enrollment) == PAST


def test_an_assignment_links_reactivates_and_moves_the_due_date_of_enrolments(
    make_employee, course
):
    linked = make_employee("32.04")
    returning = make_employee("32.04")
    untouched = make_employee("33")
    own = enrollment_create(user=linked.user, course=course)
    left = enrollment_create(user=returning.user, course=course)
    enrollment_withdraw(user=returning.user, course=course)
    elsewhere = enrollment_create(user=untouched.user, course=course)
    backdated(own, left, elsewhere)

    assignment = assignment_create(
        course=course, unit=OrgUnit.objects.get(code="32.04"), due_date=DUE
    )

    own.refresh_from_db()
    left.refresh_from_db()
    assert (own.assignment_id, own.due_date) == (assignment.pk, DUE)
    assert left.status == Enrollment.Status.ACTIVE
    assert own.updated_at > PAST and left.updated_at > PAST
    assert updated_at(elsewhere) == PAST

    # The assignment edited: its due date moves on the enrolments, and so their updated_at.
    backdated(own, left)
    assignment.due_date = DUE + datetime.timedelta(days=30)
    assignment.save()
    assignment_apply(assignment=assignment)
    own.refresh_from_db()
    assert own.due_date == assignment.due_date
    assert own.updated_at > PAST

    # Applied again with nothing to change: no row is written.
    backdated(own, left)
    assignment_apply(assignment=assignment)
    assert updated_at(own) == updated_at(left) == PAST


def test_enrolments_an_assignment_makes_carry_their_time(make_employee, course):
    employee = make_employee("32.04")
    before = timezone.now()

    assignment_create(course=course, unit=employee.unit, due_date=DUE)

    assert updated_at(Enrollment.objects.get(user=employee.user)) >= before


def test_deleting_an_assignment_moves_the_enrolments_it_marked(make_employee, course):
    employee = make_employee("32.04")
    assignment = assignment_create(course=course, unit=employee.unit, due_date=DUE)
    enrollment = Enrollment.objects.get(user=employee.user)
    backdated(enrollment)

    MandatoryAssignment.objects.filter(pk=assignment.pk).delete()

    enrollment.refresh_from_db()
    assert enrollment.assignment_id is None
    assert enrollment.updated_at > PAST


def test_a_unit_move_moves_it_and_the_unmoved_stay(make_employee, course):
    mover = make_employee("32.04")
    stayer = make_employee("32.04")
    moved = enrollment_create(user=mover.user, course=course)
    stayed = enrollment_create(user=stayer.user, course=course)
    mover.unit = OrgUnit.objects.get(code="33")
    mover.save()
    backdated(moved, stayed)

    enrollment_units_sync(user_ids=[mover.user_id, stayer.user_id])

    assert Enrollment.objects.get(pk=moved.pk).unit.code == "33"
    assert updated_at(moved) > PAST
    assert updated_at(stayed) == PAST


def test_the_nightly_unit_repair_moves_what_it_repairs(make_employee, course):
    mover = make_employee("32.04")
    enrollment = enrollment_create(user=mover.user, course=course)
    mover.unit = OrgUnit.objects.get(code="33")
    mover.save()
    backdated(enrollment)

    assert enrollment_units_reconcile() == 1

    assert updated_at(enrollment) > PAST


def test_a_progress_recompute_moves_the_enrolments_it_changes(learner, make_employee, course):
    enrollment = enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    other = make_course("UPD-02", modules=(1,))
    unrelated = enrollment_create(user=learner, course=other)
    module = course_lessons(course)[0].get_parent()
    module.add_child(
        instance=LessonPage(title="Materi baru", slug="materi-baru", duration_minutes=10)
    )
    backdated(enrollment, unrelated)

    assert course_progress_recompute(course=course) == 1

    row = Enrollment.objects.get(pk=enrollment.pk)
    assert (row.lessons_done, row.progress_percent) == (1, 25)
    assert row.updated_at > PAST
    assert updated_at(unrelated) == PAST


def test_save_with_update_fields_and_bulk_update_move_it(learner, course):
    enrollment = enrollment_create(user=learner, course=course)
    backdated(enrollment)
    enrollment.refresh_from_db()

    enrollment.due_date = DUE
    enrollment.save(update_fields=["due_date"])
    assert updated_at(enrollment) > PAST

    backdated(enrollment)
    enrollment.refresh_from_db()
    enrollment.progress_percent = 50
    Enrollment.objects.bulk_update([enrollment], ["progress_percent"])
    assert updated_at(enrollment) > PAST

    backdated(enrollment)
    enrollment.save(update_fields=[])  # writes nothing
    assert updated_at(enrollment) == PAST
