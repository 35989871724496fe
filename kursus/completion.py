"""The single completion rule of a course.

A course is complete for a learner when every live lesson is done and every quiz the course
requires is passed. Quizzes plug in through `REQUIREMENT_CHECKS`, so that the rule stays one
function whatever else a course comes to require.
"""

from collections.abc import Callable
from decimal import Decimal

from .models import CoursePage, LessonPage, LessonProgress

# Each check answers "what is still missing?" for (user, course): an empty list means met.
RequirementCheck = Callable[..., list[str]]
REQUIREMENT_CHECKS: list[RequirementCheck] = []


def lessons_missing(*, user, course: CoursePage) -> list[str]:
    live_ids = set(LessonPage.objects.live().descendant_of(course).values_list("id", flat=True))
    done_ids = set(
        LessonProgress.objects.filter(user=user, lesson_id__in=live_ids).values_list(
            "lesson_id", flat=True
        )
    )
    missing = live_ids - done_ids
    if not live_ids:
        return ["course has no lessons"]
    return [f"lesson:{pk}" for pk in sorted(missing)]


def course_requirements_missing(*, user, course: CoursePage) -> list[str]:
    """Everything `user` still has to do to complete `course`."""
    missing = lessons_missing(user=user, course=course)
    for check in REQUIREMENT_CHECKS:
        missing.extend(check(user=user, course=course))
    return missing


def course_is_completed_by(*, user, course: CoursePage) -> bool:
    return not course_requirements_missing(user=user, course=course)


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
