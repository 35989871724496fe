"""The single completion rule of a course.

A course is complete for a learner when every live lesson is done and every quiz the course
requires is passed. Quizzes plug in through `REQUIREMENT_CHECKS`, so that the rule stays one
function whatever else a course comes to require.
"""

from collections.abc import Callable
from decimal import Decimal

from .models import CoursePage

# Each check answers "what is still missing?" for (user, course, the course's outline with the
# user's progress): an empty list means met.
RequirementCheck = Callable[..., list[str]]
REQUIREMENT_CHECKS: list[RequirementCheck] = []


def lessons_missing(*, user, course: CoursePage, outline) -> list[str]:
    if not outline.lessons:
        return ["course has no lessons"]
    return [f"lesson:{item.id}" for item in outline.lessons if not item.done]


def _requirements_missing(*, user, course: CoursePage, done_ids=None, outline=None):
    """What is missing of each requirement in turn (lessons first), read from the course's
    outline (its live lessons and quizzes, from the cache) with the user's progress: one
    query, none when the caller holds the ids of the lessons they have done, read under the
    lock of their enrolment, or that outline itself."""
    from .selectors import course_outline

    if outline is None:
        outline = course_outline(course=course, user=user, root_url_path="/", done_ids=done_ids)
    yield lessons_missing(user=user, course=course, outline=outline)
    for check in REQUIREMENT_CHECKS:
        yield check(user=user, course=course, outline=outline)


def course_is_completed_by(*, user, course: CoursePage, done_ids=None, outline=None) -> bool:
    """The same rule, stopping at the first requirement that is not met (a quiz passed before
    the lessons are done asks for no quiz grades). `outline`: the course's outline with the
    user's progress as the caller holds it, under the lock of their enrolment."""
    return not any(
        _requirements_missing(user=user, course=course, done_ids=done_ids, outline=outline)
    )


# The score a course reports as its result (on certificates, in reports): the graded post-test.
# The quiz engine registers its scorer here, as it does its requirement check above.
FINAL_SCORE_PROVIDERS: list[Callable[..., Decimal | None]] = []


def course_final_score(*, user, course: CoursePage) -> Decimal | None:
    """The learner's final score in percent, or None when the course has no graded post-test."""
    for provider in FINAL_SCORE_PROVIDERS:
        score = provider(user=user, course=course)
        if score is not None:
            return score
    return None
