"""A course's evaluation questionnaire: the last requirement before the certificate."""

import pytest
from django.urls import reverse

from kursus.completion import course_requirements
from kursus.kuis.services import quiz_answer_save, quiz_attempt_start, quiz_attempt_submit
from kursus.models import Enrollment, JPCredit, QuestionCategory
from kursus.services import enrollment_create, lesson_complete
from sertifikat.models import Certificate

from ..factories import course_lessons, lesson_opened_ago, make_course, make_question, make_quiz
from ..kursus.kuis.answering import answer_key
from .factories import make_questionnaire, post_data

pytestmark = pytest.mark.django_db


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


def test_the_certificate_waits_for_the_questionnaire_then_is_issued_once(client, learner):
    # given: a course with a post-test and an evaluation questionnaire
    questionnaire = make_questionnaire()
    course = make_course("EVA-01", modules=(2,), sequential=False, questionnaire=questionnaire)
    category = QuestionCategory.objects.create(name="Bank uji")
    quiz = make_quiz(course, kind="posttest", questions=[make_question(category, title="P1")])
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    # when: every lesson is done and the post-test passed
    for lesson in course_lessons(course):
        lesson_opened_ago(learner, lesson)
        lesson_complete(user=learner, lesson=lesson)
    _pass(learner, quiz)

    # then: the course is not complete; the course page says what is left
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert not Certificate.objects.filter(user=learner).exists()
    kinds = [(r.kind, r.met) for r in course_requirements(user=learner, course=course)]
    assert kinds == [("lessons", True), ("quiz", True), ("questionnaire", False)]
    answer = reverse("kuesioner:answer", args=[f"kursus.course:{course.pk}"])
    page = client.get(course.url).content.decode()
    assert "Isi kuesioner evaluasi" in page and answer in page

    # when: the learner answers, twice (a double click)
    first = client.post(answer, post_data(questionnaire))
    second = client.post(answer, post_data(questionnaire))

    # then: completed once, with one JP credit and one certificate
    assert first.url == course.url and second.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(user=learner).count() == 1
    assert JPCredit.objects.filter(user=learner).count() == 1
    assert "Isi kuesioner evaluasi" not in client.get(course.url).content.decode()


def test_answering_early_completes_the_course_with_its_last_lesson(client, learner):
    questionnaire = make_questionnaire()
    course = make_course("EVA-02", modules=(1,), questionnaire=questionnaire)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    answer = reverse("kuesioner:answer", args=[f"kursus.course:{course.pk}"])

    client.post(answer, post_data(questionnaire))
    assert not Certificate.objects.exists()
    (lesson,) = course_lessons(course)
    lesson_opened_ago(learner, lesson)
    result = lesson_complete(user=learner, lesson=lesson)

    assert result.course_completed
    assert Certificate.objects.filter(user=learner).count() == 1


def test_only_enrolled_learners_may_answer_a_course_questionnaire(client, learner):
    questionnaire = make_questionnaire()
    course = make_course("EVA-03", modules=(1,), questionnaire=questionnaire)
    client.force_login(learner)

    response = client.get(reverse("kuesioner:answer", args=[f"kursus.course:{course.pk}"]))

    assert response.status_code == 404


def test_a_course_without_questionnaire_keeps_its_rule(learner):
    course = make_course("EVA-04", modules=(1,))
    enrollment_create(user=learner, course=course)

    kinds = [r.kind for r in course_requirements(user=learner, course=course)]

    assert kinds == ["lessons"]
