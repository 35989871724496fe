"""The lesson page's progress and the dashboard are cached per learner: every write that
changes what they show must show on the next request, whichever path made it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kursus.kuis.services import quiz_answer_save, quiz_attempt_start, quiz_attempt_submit
from kursus.models import CourseCategory, Enrollment, QuestionCategory
from kursus.services import (
    assignment_create,
    course_progress_recompute,
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
)

from ..factories import course_lessons, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


def dashboard(client) -> str:
    response = client.get("/dasbor/")
    assert response.status_code == 200
    return response.content.decode()


def without_suggestions(html: str) -> str:
    """The dashboard without its suggestions of catalogue courses: the learner's own rows."""
    start = html.index('id="saran-title"')
    return html[:start] + html[html.index("</section>", start) :]


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def test_the_dashboard_follows_enrolment_progress_withdrawal_and_completion(signed_in, learner):
    course = make_course("CCH-01", modules=(2,), jp=6)
    lessons = course_lessons(course)
    assert "CCH-01" not in without_suggestions(dashboard(signed_in))

    enrollment_create(user=learner, course=course)
    assert "0% selesai" in dashboard(signed_in)

    lesson_complete(user=learner, lesson=lessons[0])
    assert "50% selesai" in dashboard(signed_in)

    enrollment_withdraw(user=learner, course=course)
    assert "Kursus CCH-01" not in dashboard(signed_in)

    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[1])
    page = dashboard(signed_in)
    assert "<strong>6</strong> / 20 JP" in page  # credited this year
    assert "Sedang disiapkan" in page  # the certificate, pending


def test_the_dashboard_shows_a_new_mandatory_assignment(signed_in, learner):
    dashboard(signed_in)
    assignment_create(
        course=make_course("CCH-02"),
        unit=learner.employee.unit,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert "CCH-02" in dashboard(signed_in)


def test_a_new_due_date_of_an_assignment_reaches_its_enrolments_and_dashboards(signed_in, learner):
    from kursus.services import assignment_apply

    assignment = assignment_create(
        course=make_course("CCH-11"), unit=learner.employee.unit, due_date=datetime.date(2031, 8, 4)
    )
    assert "4 Agu 2031" in dashboard(signed_in)

    assignment.due_date = datetime.date(2031, 9, 15)
    assignment.save()
    assignment_apply(assignment=assignment)  # as the admin form does on save

    assert Enrollment.objects.get(user=learner, assignment=assignment).due_date == (
        datetime.date(2031, 9, 15)
    )
    page = dashboard(signed_in)
    assert "15 Sep 2031" in page
    assert "4 Agu 2031" not in page


def test_an_assignment_becomes_overdue_the_next_day(signed_in, learner, monkeypatch):
    today = timezone.localdate()
    assignment_create(course=make_course("CCH-03"), unit=learner.employee.unit, due_date=today)
    assert "is-overdue" not in dashboard(signed_in)

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    assert "is-overdue" in dashboard(signed_in)


def test_the_dashboard_shows_a_graded_quiz(signed_in, learner):
    course = make_course("CCH-04", modules=(1,))
    enrollment_create(user=learner, course=course)
    question = make_question(QuestionCategory.objects.create(name="Bank cache"))
    quiz = make_quiz(course, kind="pretest", title="Tes awal cache", questions=[question])
    assert "Tes awal cache" not in dashboard(signed_in)

    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    row = attempt.questions.get()
    right = question.options.get(fraction=Decimal(1))
    quiz_answer_save(
        user=attempt.user,
        attempt_id=attempt.pk,
        position=row.position,
        response=row.option_tokens[right.pk],
    )
    quiz_attempt_submit(attempt_id=attempt.pk)

    assert "Tes awal cache: 100" in dashboard(signed_in)


def test_renaming_a_course_or_its_category_shows_on_the_dashboard(signed_in, learner):
    course = make_course("CCH-05")
    enrollment_create(user=learner, course=course)
    assert "Kursus CCH-05" in dashboard(signed_in)

    course.title = "Judul baru CCH"
    course.save_revision().publish()
    assert "Judul baru CCH" in dashboard(signed_in)

    category = CourseCategory.objects.get(slug="ikp")
    category.name = "Kerawanan Pemilu (baru)"
    category.save()
    assert "Kerawanan Pemilu (baru)" in dashboard(signed_in)


def test_the_dashboard_writes_dates_in_indonesian(signed_in, learner):
    # Dates are written in Indonesian, also when served from the cache: August is "Agu".
    assignment_create(
        course=make_course("CCH-06"), unit=learner.employee.unit, due_date=datetime.date(2020, 8, 3)
    )
    assert "3 Agu 2020" in dashboard(signed_in)
    assert "3 Agu 2020" in dashboard(signed_in)


def test_one_learners_dashboard_is_never_anothers(client, learner, make_employee):
    enrollment_create(user=learner, course=make_course("CCH-07"))
    other = make_employee("32").user
    client.force_login(learner)
    assert "CCH-07" in dashboard(client)

    client.force_login(other)
    assert "CCH-07" not in without_suggestions(dashboard(client))


def test_the_lesson_page_unlocks_the_next_lesson_at_once(signed_in, learner):
    course = make_course("CCH-08", modules=(3,))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    assert signed_in.get(lessons[0].url).status_code == 200
    assert signed_in.get(lessons[1].url).status_code == 302  # locked

    lesson_complete(user=learner, lesson=lessons[0])

    assert signed_in.get(lessons[1].url).status_code == 200


def test_the_lesson_page_follows_withdrawal(signed_in, learner):
    course = make_course("CCH-09", modules=(1,))
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    assert signed_in.get(lesson.url).status_code == 200

    enrollment_withdraw(user=learner, course=course)

    assert signed_in.get(lesson.url).status_code == 302


def test_recomputed_progress_shows_on_the_dashboard(signed_in, learner):
    course = make_course("CCH-10", modules=(2,))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[0])
    assert "50% selesai" in dashboard(signed_in)

    lessons[1].unpublish()
    course_progress_recompute(course=course)

    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.progress_percent == 100
    assert "50% selesai" not in dashboard(signed_in)
