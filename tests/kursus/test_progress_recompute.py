"""Learners' stored progress follows the course when trainers publish or unpublish lessons."""

import pytest

from kursus.models import Enrollment, LessonPage
from kursus.services import enrollment_create, lesson_complete

from ..factories import course_lessons, make_course

pytestmark = pytest.mark.django_db


def test_publishing_a_new_lesson_lowers_progress_and_points_to_it(
    learner, django_capture_on_commit_callbacks
):
    course = make_course("RCP-01", modules=(2,))
    enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == Enrollment.Status.COMPLETED

    other = make_course("RCP-02", modules=(2,))
    enrollment_create(user=learner, course=other)
    first = course_lessons(other)[0]
    lesson_complete(user=learner, lesson=first)
    module = first.get_parent()
    new = LessonPage(title="Materi baru", slug="materi-baru", duration_minutes=10, live=False)
    module.add_child(instance=new)

    with django_capture_on_commit_callbacks(execute=True):
        new.save_revision().publish()

    active = Enrollment.objects.get(user=learner, course=other)
    assert (active.lessons_done, active.progress_percent) == (1, 33)
    assert active.next_lesson_id == course_lessons(other)[1].id


def test_unpublishing_a_lesson_raises_progress(learner, django_capture_on_commit_callbacks):
    course = make_course("RCP-03", modules=(3,))
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    lesson_complete(user=learner, lesson=lessons[0])
    lesson_complete(user=learner, lesson=lessons[1])

    with django_capture_on_commit_callbacks(execute=True):
        lessons[2].unpublish()

    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert (enrollment.lessons_done, enrollment.progress_percent) == (2, 100)
    assert enrollment.next_lesson_id is None
    # nothing else was required, so the course is now complete
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_the_cached_outline_follows_a_newly_published_lesson(client, learner):
    course = make_course("RCP-04", modules=(1,))
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    assert "Materi tambahan" not in client.get(course.url).content.decode()

    module = course_lessons(course)[0].get_parent()
    extra = LessonPage(title="Materi tambahan", slug="tambahan", duration_minutes=5, live=False)
    module.add_child(instance=extra)
    extra.save_revision().publish()

    assert "Materi tambahan" in client.get(course.url).content.decode()
    extra.refresh_from_db()
    extra.unpublish()
    assert "Materi tambahan" not in client.get(course.url).content.decode()


def test_unpublishing_the_only_missing_lesson_of_a_free_order_course_completes_it(
    learner, django_capture_on_commit_callbacks
):
    """Regression: in a course that does not unlock in order, a learner who has done every
    live lesson but one that is then unpublished has nothing left: the course is complete."""
    course = make_course("RCP-05", modules=(3,), sequential=False)
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    lesson_complete(user=learner, lesson=lessons[2])
    lesson_complete(user=learner, lesson=lessons[0])

    with django_capture_on_commit_callbacks(execute=True):
        lessons[1].unpublish()

    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert (enrollment.lessons_done, enrollment.progress_percent) == (2, 100)
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_a_mark_done_committed_during_a_recompute_is_not_overwritten(learner, monkeypatch):
    # given a learner one lesson into a course whose figures a recompute is about to rewrite
    from kursus.services import progress as progress_module

    course = make_course("RCP-09", modules=(3,))
    first, second, _third = course_lessons(course)
    enrollment = enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=first)
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percent=0)  # out of date
    real = progress_module.course_progress
    calls = []

    def another_request_marks_meanwhile(**kwargs):
        if not calls:  # what another request's mark done commits after the recompute's reads
            lesson_complete(user=learner, lesson=second)
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(progress_module, "course_progress", another_request_marks_meanwhile)

    # when the recompute writes the figures it worked out from what it read before
    progress_module.course_progress_recompute(course=course)

    # then the newer mark's figures stay
    stored = Enrollment.objects.get(pk=enrollment.pk)
    assert (stored.lessons_done, stored.progress_percent) == (2, 67)


def test_a_lesson_moved_to_another_course_takes_its_marks_along(
    learner, django_capture_on_commit_callbacks
):
    # given a learner who did the first lesson of course A and is enrolled in course B
    source = make_course("RCP-10", modules=(2,))
    target = make_course("RCP-11", modules=(1,))
    moved, kept = course_lessons(source)
    enrollment_create(user=learner, course=source)
    enrollment_create(user=learner, course=target)
    lesson_complete(user=learner, lesson=moved)
    LessonPage.objects.filter(pk=moved.pk).update(slug="materi-pindahan")

    # when a trainer moves that lesson into course B's module
    with django_capture_on_commit_callbacks(execute=True):
        LessonPage.objects.get(pk=moved.pk).move(
            course_lessons(target)[0].get_parent(), pos="last-child"
        )

    # then the mark counts in B, and A (one lesson left, not done) is recomputed too
    b = Enrollment.objects.get(user=learner, course=target)
    a = Enrollment.objects.get(user=learner, course=source)
    assert (b.lessons_done, b.progress_percent) == (1, 50)
    assert (a.lessons_done, a.progress_percent, a.next_lesson_id) == (0, 0, kept.pk)
