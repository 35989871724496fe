"""Grading an attempt: by the learner, by the expiry job, or by an autosave that finds the time
up. One transaction with the attempt locked, so that it is graded once, on the answers saved
before the lock was taken; a pass of a required quiz may complete the course there too."""

import html
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from lms.core.cache import learners_changed
from lms.core.page_cache import live_page_by_id

from ..models import AttemptQuestion, Enrollment, Question, QuestionOption, QuizAttempt, QuizPage
from ..services import course_complete_if_done, enrollment_lock
from .grading import OptionKey, percent_of, score_for
from .rules import GRACE, attempt_is_overdue

# Only these kinds read an option's text when grading (the accepted answers of a short answer,
# which of a matching question's options are prompts): the others need not strip its markup.
KINDS_GRADED_ON_TEXT = {Question.Kind.SHORT, Question.Kind.MATCHING}

GRADE_FIELDS = ["status", "finished_at", "score", "percent", "passed"]


@dataclass(frozen=True)
class AttemptSubmission:
    """What a submit did: the attempt as graded, whether this call graded it (False when it
    was graded before: a double click, a retry, the expiry job racing the learner), and
    whether this grade completed the learner's course."""

    attempt: QuizAttempt
    graded: bool
    course_completed: bool = False


@lru_cache(maxsize=4096)
def _option_plain_text(text: str) -> str:
    """An option's text without its markup: the same few hundred texts of a bank come back
    on every submit."""
    return html.unescape(strip_tags(text))


def _option_keys(kind: str, options) -> list[OptionKey]:
    """OptionKeys from (id, fraction, text, match) rows."""
    on_text = kind in KINDS_GRADED_ON_TEXT
    return [
        OptionKey(
            id=pk, fraction=fraction, text=_option_plain_text(text) if on_text else "", match=match
        )
        for pk, fraction, text, match in options
    ]


def _attempt_lock(attempt_id: int, *, user) -> QuizAttempt:
    """The attempt, locked until the transaction ends, with its quiz's pass mark and whether
    the quiz is required for completion (the quiz's row is not locked). With `user`, only
    their own (QuizAttempt.DoesNotExist otherwise)."""
    attempts = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .only(
            *(field.name for field in QuizAttempt._meta.concrete_fields),
            "quiz__pass_mark",
            "quiz__required_for_completion",
        )
    )
    if user is not None:
        attempts = attempts.filter(user=user)
    return attempts.order_by().get(pk=attempt_id)


def _scores(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The attempt's questions, each with its score set (not saved) from the answer saved
    before the attempt was locked. Two queries, whatever the number of questions."""
    rows = list(
        AttemptQuestion.objects.filter(attempt_id=attempt.pk)
        .select_related("question")
        .only("id", "points", "response", "question__kind")
        .order_by("position")
    )
    options: dict[int, list] = {row.question_id: [] for row in rows}
    for question_id, *option in (
        QuestionOption.objects.filter(question_id__in=options)
        .order_by("question_id", "sort_order", "id")
        .values_list("question_id", "id", "fraction", "text", "match")
    ):
        options[question_id].append(option)
    for row in rows:
        kind = row.question.kind
        row.score = score_for(
            kind, _option_keys(kind, options[row.question_id]), row.response, row.points
        )
    return rows


def _attempt_grade(attempt_id: int, *, expired: bool, user) -> AttemptSubmission:
    """`quiz_attempt_submit` inside the caller's transaction."""
    attempt = _attempt_lock(attempt_id, user=user)
    if not attempt.is_open:
        return AttemptSubmission(attempt=attempt, graded=False)
    now = timezone.now()
    rows = _scores(attempt)
    AttemptQuestion.objects.bulk_update(rows, ["score"])
    attempt.score = sum((row.score for row in rows), Decimal(0))
    attempt.percent = percent_of(attempt.score, attempt.max_score)
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark
    attempt.finished_at = now
    attempt.status = (
        QuizAttempt.Status.EXPIRED
        if expired or attempt_is_overdue(attempt, now)
        else QuizAttempt.Status.SUBMITTED
    )
    attempt.save(update_fields=GRADE_FIELDS)
    completed = False
    if attempt.passed and attempt.quiz.required_for_completion:
        completed = _course_complete_if_done(attempt)
    return AttemptSubmission(attempt=attempt, graded=True, course_completed=completed)


def _course_complete_if_done(attempt: QuizAttempt) -> bool:
    """After a pass of a required quiz: complete the learner's course if nothing else is
    missing, under the lock of their enrolment (only its row: not the course's page, which
    every learner of the course shares, nor the user's)."""
    # The course from the page cache while the quiz is live (as it is while people take it).
    quiz = live_page_by_id(QuizPage, attempt.quiz_id) or QuizPage.objects.get(pk=attempt.quiz_id)
    enrollment = enrollment_lock(user_id=attempt.user_id, course=quiz.course)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        return False
    enrollment.course = quiz.course
    return course_complete_if_done(enrollment=enrollment) is not None


def quiz_attempt_submit(*, attempt_id: int, expired: bool = False, user=None) -> AttemptSubmission:
    """Grade an attempt once. A double click, a retried request, or the expiry job racing the
    learner finds it graded and changes nothing. With `user`, only their own attempt
    (QuizAttempt.DoesNotExist otherwise). An answer saved while this waited for the attempt's
    lock is graded; one sent after it is refused (`answers.quiz_answer_save`)."""
    with transaction.atomic():
        submission = _attempt_grade(attempt_id, expired=expired, user=user)
    if submission.graded:  # after the commit: the cached pages of this learner are not used again
        learners_changed([submission.attempt.user_id])
    return submission


def quiz_attempts_expire(*, now=None) -> int:
    """Grade, as expired, every open attempt whose deadline and grace have passed (at most a
    thousand a run). Returns how many this run graded."""
    now = now or timezone.now()
    overdue = QuizAttempt.objects.filter(
        status=QuizAttempt.Status.IN_PROGRESS, deadline__lt=now - GRACE
    ).values_list("pk", flat=True)
    return sum(
        quiz_attempt_submit(attempt_id=pk, expired=True).graded for pk in list(overdue[:1000])
    )
