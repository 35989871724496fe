"""Mark done (`kursus.services.lesson_complete`): what it returns, what it records once, the
fixed number of statements it sends, and what happens when requests race for it."""

import pytest
from django.db import connection

from kursus.models import Enrollment, JPCredit, LessonProgress
from kursus.services import (
    EnrollmentError,
    LessonLocked,
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
)
from lms.akun.models import User
from sertifikat.models import Certificate

from ..concurrency import run_at_once, run_while_locked
from ..factories import EmployeeFactory, course_lessons, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_render(monkeypatch):
    """Threads commit for real: keep the certificate's render message off the broker."""
    from sertifikat.tasks import certificate_render_task

    monkeypatch.setattr(certificate_render_task, "delay", lambda *a, **k: None)


def test_a_mark_returns_the_progress_after_it(learner):
    course = make_course(modules=(2, 2))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)

    result = lesson_complete(user=learner, lesson=lessons[0])

    assert result.newly_done is True
    assert result.course_completed is False
    assert result.certificate is None
    assert (result.outline.done, result.outline.percent) == (1, 25)
    assert result.outline.next_lesson.id == lessons[1].pk
    assert [item.locked for item in result.outline.lessons] == [False, False, True, True]
    assert (result.enrollment.lessons_done, result.enrollment.progress_percent) == (1, 25)
    stored = Enrollment.objects.get(pk=result.enrollment.pk)
    assert (stored.lessons_done, stored.progress_percent, stored.next_lesson_id) == (
        1,
        25,
        lessons[1].pk,
    )


def test_a_repeated_mark_records_nothing_and_says_so(learner):
    course = make_course(modules=(3,))
    first = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=first)
    before = Enrollment.objects.get(user=learner)

    again = lesson_complete(user=learner, lesson=first)

    assert (again.newly_done, again.course_completed) == (False, False)
    assert again.outline.done == 1
    assert LessonProgress.objects.filter(user=learner).count() == 1
    after = Enrollment.objects.get(user=learner)
    assert after.last_activity_at == before.last_activity_at
    assert after.lessons_done == 1


def test_the_last_mark_completes_the_course_once_with_one_credit_and_certificate(learner):
    course = make_course(modules=(2,), jp=3)
    first, last = course_lessons(course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=first)

    result = lesson_complete(user=learner, lesson=last)
    repeat = lesson_complete(user=learner, lesson=last)

    assert result.course_completed is True
    assert result.certificate == Certificate.objects.get(user=learner)
    assert result.enrollment.status == Enrollment.Status.COMPLETED
    assert (repeat.newly_done, repeat.course_completed, repeat.certificate) == (False, False, None)
    assert JPCredit.objects.get(user=learner).jp == 3
    assert Certificate.objects.filter(user=learner).count() == 1


def test_a_free_order_course_done_in_any_order_is_complete(learner):
    """Regression: every lesson done out of order must complete a course that does not
    unlock in order."""
    course = make_course(modules=(2, 2), sequential=False, jp=2)
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)

    results = [lesson_complete(user=learner, lesson=lesson) for lesson in reversed(lessons)]

    assert [r.course_completed for r in results] == [False, False, False, True]
    enrollment = Enrollment.objects.get(user=learner)
    assert (enrollment.status, enrollment.progress_percent, enrollment.next_lesson_id) == (
        Enrollment.Status.COMPLETED,
        100,
        None,
    )


def test_a_locked_lesson_or_a_missing_enrolment_changes_nothing(learner):
    course = make_course(modules=(3,))
    lessons = course_lessons(course)

    with pytest.raises(EnrollmentError):
        lesson_complete(user=learner, lesson=lessons[0])
    enrollment_create(user=learner, course=course)
    with pytest.raises(LessonLocked):
        lesson_complete(user=learner, lesson=lessons[2])
    enrollment_withdraw(user=learner, course=course)
    with pytest.raises(EnrollmentError):
        lesson_complete(user=learner, lesson=lessons[0])

    assert not LessonProgress.objects.exists()
    assert Enrollment.objects.get(user=learner).lessons_done == 0


# The statements of each kind of mark, on every database (inside the test's transaction,
# the mark's own transaction is a savepoint: SAVEPOINT and RELEASE are two of them):
# (a) lock the enrolment, read the lessons done, insert the progress row, update the figures;
# (b) a repeat: the lock and the read, nothing written;
# (c) a completion: (a), then the enrolment's status, the learner's programme credits (does
#     one cover this course already?), the JP credit and the certificate (sertifikat's
#     `certificate_request`: CERTIFICATE_STATEMENTS of them), and the list of webhook
#     receivers (integrasi), read once into the cache each test starts empty (then none).
MARK = 6
REPEAT = 4
CERTIFICATE_STATEMENTS = 7
WEBHOOK_RECEIVERS_CACHED = 1
COMPLETION = MARK + 3 + CERTIFICATE_STATEMENTS + WEBHOOK_RECEIVERS_CACHED


