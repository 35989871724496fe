"""Starting an attempt: frozen at start and resumed, its own draw, the attempts allowed, who may
start, and what a start reads."""

import random

import pytest

from kursus.kuis.bank import question_bulk_deactivate
from kursus.kuis.services import (
    QuizError,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from kursus.models import QuizAttempt
from kursus.services import enrollment_create

from ...factories import make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("bank_size", [5, 40])
def test_starting_an_attempt_reads_the_same_whatever_the_bank(
    learner, course, category, bank_size, django_assert_num_queries
):
    for i in range(bank_size):
        make_question(category, title=f"B{i}")
    quiz = make_quiz(course, kind="pretest", draws=[(category, 5)], attempts_allowed=0)
    for _ in range(2):  # past attempts must not matter either
        quiz_attempt_submit(attempt_id=quiz_attempt_start(user=learner, quiz=quiz).pk)

    # 12, and the learner's allowance row read under lock in its own transaction (3)
    with django_assert_num_queries(15):
        quiz_attempt_start(user=learner, quiz=quiz)


def test_a_deactivated_question_goes_into_no_new_attempt_but_stays_in_one_under_way(
    learner, course, category, make_employee
):
    # given a quiz that names two questions, one of which a learner's open attempt holds
    kept = make_question(category, title="Soal tetap")
    retired = make_question(category, title="Soal usang")
    quiz = make_quiz(course, kind="pretest", questions=[kept, retired])
    under_way = quiz_attempt_start(user=learner, quiz=quiz)
    other = make_employee("32.04").user
    enrollment_create(user=other, course=course)

    # when the trainer deactivates the second one
    question_bulk_deactivate(questions=[retired])
    fresh = quiz_attempt_start(user=other, quiz=quiz)

    # then a new attempt leaves it out, the one under way keeps what it froze
    assert [aq.question_id for aq in fresh.questions.all()] == [kept.pk]
    assert fresh.max_score == kept.points
    assert [aq.question_id for aq in under_way.questions.all()] == [kept.pk, retired.pk]


def test_a_quiz_whose_only_chosen_question_is_deactivated_starts_no_attempt(
    learner, course, category
):
    # given a quiz over one chosen question, deactivated
    retired = make_question(category, title="Soal usang")
    quiz = make_quiz(course, kind="pretest", questions=[retired])
    question_bulk_deactivate(questions=[retired])

    # when / then the learner is told the quiz has no questions, and no attempt is left
    with pytest.raises(QuizError, match="belum berisi soal"):
        quiz_attempt_start(user=learner, quiz=quiz)
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()
