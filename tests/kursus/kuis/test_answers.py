"""Saving answers: the deadline and its grace, and the autosave over HTTP."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kursus.kuis.services import (
    AttemptClosed,
    quiz_answer_save,
    quiz_attempt_start,
)
from kursus.models import QuizAttempt

from ...factories import make_question, make_quiz
from .answering import answer_key

pytestmark = pytest.mark.django_db


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
