import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kursus.models import Enrollment, JPCredit, LessonProgress
from kursus.services import EnrollmentError, enrollment_create, lesson_complete

from ..factories import course_lessons, lesson_opened_ago, make_course

pytestmark = pytest.mark.django_db


def test_an_employee_enrols_studies_every_lesson_completes_and_gets_the_jp(client, learner):
    # given
    course = make_course("IKP-09", modules=(2, 1), jp=4)
    lessons = course_lessons(course)
    client.force_login(learner)

    # when: enrol from the course page, then "Tandai selesai dan lanjutkan" on each lesson
    response = client.post(reverse("kursus:enroll", args=[course.pk]))
    assert response.url == lessons[0].url
    for i, lesson in enumerate(lessons):
        page = client.get(lesson.url)
        assert page.status_code == 200
        assert "Tandai selesai dan lanjutkan" in page.content.decode()
        lesson_opened_ago(learner, lesson, minutes=lesson.duration_minutes)  # studied it
        response = client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))
        expected = lessons[i + 1].url if i + 1 < len(lessons) else course.url
        assert response.url == expected

    # then
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.progress_percent == 100
    assert enrollment.completed_at is not None
    credit = JPCredit.objects.get(user=learner)
    assert (credit.course_id, credit.jp, credit.year) == (
        course.pk,
        4,
        timezone.localdate().year,
    )
    dashboard = client.get(reverse("kursus:dashboard")).content.decode()
    assert "4</strong> / 20 JP" in dashboard
    assert "IKP-09" in dashboard


def test_course_page_shows_progress_and_continue_button(client, learner):
    course = make_course(modules=(2, 2))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)

    content = client.get(course.url).content.decode()

    assert "25% selesai (1 dari 4 materi)" in content
    assert "Lanjutkan belajar" in content
    assert f'href="{lessons[1].url}"' in content


def test_later_lessons_are_locked_even_by_url(client, learner):
    course = make_course(modules=(3,))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    response = client.get(lessons[2].url)

    assert response.status_code == 302
    assert response.url == lessons[0].url
    response = client.post(reverse("kursus:complete_lesson", args=[lessons[2].pk]))
    assert not LessonProgress.objects.filter(lesson=lessons[2]).exists()


def test_free_order_courses_open_any_lesson(client, learner):
    course = make_course(modules=(3,), sequential=False)
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    assert client.get(lessons[2].url).status_code == 200


def test_lessons_need_enrolment_and_login(client, learner):
    course = make_course(modules=(1,))
    lesson = course_lessons(course)[0]
    assert client.get(lesson.url).url.startswith(reverse("account_login"))
    client.force_login(learner)
    assert client.get(lesson.url).url == course.url


def test_double_click_on_mark_done_records_once(client, learner):
    course = make_course(modules=(1,), jp=2)
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    lesson_opened_ago(learner, lesson)
    client.force_login(learner)

    for _ in range(3):
        client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))

    assert LessonProgress.objects.filter(user=learner).count() == 1
    assert JPCredit.objects.filter(user=learner).count() == 1
    enrollment = Enrollment.objects.get(user=learner)
    first_completion = enrollment.completed_at
    lesson_complete(user=learner, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.completed_at == first_completion


def test_double_enrol_creates_one_enrolment(client, learner):
    course = make_course()
    client.force_login(learner)
    for _ in range(2):
        client.post(reverse("kursus:enroll", args=[course.pk]))
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_prerequisites_must_be_completed_first(client, learner):
    basic = make_course("IKP-01", modules=(1,))
    advanced = make_course("IKP-02", modules=(1,))
    advanced.prerequisites.add(basic)
    advanced.save_revision().publish()
    client.force_login(learner)

    page = client.get(advanced.url).content.decode()
    assert "Selesaikan dulu kursus prasyarat: IKP-01 Kursus IKP-01." in page
    with pytest.raises(EnrollmentError, match="prasyarat"):
        enrollment_create(user=learner, course=advanced)

    enrollment_create(user=learner, course=basic)
    lesson_complete(user=learner, lesson=course_lessons(basic)[0])
    assert enrollment_create(user=learner, course=advanced).status == "active"


@pytest.mark.parametrize(
    ("opens", "closes", "fragment"),
    [
        (datetime.timedelta(days=1), None, "baru dibuka"),
        (None, datetime.timedelta(days=-1), "sudah ditutup"),
    ],
)
def test_enrolment_window_is_enforced(client, learner, opens, closes, fragment):
    now = timezone.now()
    course = make_course(
        enrollment_opens_at=now + opens if opens else None,
        enrollment_closes_at=now + closes if closes else None,
    )
    client.force_login(learner)

    response = client.post(reverse("kursus:enroll", args=[course.pk]), follow=True)

    assert fragment in response.content.decode()
    assert not Enrollment.objects.exists()


def test_withdrawing_keeps_history_and_reenrolling_restores_it(learner):
    from kursus.services import enrollment_withdraw

    course = make_course(modules=(2,))
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])

    enrollment_withdraw(user=learner, course=course)
    withdrawn = Enrollment.objects.get(user=learner)
    assert withdrawn.status == Enrollment.Status.WITHDRAWN
    assert LessonProgress.objects.filter(user=learner).count() == 1

    again = enrollment_create(user=learner, course=course)
    assert again.pk == withdrawn.pk
    assert again.progress_percent == 50


def test_unpublished_lessons_do_not_count(learner):
    course = make_course(modules=(2,))
    lessons = course_lessons(course)
    lessons[1].unpublish()
    enrollment_create(user=learner, course=course)

    result = lesson_complete(user=learner, lesson=lessons[0])

    assert result.course_completed
    assert result.enrollment.status == Enrollment.Status.COMPLETED