def _others_enrolled(course, n: int) -> None:
    """`n` other learners enrolled in `course`, each with its first lesson done."""
    first = course_lessons(course)[0]
    for _ in range(n):
        user = EmployeeFactory(unit=User.objects.first().employee.unit).user
        enrollment_create(user=user, course=course)
        lesson_complete(user=user, lesson=first)


@pytest.mark.parametrize(("modules", "others"), [((2, 1), 0), ((4, 4, 4), 5)])
def test_the_statements_of_a_mark_are_fixed(learner, django_assert_num_queries, modules, others):
    """The same counts for a course of 3 lessons and no one else as for one of 12 lessons
    with other learners enrolled."""
    course = make_course(modules=modules)
    lessons = course_lessons(course)
    for lesson in lessons:
        lesson.course = course  # as the view has it, from the page cache
    _others_enrolled(course, others)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[0], root_url_path="/")

    with django_assert_num_queries(MARK):  # (a)
        marked = lesson_complete(user=learner, lesson=lessons[1], root_url_path="/")
    with django_assert_num_queries(REPEAT):  # (b)
        repeated = lesson_complete(user=learner, lesson=lessons[1], root_url_path="/")
    for lesson in lessons[2:-1]:
        lesson_complete(user=learner, lesson=lesson, root_url_path="/")
    with django_assert_num_queries(COMPLETION):  # (c)
        completed = lesson_complete(user=learner, lesson=lessons[-1], root_url_path="/")

    assert (marked.newly_done, repeated.newly_done, completed.course_completed) == (
        True,
        False,
        True,
    )
    assert completed.certificate == Certificate.objects.get(user=learner)


# Concurrency: real transactions in threads, each with its own connection. On PostgreSQL the
# enrolment's row lock makes the requests wait for each other; SQLite's write lock
# serialises them anyway.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_marks_of_the_last_lesson_complete_once(learner, no_render):
    """A double click (or two tabs) on the last lesson: one completion, one JP credit, one
    certificate, each lesson recorded once."""
    course = make_course("CON-01", modules=(2,), jp=3)
    first, last = course_lessons(course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=first)
    results = []

    run_at_once(lambda: results.append(lesson_complete(user=learner, lesson=last)), [()] * 4)

    assert sorted(r.newly_done for r in results) == [False, False, False, True]
    assert sorted(r.course_completed for r in results) == [False, False, False, True]
    assert LessonProgress.objects.filter(user=learner).count() == 2
    assert JPCredit.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert (enrollment.status, enrollment.lessons_done, enrollment.progress_percent) == (
        Enrollment.Status.COMPLETED,
        2,
        100,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_marks_of_a_lesson_record_it_once(learner):
    course = make_course("CON-03", modules=(3,), jp=2)
    first = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    results = []

    run_at_once(lambda: results.append(lesson_complete(user=learner, lesson=first)), [()] * 4)

    assert sorted(r.newly_done for r in results) == [False, False, False, True]
    assert list(LessonProgress.objects.filter(user=learner).values_list("lesson", flat=True)) == [
        first.pk
    ]
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert (enrollment.status, enrollment.lessons_done, enrollment.progress_percent) == (
        Enrollment.Status.ACTIVE,
        1,
        33,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_marks_of_different_lessons_count_both_and_complete(learner, no_render):
    """The two last lessons of a free-order course marked at once (two tabs): whichever
    runs second sees the other's lesson and completes the course."""
    course = make_course("CON-04", modules=(2,), sequential=False, jp=2)
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)

    run_at_once(
        lambda lesson: lesson_complete(user=learner, lesson=lesson), [(x,) for x in lessons]
    )

    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert (enrollment.status, enrollment.lessons_done, enrollment.progress_percent) == (
        Enrollment.Status.COMPLETED,
        2,
        100,
    )
    assert JPCredit.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mark_that_waited_for_the_lock_sees_what_the_holder_committed(learner, no_render):
    """The second of two marks waits for the first's enrolment lock and then counts the
    first's lesson, or the course would stay incomplete with every lesson done."""
    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (SQLite's write lock already serialises the two)")
    course = make_course("CON-02", modules=(2,), sequential=False, jp=2)
    first, last = course_lessons(course)
    enrollment = enrollment_create(user=learner, course=course)

    def mark_first():  # what lesson_complete of the first lesson writes
        LessonProgress.objects.create(user=learner, lesson=first, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            lessons_done=1, progress_percent=50, next_lesson=last
        )

    run_while_locked(
        lock=lambda: Enrollment.objects.select_for_update().get(pk=enrollment.pk),
        then=mark_first,
        waiter=lambda: lesson_complete(user=learner, lesson=last),
    )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.lessons_done, enrollment.progress_percent) == (
        Enrollment.Status.COMPLETED,
        2,
        100,
    )
    assert JPCredit.objects.filter(user=learner, course=course).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1
