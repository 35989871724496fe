"""A learner's grade on each quiz: what the outline, the completion rule and the final score
read of the quiz engine."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import QuizAttempt
from .grading import grade_fold


@dataclass(frozen=True)
class QuizRef:
    """What `quiz_grades` reads of a quiz."""

    id: int
    grading: str


def quiz_grades(*, user, quizzes) -> dict[int, Decimal]:
    """{quiz id: the learner's grade in percent} for the quizzes they have finished (`quizzes`:
    anything with `id` and `grading`). One query."""
    by_id = {quiz.id: quiz for quiz in quizzes}
    grades: dict[int, Decimal] = {}
    finished = (
        QuizAttempt.objects.filter(user=user, quiz_id__in=by_id)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("quiz_id", "number")
        .values_list("quiz_id", "percent")
    )
    for quiz_id, percent in finished:
        grades[quiz_id] = grade_fold(grades.get(quiz_id), percent, by_id[quiz_id].grading)
    return grades
