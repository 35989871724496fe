"""The one rule for a learner's progress through a course's lessons: how many are done, the
percentage, the next lesson, which lessons are still locked, and whether a quiz is. The
outline, "mark done", enrolment and the background recompute all take their figures from
`course_progress`, so they cannot disagree. Pure: no query, no model."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CourseProgress:
    """A learner's figures for a course: lessons done (of `total`), percent, the next lesson
    not done (None when every lesson is), and the lessons they may not open yet."""

    done: int
    total: int
    percent: int
    next_lesson_id: int | None
    locked_ids: frozenset[int]

    @property
    def all_done(self) -> bool:
        """Every lesson done (never for a course without lessons)."""
        return self.total > 0 and self.done == self.total


def course_progress(
    *, lesson_ids: Sequence[int], done_ids: Collection[int], sequential: bool
) -> CourseProgress:
    """The figures of a learner who has done `done_ids`, in a course whose live lessons are
    `lesson_ids` in tree order. In a course that unlocks in order (`sequential`), every lesson
    after the first one not done is locked; otherwise none is. Ids in `done_ids` that are not
    live lessons (unpublished, moved away) do not count."""
    done_ids = set(done_ids)
    done = sum(1 for pk in lesson_ids if pk in done_ids)
    total = len(lesson_ids)
    first_open = next((i for i, pk in enumerate(lesson_ids) if pk not in done_ids), None)
    next_lesson_id = lesson_ids[first_open] if first_open is not None else None
    locked = (
        frozenset(lesson_ids[first_open + 1 :])
        if sequential and first_open is not None
        else frozenset()
    )
    return CourseProgress(
        done=done,
        total=total,
        percent=round(100 * done / total) if total else 0,
        next_lesson_id=next_lesson_id,
        locked_ids=locked,
    )


def quiz_is_locked(
    *, lesson_ids: Collection[int], done_ids: Collection[int], sequential: bool, pretest: bool
) -> bool:
    """Whether a quiz is still locked for a learner who has done `done_ids`: in a course that
    unlocks in order, until every lesson it tests (`lesson_ids`: its module's, or the
    course's for a quiz of the whole course) is done. A pre-test never is: it comes first."""
    return sequential and not pretest and any(pk not in set(done_ids) for pk in lesson_ids)
