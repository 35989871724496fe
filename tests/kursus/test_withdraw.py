"""Leaving a course asks first: a page naming the course and what happens to the progress,
then the form on it."""

import datetime

import pytest
from django.urls import reverse

from kursus.models import Enrollment
from kursus.services import assignment_create, enrollment_create, lesson_complete

from ..factories import course_lessons, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(client, learner):
    course = make_course("KLR-01", modules=(2, 1), title="Pengawasan Kampanye")
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    client.force_login(learner)
    return course


def _status(learner, course) -> str:
    return Enrollment.objects.get(user=learner, course=course).status


def test_the_course_page_offers_leaving_as_a_link_to_the_confirmation(client, enrolled):
    html = client.get(enrolled.url).content.decode()

    url = reverse("kursus:withdraw", args=[enrolled.pk])
    assert f'href="{url}"' in html
    assert f'action="{url}"' not in html


def test_the_confirmation_names_the_course_and_the_progress_and_leaves_nothing(
    client, learner, enrolled
):
    # when
    response = client.get(reverse("kursus:withdraw", args=[enrolled.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keluar dari kursus Pengawasan Kampanye?" in html
    assert "33% (1 materi selesai)" in html
    assert "tidak dihapus" in html
    assert "Ya, keluar dari kursus" in html
    assert _status(learner, enrolled) == Enrollment.Status.ACTIVE


def test_confirming_leaves_the_course_and_keeps_the_progress(client, learner, enrolled):
    # when
    response = client.post(
        reverse("kursus:withdraw", args=[enrolled.pk]), {"konfirmasi": "ya"}, follow=True
    )

    # then
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == enrolled.url
    assert "Anda keluar dari kursus Pengawasan Kampanye" in html
    enrollment = Enrollment.objects.get(user=learner, course=enrolled)
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert enrollment.lessons_done == 1
    assert "Pengawasan Kampanye" not in client.get("/dasbor/").content.decode()


def test_a_post_without_the_confirmation_only_shows_the_question(client, learner, enrolled):
    response = client.post(reverse("kursus:withdraw", args=[enrolled.pk]))

    assert response.status_code == 200
    assert "Ya, keluar dari kursus" in response.content.decode()
    assert _status(learner, enrolled) == Enrollment.Status.ACTIVE


def test_a_mandatory_course_offers_no_leaving_and_refuses_it(client, learner):
    # given
    course = make_course("KLR-02")
    assignment_create(
        course=course, unit=learner.employee.unit, due_date=datetime.date(2030, 1, 31)
    )
    client.force_login(learner)
    url = reverse("kursus:withdraw", args=[course.pk])
    assert f'href="{url}"' not in client.get(course.url).content.decode()

    # when
    response = client.post(url, {"konfirmasi": "ya"}, follow=True)

    # then
    assert "Kursus wajib tidak dapat ditinggalkan." in response.content.decode()
    assert _status(learner, course) == Enrollment.Status.ACTIVE


def test_someone_not_in_the_course_is_sent_back_to_it(client, learner):
    course = make_course("KLR-03")
    client.force_login(learner)

    response = client.get(reverse("kursus:withdraw", args=[course.pk]), follow=True)

    assert response.redirect_chain[-1][0] == course.url
    assert "Anda tidak sedang mengikuti kursus ini." in response.content.decode()
    assert not Enrollment.objects.filter(user=learner).exists()
