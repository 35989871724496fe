"""An employee's learning record, opened from the reports: what it shows, who may see it
(the report scope), and a query count that does not grow with the person's history."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kursus.models import Enrollment, JPCredit, QuestionCategory, QuizAttempt
from lms.akun.roles import SUPERVISOR
from tests.factories import enable_totp, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _record_url(code, employee):
    return reverse("laporan:employee_record", args=[code, employee.pk])


def _finished(user, quiz, number, percent):
    return QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=QuizAttempt.Status.SUBMITTED,
        finished_at=timezone.now(),
        score=percent,
        max_score=100,
        percent=Decimal(percent),
        passed=percent >= 70,
    )


@pytest.fixture
def ani_scores(report_data):
    """Ani took course A's pre-test once (40) and its post-test twice (60, then 90)."""
    category = QuestionCategory.objects.create(name="Riwayat")
    course = report_data.a
    pre = make_quiz(course, kind="pretest", questions=[make_question(category)])
    post = make_quiz(course, kind="posttest", questions=[make_question(category)])
    ani = report_data.people.ani.user
    _finished(ani, pre, 1, 40)
    _finished(ani, post, 1, 60)
    _finished(ani, post, 2, 90)
    return pre, post


def test_record_shows_courses_scores_jp_and_certificates(
    client, supervisor_jabar, report_data, ani_scores, django_capture_on_commit_callbacks
):
    from kursus.services import course_certificate_request

    # given Ani completed A (with a certificate) and B this year
    ani = report_data.people.ani
    with django_capture_on_commit_callbacks(execute=True):
        cert = course_certificate_request(
            enrollment=Enrollment.objects.get(user=ani.user, course=report_data.a)
        )
    cert.refresh_from_db()
    client.force_login(supervisor_jabar)

    # when the supervisor opens her record from the province
    response = client.get(_record_url("32", ani))

    # then it lists her courses with status and dates, her scores, her JP and the certificate
    assert response.status_code == 200
    content = response.content.decode()
    record = response.context["record"]
    assert {(c.code, c.status, c.progress) for c in record.courses} == {
        ("RPT-A", "completed", 100),
        ("RPT-B", "completed", 100),
    }
    assert f"10 Mar {report_data.year}" in content  # A's completion date
    course_a = next(c for c in record.courses if c.code == "RPT-A")
    assert (course_a.pre, course_a.post, course_a.gain) == (40, 90, 50)
    assert "Riwayat belajar: Ani Lestari" in content
    assert "Kursus A" in content and "Kursus B" in content
    assert "Pre-test 40,0 · Post-test 90,0 · naik 50,0" in content
    assert "2 percobaan" in content
    assert record.jp_total == 20 and record.jp_shortfall == 0
    assert "20 dari 20 JP" in content and "memenuhi target" in content
    assert cert.number in content
    assert reverse("sertifikat:verify", args=[cert.code]) in content
    assert reverse("sertifikat:download", args=[cert.code]) in content
    assert "Unduh PDF" in content and "Verifikasi" in content


def test_record_shows_jp_of_other_years(client, supervisor_jabar, report_data):
    # given Citra has 4 JP this year and 12 JP last year
    citra = report_data.people.citra
    client.force_login(supervisor_jabar)

    this_year = client.get(_record_url("32.75", citra))
    last_year = client.get(_record_url("32.75", citra), {"tahun": report_data.year - 1})

    assert [(r["year"], r["jp"]) for r in this_year.context["record"].jp_years] == [
        (report_data.year, 4),
        (report_data.year - 1, 12),
    ]
    content = this_year.content.decode()
    assert "4 dari 20 JP" in content and "kurang 16 JP" in content
    assert f'href="?tahun={report_data.year - 1}"' in content
    content = last_year.content.decode()
    assert "12 dari 20 JP" in content and "Kursus B" in content
    assert last_year.context["record"].jp_credits[0].course.code == "RPT-B"


@pytest.mark.parametrize(
    ("code", "person"),
    [("32", "fajar"), ("33", "fajar"), ("32.04", "citra"), ("32.75", "ani"), ("RI", "ani")],
)
def test_record_outside_the_scope_is_404(client, supervisor_jabar, report_data, code, person):
    # someone outside the province, someone outside the unit in the URL, a unit above
    employee = getattr(report_data.people, person)
    client.force_login(supervisor_jabar)
    assert client.get(_record_url(code, employee)).status_code == 404


def test_regency_supervisor_sees_only_their_regency(client, make_employee, report_data):
    user = make_employee("32.04", SUPERVISOR).user
    enable_totp(user)
    client.force_login(user)
    assert client.get(_record_url("32.04", report_data.people.ani)).status_code == 200
    assert client.get(_record_url("32.04", report_data.people.citra)).status_code == 404
    assert client.get(_record_url("32", report_data.people.ani)).status_code == 404


def test_learner_gets_no_record(client, report_data):
    client.force_login(report_data.people.budi.user)
    assert client.get(_record_url("32.04", report_data.people.ani)).status_code == 404
    assert client.get(_record_url("32.04", report_data.people.budi)).status_code == 404


def test_reports_link_each_employee_to_their_record(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    ani_url = _record_url("32", report_data.people.ani)
    budi_url = _record_url("32", report_data.people.budi)

    course = client.get(reverse("laporan:course_report", args=["32", report_data.a.pk]))
    jp = client.get(reverse("laporan:jp_compliance", args=["32"]), {"semua": "1"})
    people = client.get(reverse("laporan:unit_employees", args=["32"]))

    for response in (course, jp, people):
        content = response.content.decode()
        assert f'href="{ani_url}"' in content
        assert f'href="{budi_url}"' in content
    # and each link opens
    assert client.get(ani_url).status_code == 200


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_record_query_count_does_not_grow_with_history(
    client, supervisor_jabar, report_data, ani_scores, django_capture_on_commit_callbacks
):
    from kursus.services import course_certificate_request
    from laporan.models import Reminder, ReminderBatch

    ani = report_data.people.ani
    client.force_login(supervisor_jabar)
    url = _record_url("32", ani)
    few = _count(client, url)

    # given many more courses, attempts, credits in several years, certificates, reminders
    category = QuestionCategory.objects.create(name="Banyak")
    for i in range(6):
        course = make_course(f"HIS-{i}", modules=(1,), jp=2)
        quiz = make_quiz(course, kind="posttest", questions=[make_question(category)])
        enrollment = Enrollment.objects.create(
            user=ani.user,
            course=course,
            status="completed",
            progress_percent=100,
            completed_at=timezone.now(),
        )
        JPCredit.objects.create(
            user=ani.user,
            course=course,
            year=report_data.year - i % 3,
            jp=2,
            completed_at=timezone.now(),
        )
        _finished(ani.user, quiz, 1, 50 + i)
        _finished(ani.user, quiz, 2, 60 + i)
        with django_capture_on_commit_callbacks(execute=True):
            course_certificate_request(enrollment=enrollment)
        batch = ReminderBatch.objects.create(
            token=f"00000000-0000-0000-0000-00000000000{i}",
            sent_by=supervisor_jabar,
            unit=ani.unit,
            kind="jp",
            year=report_data.year,
        )
        Reminder.objects.create(batch=batch, user=ani.user, detail={"jp": 1})

    many = _count(client, url)

    # then the page reads the same number of queries
    content = client.get(url).content.decode()
    assert "HIS-5" in content and "Belum pernah diingatkan" not in content
    assert many == few
