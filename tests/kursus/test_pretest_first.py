"""The pre-test comes before the first lesson: enrolling and "Mulai" lead to it, and the
lessons stay closed (by URL and by a bare mark) until it is submitted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kursus.kuis.attempts import quiz_attempt_start
from kursus.kuis.submit import quiz_attempt_submit
from kursus.models import LessonProgress, QuizAttempt
from kursus.services import enrollment_create

from ..factories import course_lessons, lesson_opened_ago, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_pretest(category):
    course = make_course("PRE-01", modules=(2,))
    pretest = make_quiz(
        course,
        kind="pretest",
        title="Pre-test PRE-01",
        questions=[make_question(category, "single")],
        attempts_allowed=1,
    )
    make_quiz(course, kind="posttest", questions=[make_question(category, "single")])
    return course, pretest


@pytest.fixture
def category():
    from kursus.models import QuestionCategory

    return QuestionCategory.objects.create(name="Pre-test")


def test_enrolling_leads_to_the_pretest(client, learner, course_with_pretest):
    course, pretest = course_with_pretest
    client.force_login(learner)

    response = client.post(reverse("kursus:enroll", args=[course.pk]))

    assert response.status_code == 302
    assert response.url == pretest.url


def test_the_course_page_starts_with_the_pretest(client, learner, course_with_pretest):
    # given
    course, pretest = course_with_pretest
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    # when
    before = client.get(course.url).content.decode()
    quiz_attempt_submit(attempt_id=quiz_attempt_start(user=learner, quiz=pretest).pk)
    after = client.get(course.url).content.decode()

    # then
    assert f'<a class="btn" href="{pretest.url}">Mulai: kerjakan pre-test</a>' in before
    assert "Mulai belajar" not in before
    assert "Mulai belajar" in after and "kerjakan pre-test" not in after


def test_a_lesson_is_closed_until_the_pretest_is_submitted(client, learner, course_with_pretest):
    # given
    course, pretest = course_with_pretest
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    # when: by URL, and with an attempt started but not submitted
    response = client.get(lesson.url, follow=True)
    quiz_attempt_start(user=learner, quiz=pretest)
    in_progress = client.get(lesson.url)

    # then: redirected to the pre-test, with a message naming it
    assert response.redirect_chain[0] == (pretest.url, 302)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Kerjakan dulu Pre-test PRE-01" in text
    assert in_progress.status_code == 302 and in_progress.url == pretest.url

    # when the pre-test is submitted
    attempt = QuizAttempt.objects.get(user=learner, quiz=pretest)
    quiz_attempt_submit(attempt_id=attempt.pk)
    opened = client.get(lesson.url)

    # then
    assert opened.status_code == 200
    assert "Tandai selesai dan lanjutkan" in opened.content.decode()


def test_a_lesson_cannot_be_marked_before_the_pretest(client, learner, course_with_pretest):
    # given: the learner opened the lesson before the course got its pre-test
    course, pretest = course_with_pretest
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    lesson_opened_ago(learner, lesson, minutes=60)
    client.force_login(learner)

    # when
    response = client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))

    # then
    assert response.status_code == 302 and response.url == pretest.url
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_an_attempt_whose_time_ran_out_counts_as_taken(client, learner, course_with_pretest):
    course, pretest = course_with_pretest
    enrollment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=pretest)
    quiz_attempt_submit(attempt_id=attempt.pk, expired=True)
    client.force_login(learner)

    response = client.get(course_lessons(course)[0].url)

    assert QuizAttempt.objects.get(pk=attempt.pk).status == QuizAttempt.Status.EXPIRED
    assert response.status_code == 200


def test_a_closed_pretest_does_not_lock_the_course(client, learner, course_with_pretest):
    course, pretest = course_with_pretest
    pretest.closes_at = timezone.now() - datetime.timedelta(days=1)
    pretest.opens_at = timezone.now() - datetime.timedelta(days=30)
    pretest.save_revision().publish()
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    response = client.get(course_lessons(course)[0].url)

    assert response.status_code == 200


def test_a_course_without_a_pretest_opens_its_first_lesson(client, learner):
    course = make_course("NOPRE-01", modules=(1,))
    client.force_login(learner)

    response = client.post(reverse("kursus:enroll", args=[course.pk]))

    assert response.url == course_lessons(course)[0].url


def test_a_learner_who_completed_the_course_rereads_without_the_pretest(
    client, learner, course_with_pretest
):
    # given: completed before the course had its pre-test
    from kursus.models import Enrollment

    course, _pretest = course_with_pretest
    enrollment_create(user=learner, course=course)
    Enrollment.objects.filter(user=learner).update(status=Enrollment.Status.COMPLETED)
    client.force_login(learner)

    response = client.get(course_lessons(course)[0].url)

    assert response.status_code == 200
