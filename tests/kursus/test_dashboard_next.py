"""The dashboard's empty states follow the learner's real state, and it suggests what to take
next: mandatory assignments not yet done first, then catalogue courses not taken."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kursus.models import CoursePage
from kursus.selectors import course_suggestion_list
from kursus.services import (
    assignment_create,
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
)

from ..factories import course_lessons, make_course

pytestmark = pytest.mark.django_db

NOT_STARTED = "Anda belum mengikuti kursus."


def dashboard(client) -> str:
    response = client.get("/dasbor/")
    assert response.status_code == 200
    return response.content.decode()


def next_section(html: str) -> str:
    start = html.index('id="saran-title"')
    return html[start : html.index("</section>", start)]


def suggested_codes(html: str) -> list[str]:
    return re.findall(r"<h3><a href=\"[^\"]+\">([A-Z]+-\d+) ", next_section(html))


def complete(user, course) -> None:
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def test_a_new_learner_is_told_they_have_not_started(signed_in):
    html = dashboard(signed_in)

    assert NOT_STARTED in html
    assert "Sertifikat kursus yang Anda selesaikan akan muncul di sini." in html


def test_a_learner_who_just_completed_a_course_is_not_told_they_have_not_started(
    signed_in, learner
):
    # given
    complete(learner, make_course("SLS-01", modules=(1,)))

    # when
    html = dashboard(signed_in)

    # then
    assert NOT_STARTED not in html
    assert "Tidak ada kursus yang sedang Anda ikuti. Anda telah menyelesaikan 1 kursus" in html
    assert "Kursus yang Anda selesaikan akan tercatat di sini" not in html
    assert "Sertifikat kursus yang Anda selesaikan akan muncul di sini." not in html


def test_a_learner_with_a_course_in_progress_sees_no_empty_state(signed_in, learner):
    course = make_course("SLS-02", modules=(2,))
    enrollment_create(user=learner, course=course)

    html = dashboard(signed_in)

    assert NOT_STARTED not in html
    assert "Tidak ada kursus yang sedang Anda ikuti" not in html


def test_mandatory_assignments_not_done_come_first_then_catalogue_courses_not_taken(
    signed_in, learner
):
    # given: two mandatory courses (one done), one course in progress, one left, and three
    # never taken
    unit = learner.employee.unit
    late = make_course("WJB-01", modules=(1,))
    soon = make_course("WJB-02", modules=(1,))
    done = make_course("WJB-03", modules=(1,))
    assignment_create(course=soon, unit=unit, due_date=datetime.date(2030, 6, 30))
    assignment_create(course=late, unit=unit, due_date=datetime.date(2030, 1, 31))
    assignment_create(course=done, unit=unit, due_date=datetime.date(2030, 1, 31))
    lesson_complete(user=learner, lesson=course_lessons(done)[0])
    enrollment_create(user=learner, course=make_course("JLN-01", modules=(1, 1)))
    left = make_course("KLR-01")
    enrollment_create(user=learner, course=left)
    enrollment_withdraw(user=learner, course=left)
    for code in ("KAT-01", "KAT-02", "KAT-03"):
        make_course(code)

    # when
    codes = suggested_codes(dashboard(signed_in))

    # then: the mandatory ones by due date, then (three at most) catalogue courses
    assert codes[:2] == ["WJB-01", "WJB-02"]
    assert sorted(codes[2:]) == ["KAT-01", "KAT-02", "KAT-03"]
    assert "Penugasan wajib, selesaikan sebelum 31 Jan 2030." in next_section(dashboard(signed_in))


def test_a_course_whose_prerequisite_is_not_done_or_whose_enrolment_is_closed_is_not_suggested(
    signed_in, learner
):
    # given
    basic = make_course("DSR-01", modules=(1,))
    advanced = make_course("LNJ-01")
    advanced.prerequisites.add(basic)
    advanced.save_revision().publish()
    make_course("TTP-01", enrollment_closes_at=timezone.now() - datetime.timedelta(days=1))

    # then: the foundation is suggested, first; the advanced course and the closed one not
    assert suggested_codes(dashboard(signed_in)) == ["DSR-01"]

    # when the foundation is done
    complete(learner, basic)
    other_foundation = make_course("BRU-01")
    other_advanced = make_course("BRU-02")
    other_advanced.prerequisites.add(other_foundation)
    other_advanced.save_revision().publish()

    # then the advanced course is suggested, before another foundation: it follows on from
    # what the learner completed
    assert suggested_codes(dashboard(signed_in)) == ["LNJ-01", "BRU-01"]


def test_foundations_come_first_and_at_most_three_are_suggested(learner):
    # given
    others = [make_course(f"LAN-0{i}") for i in range(1, 5)]
    foundation = make_course("FND-01")
    for course in others[:2]:
        course.prerequisites.add(foundation)
        course.save_revision().publish()

    # when
    suggestions = course_suggestion_list(user=learner, root_url_path="/beranda/")

    # then
    assert len(suggestions) == 3
    assert suggestions[0].course_code == "FND-01"
    assert suggestions[0].course_url == foundation.url


def test_when_nothing_is_left_to_take_the_dashboard_says_so(signed_in, learner):
    complete(learner, make_course("SMA-01", modules=(1,)))

    section = next_section(dashboard(signed_in))

    assert "Tidak ada kursus lain yang dapat Anda ikuti saat ini." in section


def test_suggestions_take_one_query_whatever_the_catalogue(learner):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            course_suggestion_list(user=learner, root_url_path="/beranda/")
        return len(captured)

    make_course("QRY-01")
    small = queries()
    for i in range(2, 7):
        course = make_course(f"QRY-0{i}")
        course.prerequisites.add(CoursePage.objects.get(code="QRY-01"))
        course.save_revision().publish()
        enrollment_create(user=learner, course=make_course(f"QRZ-0{i}"))

    assert small == queries() == 1
