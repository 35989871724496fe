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


# A pre-test the learner cannot start holds nothing back: no one is shut out of the lessons.


def test_a_pretest_without_questions_left_does_not_lock_the_lessons(client, learner, category):
    # given: a pre-test drawing 2 questions from a category, then every one of them deactivated
    from kursus.models import Question

    course = make_course("PRE-X", modules=(2,), sequential=False)
    make_question(category, "single")
    make_question(category, "single")
    pretest = make_quiz(course, kind="pretest", draws=[(category, 2)], attempts_allowed=1)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    Question.objects.filter(category=category).update(is_active=False)
    first = course_lessons(course)[0]
    lesson_opened_ago(learner, first, minutes=60)

    # when
    page = client.get(first.url)
    marked = client.post(reverse("kursus:complete_lesson", args=[first.pk]))
    course_page = client.get(course.url).content.decode()

    # then: the lesson opens and can be marked; the course page does not send them to it
    assert page.status_code == 200
    assert "Tandai selesai dan lanjutkan" in page.content.decode()
    assert marked.status_code == 302 and marked.url != pretest.url
    assert LessonProgress.objects.filter(user=learner, lesson=first).exists()
    assert "kerjakan pre-test" not in course_page


def test_a_pretest_whose_chosen_question_was_deactivated_does_not_lock_the_lessons(
    client, learner, course_with_pretest
):
    # given: the pre-test's only (chosen) question deactivated in the bank
    from kursus.models import Question

    course, pretest = course_with_pretest
    enrollment_create(user=learner, course=course)
    chosen = pretest.slots.values_list("question_id", flat=True)
    Question.objects.filter(id__in=list(chosen)).update(is_active=False)
    client.force_login(learner)

    # when
    response = client.get(course_lessons(course)[0].url)

    # then
    assert response.status_code == 200
    assert "Tandai selesai dan lanjutkan" in response.content.decode()


def test_a_pretest_past_the_learners_own_deadline_does_not_lock_the_lessons(
    client, learner, course_with_pretest
):
    # given: the trainer's personal deadline for this learner has passed
    from kursus.models import AttemptAllowance

    course, pretest = course_with_pretest
    enrollment_create(user=learner, course=course)
    AttemptAllowance.objects.create(
        user=learner, quiz=pretest, closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    first = course_lessons(course)[0]
    lesson_opened_ago(learner, first, minutes=60)
    client.force_login(learner)

    # when
    page = client.get(first.url)
    marked = client.post(reverse("kursus:complete_lesson", args=[first.pk]))

    # then
    assert page.status_code == 200
    assert marked.status_code == 302 and marked.url != pretest.url
    assert LessonProgress.objects.filter(user=learner, lesson=first).exists()


def test_a_pretest_that_opens_later_does_not_lock_the_lessons_until_it_opens(
    client, learner, course_with_pretest
):
    # given: the pre-test opens in a week
    course, pretest = course_with_pretest
    pretest.opens_at = timezone.now() + datetime.timedelta(days=7)
    pretest.save_revision().publish()
    enrollment_create(user=learner, course=course)
    first = course_lessons(course)[0]
    client.force_login(learner)

    # when
    waiting = client.get(first.url)
    pretest.opens_at = timezone.now() - datetime.timedelta(minutes=1)
    pretest.save_revision().publish()
    opened = client.get(first.url)

    # then: the lessons are open meanwhile; once it opens, it comes first again
    assert waiting.status_code == 200
    assert opened.status_code == 302 and opened.url == pretest.url


def test_a_pretest_that_still_can_be_taken_holds_the_enrolment_at_it(
    client, learner, course_with_pretest
):
    # given: a learner's own deadline still ahead
    from kursus.models import AttemptAllowance

    course, pretest = course_with_pretest
    AttemptAllowance.objects.create(
        user=learner, quiz=pretest, closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(learner)

    # when
    response = client.post(reverse("kursus:enroll", args=[course.pk]))

    # then
    assert response.status_code == 302 and response.url == pretest.url


# The course's other quizzes wait for the pre-test too.


@pytest.mark.parametrize("sequential", [False, True])
def test_the_posttest_cannot_be_started_before_the_pretest(client, learner, category, sequential):
    # given: a course with a pre-test and a post-test; nothing done yet
    course = make_course("PRE-Z", modules=(2,), sequential=sequential)
    make_quiz(
        course,
        kind="pretest",
        title="Pre-test PRE-Z",
        questions=[make_question(category)],
        attempts_allowed=1,
    )
    posttest = make_quiz(
        course, kind="posttest", questions=[make_question(category)], attempts_allowed=1
    )
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    # when: the learner posts the post-test's start directly, and opens its page
    response = client.post(reverse("kursus:quiz_start", args=[posttest.pk]), follow=True)
    page = client.get(posttest.url).content.decode()

    # then: no attempt; the learner is told to take the pre-test first
    assert not QuizAttempt.objects.filter(user=learner, quiz=posttest).exists()
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Kerjakan dulu Pre-test PRE-Z" in text
    assert "Kerjakan dulu Pre-test PRE-Z" in page


def test_the_posttest_opens_once_the_pretest_is_submitted(client, learner, category):
    # given
    course = make_course("PRE-V", modules=(1,), sequential=False)
    pretest = make_quiz(
        course, kind="pretest", questions=[make_question(category)], attempts_allowed=1
    )
    posttest = make_quiz(
        course, kind="posttest", questions=[make_question(category)], attempts_allowed=1
    )
    enrollment_create(user=learner, course=course)
    quiz_attempt_submit(attempt_id=quiz_attempt_start(user=learner, quiz=pretest).pk)

    # when
    attempt = quiz_attempt_start(user=learner, quiz=posttest)

    # then
    assert attempt.quiz_id == posttest.pk and attempt.is_open


def test_a_posttest_is_not_held_by_a_pretest_that_cannot_be_taken(client, learner, category):
    # given: a pre-test that closed before the learner took it
    course = make_course("PRE-U", modules=(1,), sequential=False)
    make_quiz(
        course,
        kind="pretest",
        questions=[make_question(category)],
        attempts_allowed=1,
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    posttest = make_quiz(
        course, kind="posttest", questions=[make_question(category)], attempts_allowed=1
    )
    enrollment_create(user=learner, course=course)

    # when
    attempt = quiz_attempt_start(user=learner, quiz=posttest)

    # then
    assert attempt.quiz_id == posttest.pk
