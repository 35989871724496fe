"""What the browser sees: no key on the attempt page, the review policy, and the course page's
pre- and post-test grades."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kursus.kuis.services import (
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from kursus.services import lesson_complete

from ...factories import course_lessons, make_question, make_quiz
from .answering import answer_key

pytestmark = pytest.mark.django_db


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
