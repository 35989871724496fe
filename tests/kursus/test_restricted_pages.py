"""A course behind a view restriction (a password, a group) refuses the learning flow's writes
too, not only its pages: enrolling, marking a lesson done, starting or opening a quiz."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from kursus.models import Enrollment, LessonProgress, QuestionCategory, QuizAttempt
from kursus.services import enrollment_create, lesson_complete

from ..factories import course_lessons, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _password(page) -> PageViewRestriction:
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )


def test_enrolling_in_a_course_behind_a_password_asks_for_it_first(client, learner):
    course = make_course("RST-01", modules=(1,))
    _password(course)
    client.force_login(learner)

    response = client.post(reverse("kursus:enroll", args=[course.pk]))

    assert response.status_code == 302
    assert not Enrollment.objects.filter(user=learner).exists()
    assert 'name="password"' in client.get(response.url).content.decode()


def test_a_lesson_restricted_after_enrolment_cannot_be_marked_done(client, learner):
    course = make_course("RST-02", modules=(2,))
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    _password(course)
    client.force_login(learner)

    client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))

    assert not LessonProgress.objects.filter(user=learner).exists()


def test_a_group_restricted_quiz_cannot_be_started_or_opened(client, learner):
    course = make_course("RST-03", modules=(1,))
    quiz = make_quiz(course, questions=[make_question(QuestionCategory.objects.create(name="B"))])
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])  # the post-test opens
    client.force_login(learner)
    client.post(reverse("kursus:quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get(user=learner)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Hanya panitia"))

    client.post(reverse("kursus:quiz_start", args=[quiz.pk]))
    opened = client.get(reverse("kursus:attempt", args=[attempt.pk]))

    assert QuizAttempt.objects.filter(user=learner).count() == 1
    assert opened.status_code == 404


def test_moving_a_restricted_page_keeps_it_restricted(client, learner):
    # given a restricted course whose restricted paths are cached
    course = make_course("RST-04", modules=(1,))
    _password(course)
    client.force_login(learner)
    assert 'name="password"' in client.get(course.url).content.decode()

    # when it moves below another course (a new path)
    other = make_course("RST-05", modules=(1,))
    course.move(other, pos="last-child")
    course.refresh_from_db()

    # then it is still behind its password
    assert 'name="password"' in client.get(course.url).content.decode()
