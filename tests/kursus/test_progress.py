"""The one progress rule (`kursus.progress.course_progress`): done, percent, next lesson and
locks from the course's live lessons in order and the learner's done lessons."""

import pytest

from kursus.progress import course_progress, quiz_is_locked

LESSONS = [11, 12, 13, 14]


@pytest.mark.parametrize(
    ("done", "sequential", "figures", "locked"),
    [
        (set(), True, (0, 0, 11), {12, 13, 14}),
        (set(), False, (0, 0, 11), set()),
        ({11}, True, (1, 25, 12), {13, 14}),
        # done out of order: the first lesson not done is next; what follows it stays locked
        ({11, 13}, True, (2, 50, 12), {13, 14}),
        ({11, 13}, False, (2, 50, 12), set()),
        ({14, 13, 12, 11}, False, (4, 100, None), set()),
        ({11, 12, 13, 14}, True, (4, 100, None), set()),
        # a lesson done that is no longer live does not count
        ({11, 99}, True, (1, 25, 12), {13, 14}),
    ],
)
def test_figures_and_locks(done, sequential, figures, locked):
    progress = course_progress(lesson_ids=LESSONS, done_ids=done, sequential=sequential)

    assert (progress.done, progress.percent, progress.next_lesson_id) == figures
    assert progress.locked_ids == locked
    assert progress.all_done == (figures[1] == 100)


def test_a_course_without_lessons_is_never_all_done():
    progress = course_progress(lesson_ids=[], done_ids={1}, sequential=False)

    assert (progress.done, progress.total, progress.percent, progress.all_done) == (0, 0, 0, False)
    assert progress.next_lesson_id is None


def test_a_quiz_unlocks_when_the_lessons_it_tests_are_done_in_an_in_order_course():
    lessons = [1, 2, 3]

    assert quiz_is_locked(lesson_ids=lessons, done_ids={1, 2}, sequential=True, pretest=False)
    assert not quiz_is_locked(
        lesson_ids=lessons, done_ids={1, 2, 3}, sequential=True, pretest=False
    )
    assert not quiz_is_locked(lesson_ids=lessons, done_ids=set(), sequential=True, pretest=True)
    assert not quiz_is_locked(lesson_ids=lessons, done_ids=set(), sequential=False, pretest=False)
