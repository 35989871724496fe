"""Submit: graded once, only by its owner, racing autosaves on PostgreSQL, the expiry job, a pass
that completes the course, and the fixed number of statements of autosave and submit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kursus.kuis.services import (
    AttemptClosed,
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_attempts_expire,
)
from kursus.models import Enrollment, JPCredit, QuizAttempt
from kursus.services import lesson_complete
from kursus.tasks import quiz_attempts_expire_task

from ...concurrency import run_at_once, run_while_locked
from ...factories import course_lessons, make_question, make_quiz
from .answering import answer_key, attempt_with_rights

pytestmark = pytest.mark.django_db


def test_submit_twice_grades_once(learner, course, category):
    quiz = make_quiz(course, questions=[make_question(category), make_question(category)])
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    _, by_text = answer_key(attempt)[1]
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=1,
        response=by_text["<p>Benar sekali</p>"],
    )

    first = quiz_attempt_submit(attempt_id=attempt.pk)
    second = quiz_attempt_submit(attempt_id=attempt.pk)

    assert (first.graded, second.graded) == (True, False)
    assert (first.attempt.percent, first.attempt.finished_at) == (
        second.attempt.percent,
        second.attempt.finished_at,
    )
    assert first.attempt.percent == 50
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


# Autocommit, as under gunicorn (no test transaction); serialized rollback leaves the database
# as the real-worker tests that follow expect it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_clicked_submit_over_http_counts_once(client, learner, course, category):
    quiz = make_quiz(course, questions=[make_question(category)], kind="pretest")
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    url = reverse("kursus:attempt_submit", args=[attempt.pk])
    assert client.post(url).status_code == 302
    attempt.refresh_from_db()
    finished = attempt.finished_at
    assert client.post(url).status_code == 302
    attempt.refresh_from_db()
    assert attempt.finished_at == finished


def test_nobody_submits_someone_elses_attempt(client, learner, course, category, make_employee):
    quiz = make_quiz(course, questions=[make_question(category)], kind="pretest")
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(make_employee("32.04").user)

    response = client.post(reverse("kursus:attempt_submit", args=[attempt.pk]))

    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS


def _skip_without_row_locks():
    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (make test-pg)")


# Real transactions on their own connections (autocommit, as under gunicorn); serialized
# rollback leaves the database as the real-worker tests that follow expect it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_autosave_racing_the_submit_waits_and_is_refused(learner, course, category):
    """While a submit holds the attempt, a save of an answer waits for it, then finds the
    attempt graded: no answer is saved that the grading did not see."""
    _skip_without_row_locks()
    attempt, rights = attempt_with_rights(learner, course, category)
    outcome = {}

    def save():
        try:
            quiz_answer_save(user=learner, attempt_id=attempt.pk, position=1, response=rights[1])
            outcome["saved"] = True
        except AttemptClosed:
            outcome["closed"] = True

    run_while_locked(
        lock=lambda: outcome.update(graded=quiz_attempt_submit(attempt_id=attempt.pk).graded),
        then=lambda: None,
        waiter=save,
    )

    assert outcome == {"graded": True, "closed": True}
    row = attempt.questions.get()
    assert (row.response, row.score) == (None, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_submit_that_waited_for_a_save_grades_the_saved_answer(learner, course, category):
    """The other way round: while a save holds the attempt, the submit waits, then reads the
    answers as they are once it holds the lock, so the answer saved just before it counts."""
    _skip_without_row_locks()
    attempt, rights = attempt_with_rights(learner, course, category)
    outcome = {}

    run_while_locked(
        lock=lambda: quiz_answer_save(
            user=learner, attempt_id=attempt.pk, position=1, response=rights[1]
        ),
        then=lambda: None,
        waiter=lambda: outcome.update(
            submission=quiz_attempt_submit(attempt_id=attempt.pk, user=learner)
        ),
    )

    graded = outcome["submission"].attempt
    assert graded.status == QuizAttempt.Status.SUBMITTED
    assert graded.score == graded.max_score > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_autosaves_at_the_moment_of_submit_are_each_graded_or_refused(learner, course, category):
    """Saves of every question and a submit let go at once: each save the learner was told
    succeeded is in the grade, and each refused one left nothing behind."""
    _skip_without_row_locks()
    attempt, rights = attempt_with_rights(learner, course, category, count=6)
    saved, refused = set(), set()

    def act(position):
        if position == 0:
            quiz_attempt_submit(attempt_id=attempt.pk, user=learner)
            return
        try:
            quiz_answer_save(
                user=learner, attempt_id=attempt.pk, position=position, response=rights[position]
            )
            saved.add(position)
        except AttemptClosed:
            refused.add(position)

    run_at_once(act, [(position,) for position in [0, *rights]])

    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert saved | refused == set(rights) and not saved & refused
    rows = {row.position: row for row in attempt.questions.all()}
    assert {p for p, row in rows.items() if row.response is not None} == saved
    assert {p for p, row in rows.items() if row.score == row.points} == saved
    assert attempt.score == len(saved)


def test_the_periodic_job_grades_abandoned_attempts(learner, course, category):
    quiz = make_quiz(
        course, questions=[make_question(category)], kind="pretest", time_limit_minutes=5
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    _, by_text = answer_key(attempt)[1]
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=1,
        response=by_text["<p>Benar sekali</p>"],
    )
    assert quiz_attempts_expire() == 0  # not due yet

    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert quiz_attempts_expire_task.delay().get() == 1

    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED
    assert attempt.percent == 100
    assert quiz_attempts_expire() == 0


def test_a_required_posttest_completes_the_course_when_passed(client, learner, course, category):
    questions = [make_question(category, title=f"P{i}") for i in range(2)]
    quiz = make_quiz(course, questions=questions, pass_mark=70)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == Enrollment.Status.ACTIVE  # the post-test is still missing

    # a failed attempt does not complete it
    failed = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(attempt_id=failed.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    # a passing one, through the pages, does
    client.force_login(learner)
    client.post(reverse("kursus:quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get(user=learner, quiz=quiz, status="in_progress")
    form = {"next": "summary"}
    for position, (_row, by_text) in answer_key(attempt).items():
        form[f"q{position}"] = by_text["<p>Benar sekali</p>"]
    client.post(reverse("kursus:attempt_save", args=[attempt.pk]), form)
    client.post(reverse("kursus:attempt_submit", args=[attempt.pk]))

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert JPCredit.objects.filter(user=learner, course=course).count() == 1
    course_html = client.get(course.url).content.decode()
    assert "nilai 100" in course_html
    dashboard = client.get(reverse("kursus:dashboard")).content.decode()
    assert "<td>100</td>" in dashboard  # the final score beside the completed course


@pytest.mark.parametrize("questions", [2, 15])
def test_autosave_and_submit_send_a_fixed_number_of_statements(
    learner, course, category, questions, django_assert_num_queries
):
    """Whatever the number of questions. An autosave: the attempt locked with the question
    read, the answer written. A submit: the attempt locked with its quiz's pass mark, the
    questions and their options read, the scores and the grade written. A repeated submit:
    the attempt locked and found graded. Each in a transaction (here a savepoint and its
    release, as the test runs in one)."""
    for i in range(questions):
        make_question(category, title=f"B{i}")
    quiz = make_quiz(course, kind="pretest", draws=[(category, questions)])
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    option = attempt.questions.get(position=1).tokens["options"][0]

    with django_assert_num_queries(4):
        quiz_answer_save(user=learner, attempt_id=attempt.pk, position=1, response=option)
    with django_assert_num_queries(7):
        submission = quiz_attempt_submit(attempt_id=attempt.pk)
    with django_assert_num_queries(3):
        again = quiz_attempt_submit(attempt_id=attempt.pk)

    assert submission.graded and not submission.attempt.passed  # so it completes nothing
    assert not submission.course_completed
    assert not again.graded


def test_submit_stores_each_question_score_exactly(learner, course, category):
    """Partial credit per question is kept as graded (item analysis reads it back)."""
    quiz = make_quiz(
        course,
        questions=[
            make_question(category, "multiple", points=3, title="M"),
            make_question(category, "single", points=2, title="S"),
            make_question(category, "short", title="K"),
        ],
        kind="pretest",
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    by_title = {row.question.title: row for row in attempt.questions.select_related("question")}
    right_half = next(
        o.pk for o in by_title["M"].question.options.all() if o.fraction == Decimal("0.5")
    )
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=by_title["M"].position,
        response=[by_title["M"].option_tokens[right_half]],
    )
    wrong = next(o.pk for o in by_title["S"].question.options.all() if o.fraction == 0)
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=by_title["S"].position,
        response=by_title["S"].option_tokens[wrong],
    )
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=by_title["K"].position,
        response=" BAWASLU ",
    )

    quiz_attempt_submit(attempt_id=attempt.pk)

    scores = {row.question.title: row.score for row in attempt.questions.select_related("question")}
    assert scores == {"M": Decimal("1.5"), "S": Decimal("0"), "K": Decimal("1")}
    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.5")
