"""After the last failed attempt: a new round after a wait, or a request to the trainer; the
trainer's overrides with their history; all enforced by the start of an attempt."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kursus.kuis.services import (
    QuizError,
    attempt_override_grant,
    attempt_request_create,
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from kursus.kuis.standing import (
    STEP_ASK,
    STEP_REQUESTED,
    STEP_START,
    STEP_TAKEN,
    STEP_WAIT,
    quiz_standing,
)
from kursus.models import AttemptAllowance, AttemptOverride, AttemptRequest, QuizAttempt
from kursus.services import enrollment_create

from ...factories import make_course, make_question, make_quiz
from .answering import answer_key

pytestmark = pytest.mark.django_db


def _fail(learner, quiz):
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    return quiz_attempt_submit(attempt_id=attempt.pk).attempt  # nothing answered: 0


def _pass(learner, quiz):
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    for position, (_row, tokens) in answer_key(attempt).items():
        quiz_answer_save(
            user=learner,
            attempt_id=attempt.pk,
            position=position,
            response=tokens["<p>Benar sekali</p>"],
        )
    return quiz_attempt_submit(attempt_id=attempt.pk).attempt


@pytest.fixture
def course(learner):
    """A course the learner may take the tests of at once (not in order)."""
    course = make_course("KUI-01", modules=(2,), sequential=False)
    enrollment_create(user=learner, course=course)
    return course


@pytest.fixture
def quiz(course, category):
    return make_quiz(
        course,
        kind="posttest",
        questions=[make_question(category, title="P1"), make_question(category, title="P2")],
        attempts_allowed=2,
    )


def test_the_start_refuses_when_every_attempt_is_used_and_says_what_comes_next(learner, quiz):
    # given
    _fail(learner, quiz)
    _fail(learner, quiz)

    # when
    with pytest.raises(QuizError) as refused:
        quiz_attempt_start(user=learner, quiz=quiz)

    # then
    assert "sudah habis" in str(refused.value)
    assert "meminta kesempatan tambahan kepada pelatih" in str(refused.value)
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 2


def test_a_double_clicked_start_of_the_last_attempt_opens_one(learner, quiz):
    # given
    _fail(learner, quiz)

    # when: two clicks on "Coba lagi"
    first = quiz_attempt_start(user=learner, quiz=quiz)
    second = quiz_attempt_start(user=learner, quiz=quiz)

    # then
    assert first.pk == second.pk and first.number == 2
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 2
    quiz_attempt_submit(attempt_id=first.pk)
    with pytest.raises(QuizError):
        quiz_attempt_start(user=learner, quiz=quiz)


def test_a_passed_quiz_with_no_attempt_left_is_not_a_dead_end(learner, quiz):
    _fail(learner, quiz)
    _pass(learner, quiz)

    with pytest.raises(QuizError) as refused:
        quiz_attempt_start(user=learner, quiz=quiz)

    assert "sudah lulus" in str(refused.value)


def test_the_wait_policy_opens_a_new_round_at_the_end_of_the_wait(learner, quiz):
    # given: both attempts failed, the quiz waits 3 days
    quiz.after_last_attempt = "wait"
    quiz.retry_wait_days = 3
    quiz.save()
    _fail(learner, quiz)
    last = _fail(learner, quiz)
    reopens_at = last.finished_at + timedelta(days=3)

    # then: refused up to the boundary, open from it
    just_before = quiz_standing(user=learner, quiz=quiz, now=reopens_at - timedelta(seconds=1))
    assert just_before.next_step == STEP_WAIT and just_before.reopens_at == reopens_at
    at_boundary = quiz_standing(user=learner, quiz=quiz, now=reopens_at)
    assert at_boundary.next_step == STEP_START and at_boundary.remaining == 2
    with pytest.raises(QuizError) as refused:
        quiz_attempt_start(user=learner, quiz=quiz)
    assert "Kesempatan baru dibuka pada" in str(refused.value)

    # when: the wait is over
    QuizAttempt.objects.filter(user=learner, quiz=quiz).update(
        finished_at=timezone.now() - timedelta(days=3, seconds=1)
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)

    # then: round 2, with its own two attempts; the history stays
    assert attempt.number == 3
    assert AttemptAllowance.objects.get(user=learner, quiz=quiz).round == 2
    standing = quiz_standing(user=learner, quiz=quiz)
    assert standing.round == 2 and standing.used == 1 and standing.remaining == 1
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 3


def test_a_request_is_sent_once_and_a_granted_attempt_closes_it(learner, trainer, quiz):
    # given
    _fail(learner, quiz)
    _fail(learner, quiz)
    assert quiz_standing(user=learner, quiz=quiz).next_step == STEP_ASK

    # when: asked twice (a double click)
    first = attempt_request_create(user=learner, quiz=quiz)
    second = attempt_request_create(user=learner, quiz=quiz)

    # then
    assert first.pk == second.pk
    assert AttemptRequest.objects.filter(user=learner, quiz=quiz).count() == 1
    assert quiz_standing(user=learner, quiz=quiz).next_step == STEP_REQUESTED

    # when: the trainer grants an extra attempt
    override = attempt_override_grant(
        quiz=quiz,
        user=learner,
        granted_by=trainer,
        kind="attempts",
        amount=1,
        reason="Sakit saat ujian",
    )

    # then: the request is closed, audited, and the learner may start once more
    first.refresh_from_db()
    assert first.status == "granted" and first.override == override
    assert (override.granted_by, override.reason, override.amount) == (
        trainer,
        "Sakit saat ujian",
        1,
    )
    assert quiz_attempt_start(user=learner, quiz=quiz).number == 3
    QuizAttempt.objects.filter(user=learner, quiz=quiz, number=3).update(
        status="submitted", percent=0
    )
    # failing that one too, they may ask again (a new dead end)
    assert quiz_standing(user=learner, quiz=quiz).next_step == STEP_ASK
    assert attempt_request_create(user=learner, quiz=quiz).pk != first.pk


def test_a_request_before_the_dead_end_is_refused(learner, quiz):
    _fail(learner, quiz)

    with pytest.raises(QuizError):
        attempt_request_create(user=learner, quiz=quiz)

    assert not AttemptRequest.objects.exists()


@pytest.mark.parametrize(
    "kind,amount,reason",
    [
        ("attempts", 1, "  "),
        ("attempts", 0, "Alasan"),
        ("attempts", 99, "Alasan"),
        ("time", 5, "Alasan"),  # the quiz has no time limit
        ("deadline", None, "Alasan"),
        ("other", 1, "Alasan"),
    ],
)
def test_a_bad_override_changes_nothing(learner, trainer, quiz, kind, amount, reason):
    with pytest.raises(QuizError):
        attempt_override_grant(
            quiz=quiz, user=learner, granted_by=trainer, kind=kind, amount=amount, reason=reason
        )

    assert not AttemptOverride.objects.exists()
    assert not AttemptAllowance.objects.filter(extra_attempts__gt=0).exists()


def test_more_time_lengthens_the_next_attempts(learner, trainer, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()

    attempt_override_grant(
        quiz=quiz, user=learner, granted_by=trainer, kind="time", amount=5, reason="Disabilitas"
    )
    attempt = quiz_attempt_start(user=learner, quiz=quiz)

    length = attempt.deadline - attempt.started_at
    assert length == timedelta(minutes=15)


def test_a_new_deadline_reopens_a_closed_quiz_for_that_learner_only(
    learner, trainer, quiz, make_employee, course
):
    from kursus.services import enrollment_create

    # given: the quiz closed yesterday
    quiz.closes_at = timezone.now() - timedelta(days=1)
    quiz.save()
    other = make_employee("32.04").user
    enrollment_create(user=other, course=course)
    with pytest.raises(QuizError, match="ditutup"):
        quiz_attempt_start(user=learner, quiz=quiz)

    # when
    new_deadline = timezone.now() + timedelta(days=2)
    attempt_override_grant(
        quiz=quiz,
        user=learner,
        granted_by=trainer,
        kind="deadline",
        closes_at=new_deadline,
        reason="Tugas lapangan saat kuis dibuka",
    )

    # then
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    assert attempt.deadline == new_deadline
    with pytest.raises(QuizError, match="ditutup"):
        quiz_attempt_start(user=other, quiz=quiz)


def test_a_later_deadline_keeps_the_key_hidden_until_it(learner, trainer, quiz):
    from kursus.kuis.selectors import REVEAL_FULL, REVEAL_NONE, review_level

    # given: the key shows after the quiz closes; the learner failed once
    quiz.review = "afterclose"
    quiz.closes_at = timezone.now() + timedelta(hours=1)
    quiz.save()
    attempt = _fail(learner, quiz)
    attempt_override_grant(
        quiz=quiz,
        user=learner,
        granted_by=trainer,
        kind="deadline",
        closes_at=timezone.now() + timedelta(days=3),
        reason="Cuti melahirkan",
    )

    # then: after the quiz closes, not yet for them; after their own deadline, yes
    after_close = timezone.now() + timedelta(hours=2)
    assert review_level(attempt, now=after_close) == REVEAL_NONE
    assert review_level(attempt, now=timezone.now() + timedelta(days=4)) == REVEAL_FULL


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_once_open_one_new_round_and_one_attempt(learner, quiz):
    """The second start waits for the first one's lock on the learner's allowance row, then
    finds the attempt it started: one new round, one attempt."""
    from django.db import connection

    from kursus.models import AttemptAllowance

    from ...concurrency import run_while_locked

    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (SQLite's write lock already serialises the two)")
    quiz.after_last_attempt = "wait"
    quiz.retry_wait_days = 1
    quiz.save()
    _fail(learner, quiz)
    _fail(learner, quiz)
    QuizAttempt.objects.filter(user=learner, quiz=quiz).update(
        finished_at=timezone.now() - timedelta(days=2)
    )
    started = {}

    def first():
        AttemptAllowance.objects.select_for_update().get_or_create(user=learner, quiz=quiz)

    run_while_locked(
        lock=first,
        then=lambda: started.update(first=quiz_attempt_start(user=learner, quiz=quiz)),
        waiter=lambda: started.update(second=quiz_attempt_start(user=learner, quiz=quiz)),
    )

    assert started["first"].pk == started["second"].pk
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 3
    assert AttemptAllowance.objects.get(user=learner, quiz=quiz).round == 2


def test_an_extra_attempt_granted_after_the_wait_comes_on_top_of_the_new_round(
    learner, trainer, quiz
):
    # given: a waiting quiz, both attempts failed, the wait over
    quiz.after_last_attempt = "wait"
    quiz.retry_wait_days = 3
    quiz.save()
    _fail(learner, quiz)
    _fail(learner, quiz)
    QuizAttempt.objects.filter(user=learner, quiz=quiz).update(
        finished_at=timezone.now() - timedelta(days=4)
    )

    # when: the trainer, answering an old message, grants one extra attempt
    attempt_override_grant(
        quiz=quiz, user=learner, granted_by=trainer, kind="attempts", amount=1, reason="Sakit"
    )

    # then: the new round of two, plus the one granted
    standing = quiz_standing(user=learner, quiz=quiz)
    assert standing.next_step == STEP_START
    assert standing.round == 2 and standing.used == 0 and standing.remaining == 3
    allowance = AttemptAllowance.objects.get(user=learner, quiz=quiz)
    assert (allowance.round, allowance.attempts_before, allowance.extra_attempts) == (2, 2, 1)
    for _ in range(3):
        _fail(learner, quiz)
    assert quiz_standing(user=learner, quiz=quiz).next_step == STEP_WAIT


def test_more_time_granted_after_the_wait_keeps_the_new_round(learner, trainer, quiz):
    # given
    quiz.after_last_attempt = "wait"
    quiz.retry_wait_days = 3
    quiz.time_limit_minutes = 20
    quiz.save()
    _fail(learner, quiz)
    _fail(learner, quiz)
    QuizAttempt.objects.filter(user=learner, quiz=quiz).update(
        finished_at=timezone.now() - timedelta(days=4)
    )

    # when
    attempt_override_grant(
        quiz=quiz, user=learner, granted_by=trainer, kind="time", amount=10, reason="Disabilitas"
    )

    # then
    standing = quiz_standing(user=learner, quiz=quiz)
    assert standing.round == 2 and standing.remaining == 2
    assert standing.time_limit_minutes == 30


def test_a_pre_test_has_no_dead_end_no_new_round_and_no_request(learner, course, category):
    # given: a pre-test whose policy would wait for a new round, failed on its one attempt
    pretest = make_quiz(
        course,
        kind="pretest",
        questions=[make_question(category, title="Awal")],
        attempts_allowed=1,
        after_last_attempt="wait",
        retry_wait_days=1,
        slug="pre-test",
    )
    _fail(learner, pretest)
    QuizAttempt.objects.filter(user=learner, quiz=pretest).update(
        finished_at=timezone.now() - timedelta(days=30)
    )

    # when
    standing = quiz_standing(user=learner, quiz=pretest)

    # then: taken, the lessons come next; no round, no request
    assert standing.next_step == STEP_TAKEN and not standing.new_round
    with pytest.raises(QuizError, match="lanjutkan ke materi"):
        quiz_attempt_start(user=learner, quiz=pretest)
    with pytest.raises(QuizError):
        attempt_request_create(user=learner, quiz=pretest)
    assert not AttemptRequest.objects.exists()
    assert QuizAttempt.objects.filter(user=learner, quiz=pretest).count() == 1


def test_a_request_is_closed_by_a_deadline_that_reopens_a_closed_quiz(learner, trainer, quiz):
    # given: the learner asked; then the quiz closed
    _fail(learner, quiz)
    _fail(learner, quiz)
    request = attempt_request_create(user=learner, quiz=quiz)
    quiz.attempts_allowed = 3  # the trainer gives everyone one more attempt...
    quiz.closes_at = timezone.now() - timedelta(hours=1)  # ...but the quiz has closed
    quiz.save()

    # when: the trainer gives this learner a later deadline
    override = attempt_override_grant(
        quiz=quiz,
        user=learner,
        granted_by=trainer,
        kind="deadline",
        closes_at=timezone.now() + timedelta(days=2),
        reason="Terlambat karena tugas",
    )

    # then: no longer at their dead end, their request is answered by the grant
    request.refresh_from_db()
    assert request.status == "granted" and request.override == override
    assert quiz_standing(user=learner, quiz=quiz).next_step == STEP_START


def test_more_time_alone_leaves_the_request_waiting(learner, trainer, quiz):
    # given
    quiz.time_limit_minutes = 20
    quiz.save()
    _fail(learner, quiz)
    _fail(learner, quiz)
    request = attempt_request_create(user=learner, quiz=quiz)

    # when: more time, but no attempt
    attempt_override_grant(
        quiz=quiz, user=learner, granted_by=trainer, kind="time", amount=10, reason="Disabilitas"
    )

    # then: still at the dead end, still waiting on the trainer
    request.refresh_from_db()
    assert request.status == "pending"
    assert quiz_standing(user=learner, quiz=quiz).next_step == STEP_REQUESTED


def test_a_request_from_an_earlier_dead_end_does_not_answer_a_later_one(learner, trainer, quiz):
    # given: a request sent under the "ask" policy, then the quiz switched to "wait"
    _fail(learner, quiz)
    _fail(learner, quiz)
    attempt_request_create(user=learner, quiz=quiz)
    quiz.after_last_attempt = "wait"
    quiz.retry_wait_days = 1
    quiz.save()
    QuizAttempt.objects.filter(user=learner, quiz=quiz).update(
        finished_at=timezone.now() - timedelta(days=2)
    )
    _fail(learner, quiz)
    _fail(learner, quiz)

    # when: back to "ask", at the dead end of round 2
    quiz.after_last_attempt = "ask"
    quiz.save()
    standing = quiz_standing(user=learner, quiz=quiz)

    # then: they may ask again; the old request does not stand for this one
    assert standing.next_step == STEP_ASK
    assert attempt_request_create(user=learner, quiz=quiz).attempts_used == 4
