"""The quiz engine: grading of every type, attempts frozen at start, autosave, time on the
server, idempotent submit, the review policy, answers kept out of the page, and completion."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kursus.kuis.grading import OptionKey, response_fraction
from kursus.kuis.services import (
    AttemptClosed,
    QuizError,
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_attempts_expire,
)
from kursus.models import Enrollment, JPCredit, QuestionCategory, QuizAttempt
from kursus.services import enrollment_create, lesson_complete
from kursus.tasks import quiz_attempts_expire_task

from ...concurrency import run_at_once, run_while_locked
from ...factories import course_lessons, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Bank uji")


@pytest.fixture
def course(learner):
    course = make_course("KUI-01", modules=(2,))
    enrollment_create(user=learner, course=course)
    return course


def answer_key(attempt):
    """{position: (row, {option text: the attempt's token for it})} for answering in tests."""
    rows = {}
    for row in attempt.questions.select_related("question"):
        texts = {o.id: o.text for o in row.question.options.all()}
        rows[row.position] = (row, {texts[i]: token for i, token in row.option_tokens.items()})
    return rows


# Grading of each type


def keys(*specs):
    return [OptionKey(id=i, fraction=Decimal(str(f)), text=t, match=m) for i, f, t, m in specs]


def test_single_choice_gives_the_option_value():
    options = keys((1, 1, "", ""), (2, 0, "", ""), (3, "0.5", "", ""))
    assert response_fraction("single", options, 1) == 1
    assert response_fraction("single", options, "3") == Decimal("0.5")
    assert response_fraction("single", options, 2) == 0
    assert response_fraction("single", options, 99) == 0
    assert response_fraction("single", options, None) == 0


def test_multiple_response_gives_partial_credit_and_never_below_zero():
    options = keys((1, "0.5", "", ""), (2, "0.5", "", ""), (3, -1, "", ""), (4, "-0.25", "", ""))
    assert response_fraction("multiple", options, [1, 2]) == 1
    assert response_fraction("multiple", options, [1]) == Decimal("0.5")
    assert response_fraction("multiple", options, [1, 4]) == Decimal("0.25")
    assert response_fraction("multiple", options, [1, 3]) == 0  # -0.5 floors at zero
    assert response_fraction("multiple", options, [1, 1, 1]) == Decimal("0.5")  # no stuffing


def test_short_answer_ignores_case_and_spaces():
    options = keys((1, 1, "Badan Pengawas Pemilu", ""), (2, "0.5", "Bawaslu", ""))
    assert response_fraction("short", options, "  badan   PENGAWAS pemilu ") == 1
    assert response_fraction("short", options, "BAWASLU") == Decimal("0.5")
    assert response_fraction("short", options, "KPU") == 0


def test_matching_counts_each_right_pair():
    options = keys((1, 0, "TPS", "Tempat"), (2, 0, "PKD", "Desa"), (3, 0, "PTPS", "Tempat"))
    # options 1 and 3 share an answer text, so choosing either one's id means "Tempat"
    assert response_fraction("matching", options, {"1": 3, "2": 2, "3": 1}) == 1
    assert response_fraction("matching", options, {"1": 2, "2": 2}) == Decimal(1) / 3


def test_true_false(learner, course, category):
    question = make_question(category, "truefalse")
    quiz = make_quiz(course, kind="pretest", questions=[question])
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    _, by_text = answer_key(attempt)[1]
    quiz_answer_save(
        user=attempt.user, attempt_id=attempt.pk, position=1, response=by_text["<p>Salah</p>"]
    )
    assert quiz_attempt_submit(attempt_id=attempt.pk).attempt.percent == 0


# Attempts


def test_an_attempt_is_frozen_at_start_and_resumed(learner, course, category):
    questions = [make_question(category, title=f"Q{i}") for i in range(10)]
    quiz = make_quiz(course, kind="pretest", draws=[(category, 4)], shuffle_options=True)

    attempt = quiz_attempt_start(user=learner, quiz=quiz, rng=random.Random(1))
    frozen = list(attempt.questions.values_list("question_id", "option_order"))
    again = quiz_attempt_start(user=learner, quiz=quiz, rng=random.Random(2))

    assert again.pk == attempt.pk
    assert list(again.questions.values_list("question_id", "option_order")) == frozen
    assert len(frozen) == 4
    assert {q for q, _ in frozen} <= {q.pk for q in questions}


def test_each_attempt_draws_its_own_questions(learner, course, category):
    for i in range(12):
        make_question(category, title=f"Q{i}")
    quiz = make_quiz(course, kind="pretest", draws=[(category, 3)])
    first = quiz_attempt_start(user=learner, quiz=quiz, rng=random.Random(1))
    quiz_attempt_submit(attempt_id=first.pk)
    second = quiz_attempt_start(user=learner, quiz=quiz, rng=random.Random(7))

    def drawn(a):
        return set(a.questions.values_list("question_id", flat=True))

    assert second.number == 2
    assert drawn(first) != drawn(second)


def test_attempts_allowed_is_enforced(learner, course, category):
    quiz = make_quiz(
        course, kind="pretest", questions=[make_question(category)], attempts_allowed=1
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(attempt_id=attempt.pk)
    with pytest.raises(QuizError, match="sudah habis"):
        quiz_attempt_start(user=learner, quiz=quiz)


def test_not_enrolled_cannot_start(client, make_employee, category):
    course = make_course("KUI-02", modules=(1,))
    quiz = make_quiz(course, questions=[make_question(category)], kind="pretest")
    outsider = make_employee("32.04").user
    with pytest.raises(QuizError, match="Daftar"):
        quiz_attempt_start(user=outsider, quiz=quiz)


def test_posttest_waits_for_the_lessons_in_an_in_order_course(learner, course, category):
    quiz = make_quiz(course, questions=[make_question(category)])
    with pytest.raises(QuizError, match="materi"):
        quiz_attempt_start(user=learner, quiz=quiz)
    pretest = make_quiz(course, questions=[make_question(category)], kind="pretest")
    assert quiz_attempt_start(user=learner, quiz=pretest).is_open


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


def _attempt_with_rights(learner, course, category, count=1):
    """A started attempt of a quiz of `count` questions, and {position: the token of its
    right option}."""
    questions = [make_question(category, title=f"R{i}") for i in range(count)]
    quiz = make_quiz(course, questions=questions, kind="pretest")
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    rights = {}
    for row in attempt.questions.select_related("question"):
        right = row.question.options.get(fraction=1).pk
        rights[row.position] = row.option_tokens[right]
    return attempt, rights


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
    attempt, rights = _attempt_with_rights(learner, course, category)
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
    attempt, rights = _attempt_with_rights(learner, course, category)
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
    attempt, rights = _attempt_with_rights(learner, course, category, count=6)
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


# Time on the server


def test_answers_after_the_deadline_and_grace_are_refused(learner, course, category):
    quiz = make_quiz(
        course, questions=[make_question(category)], kind="pretest", time_limit_minutes=10
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    _, by_text = answer_key(attempt)[1]
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=1,
        response=by_text["<p>Benar sekali</p>"],
    )

    # within the grace the answer still counts
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    attempt.refresh_from_db()
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=1,
        response=by_text["<p>Benar sekali</p>"],
    )

    # past the grace it is refused and the attempt is graded on what was saved
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    attempt.refresh_from_db()
    with pytest.raises(AttemptClosed):
        quiz_answer_save(
            user=attempt.user, attempt_id=attempt.pk, position=1, response=by_text["<p>Keliru</p>"]
        )
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED
    assert attempt.percent == 100


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


def test_autosave_over_http_reports_the_time_and_refuses_foreign_attempts(
    client, learner, make_employee, course, category
):
    quiz = make_quiz(course, questions=[make_question(category, "short")], kind="pretest")
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    url = reverse("kursus:attempt_answer", args=[attempt.pk])
    client.force_login(learner)

    reply = client.post(
        url, {"position": 1, "response": "bawaslu"}, content_type="application/json"
    )

    assert reply.status_code == 200
    assert reply.json()["ok"] is True and reply.json()["saved_at"]
    assert attempt.questions.get().response == "bawaslu"
    # a malformed answer is refused and changes nothing
    bad = client.post(url, {"position": 1, "response": [1, 2]}, content_type="application/json")
    assert bad.status_code == 400
    assert attempt.questions.get().response == "bawaslu"
    # someone else's attempt does not exist for them
    client.force_login(make_employee("32.04").user)
    other = client.post(url, {"position": 1, "response": "x"}, content_type="application/json")
    assert other.status_code == 404
    garbled = client.post(url, b"{", content_type="application/json")
    assert garbled.status_code == 404  # not even told that the body was wrong


def test_autosave_over_http_unknown_question_and_query_count(client, learner, course, category):
    quiz = make_quiz(course, questions=[make_question(category, "short")], kind="pretest")
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    url = reverse("kursus:attempt_answer", args=[attempt.pk])
    client.force_login(learner)
    saves = []
    for answer in ("a", "b"):  # the first one warms the caches
        with CaptureQueriesContext(connection) as queries:
            reply = client.post(
                url, {"position": 1, "response": answer}, content_type="application/json"
            )
        saves.append(len(queries))
    missing = client.post(url, {"position": 7, "response": "b"}, content_type="application/json")

    assert reply.status_code == 200
    assert attempt.questions.get().response == "b"
    # The question read with its attempt locked, the answer written: in a transaction (a
    # savepoint and its release here, as the test runs in one). Nothing else once the
    # learner's session is cached.
    assert saves[1] == 4
    assert missing.status_code == 400
    assert "Soal tidak ditemukan" in missing.json()["error"]


# What the browser sees


def test_the_attempt_page_carries_no_key(client, learner, course, category):
    quiz = make_quiz(
        course,
        kind="pretest",
        questions=[
            make_question(category, "single"),
            make_question(category, "short"),
            make_question(category, "matching"),
        ],
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)

    html = client.get(reverse("kursus:attempt", args=[attempt.pk])).content.decode()

    assert "Pertanyaan" in html and "Benar sekali" in html
    assert "UMPAN-BALIK" not in html  # no option or general feedback
    assert "Badan Pengawas Pemilu" not in html  # no accepted short answer
    assert "fraction" not in html and "kunci" not in html.lower()
    # matching: the answers are offered, but not next to their prompts in key order
    assert "Tempat Pemungutan Suara" in html


@pytest.mark.parametrize(
    ("review", "shows_marks", "shows_key"),
    [("score", False, False), ("rightwrong", True, False), ("full", True, True)],
)
def test_the_result_follows_the_review_policy(
    client, learner, course, category, review, shows_marks, shows_key
):
    quiz = make_quiz(course, kind="pretest", questions=[make_question(category)], review=review)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(attempt_id=attempt.pk)
    client.force_login(learner)

    html = client.get(reverse("kursus:attempt_result", args=[attempt.pk])).content.decode()

    assert ("Soal 1" in html) is shows_marks
    assert ("UMPAN-BALIK-UMUM" in html) is shows_key


def test_review_after_close_waits_for_the_close(client, learner, course, category):
    closes = timezone.now() + timedelta(days=1)
    quiz = make_quiz(
        course,
        kind="pretest",
        questions=[make_question(category)],
        review="afterclose",
        closes_at=closes,
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(attempt_id=attempt.pk)
    client.force_login(learner)
    url = reverse("kursus:attempt_result", args=[attempt.pk])
    assert "UMPAN-BALIK-UMUM" not in client.get(url).content.decode()

    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save_revision().publish()
    assert "UMPAN-BALIK-UMUM" in client.get(url).content.decode()


# Completion


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


def test_pre_and_post_scores_and_gain_show_on_the_course(client, learner, course, category):
    pre = make_quiz(
        course, kind="pretest", questions=[make_question(category), make_question(category)]
    )
    post = make_quiz(course, questions=[make_question(category), make_question(category)])
    a = quiz_attempt_start(user=learner, quiz=pre)
    _, by_text = answer_key(a)[1]
    quiz_answer_save(
        user=a.user, attempt_id=a.pk, position=1, response=by_text["<p>Benar sekali</p>"]
    )
    quiz_attempt_submit(attempt_id=a.pk)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    b = quiz_attempt_start(user=learner, quiz=post)
    for position, (_row, by_text) in answer_key(b).items():
        quiz_answer_save(
            user=b.user, attempt_id=b.pk, position=position, response=by_text["<p>Benar sekali</p>"]
        )
    quiz_attempt_submit(attempt_id=b.pk)
    client.force_login(learner)

    html = client.get(course.url).content.decode()

    assert "Pre-test 50" in html and "post-test 100" in html and "peningkatan 50 poin" in html


# Query counts


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


@pytest.mark.parametrize("bank_size", [5, 40])
def test_starting_an_attempt_reads_the_same_whatever_the_bank(learner, course, category, bank_size):
    for i in range(bank_size):
        make_question(category, title=f"B{i}")
    quiz = make_quiz(course, kind="pretest", draws=[(category, 5)], attempts_allowed=0)
    for _ in range(2):  # past attempts must not matter either
        quiz_attempt_submit(attempt_id=quiz_attempt_start(user=learner, quiz=quiz).pk)

    assert count_queries(lambda: quiz_attempt_start(user=learner, quiz=quiz)) == 12


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
