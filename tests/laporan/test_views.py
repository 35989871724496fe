"""The report pages: scope (404 outside the subtree), drill-down, figures on screen,
constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laporan.summary import summary_refresh
from lms.akun.roles import SUPERVISOR
from lms.organisasi.models import OrgUnit
from tests.factories import enable_totp

pytestmark = pytest.mark.django_db


def _unit_urls(code, course_id):
    return [
        reverse("laporan:unit_detail", args=[code]),
        reverse("laporan:unit_courses", args=[code]),
        reverse("laporan:course_report", args=[code, course_id]),
        reverse("laporan:jp_compliance", args=[code]),
        reverse("laporan:unit_employees", args=[code]),
        reverse("laporan:unit_assign", args=[code]),
        reverse("laporan:report_export", args=[code, "ringkasan", "csv"]),
        reverse("laporan:report_export", args=[code, "ringkasan", "xlsx"]),
        reverse("laporan:report_export", args=[code, "kursus", "csv"]) + f"?kursus={course_id}",
        reverse("laporan:report_export", args=[code, "jp", "xlsx"]),
    ]


@pytest.mark.parametrize("code", ["33", "33.74", "RI", "11", "does-not-exist"])
def test_every_report_url_outside_the_subtree_is_404(client, supervisor_jabar, report_data, code):
    client.force_login(supervisor_jabar)
    for url in _unit_urls(code, report_data.a.pk):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("laporan:subscribe", args=[code]), {"frequency": "weekly"})
    assert response.status_code == 404


@pytest.mark.parametrize("code", ["32", "32.04", "32.75"])
def test_every_report_url_inside_the_subtree_works(client, supervisor_jabar, report_data, code):
    client.force_login(supervisor_jabar)
    for url in _unit_urls(code, report_data.a.pk):
        assert client.get(url).status_code == 200, url


def test_regency_supervisor_cannot_climb_to_the_province(client, make_employee, report_data):
    user = make_employee("32.04", SUPERVISOR).user
    enable_totp(user)
    client.force_login(user)
    for url in _unit_urls("32", report_data.a.pk) + _unit_urls("32.75", report_data.a.pk):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("laporan:unit_detail", args=["32.04"])).status_code == 200
    assert client.get(reverse("laporan:scope_home")).url == reverse(
        "laporan:unit_detail", args=["32.04"]
    )


def test_learner_gets_no_report(client, learner, report_data):
    client.force_login(learner)
    assert client.get(reverse("laporan:scope_home")).status_code == 403
    for url in _unit_urls("32.04", report_data.a.pk):
        assert client.get(url).status_code == 404, url


def test_dashboard_shows_the_headline_and_links_each_child_one_level_down(
    client, supervisor_jabar, report_data
):
    client.force_login(supervisor_jabar)

    response = client.get(reverse("laporan:unit_detail", args=["32"]))

    content = response.content.decode()
    f = response.context["figures"]
    assert (f.employees, f.enrolled, f.completed, f.overdue) == (6, 7, 4, 1)
    assert "57,1%" in content  # completion rate, Indonesian decimal comma
    assert "16,7%" in content  # JP compliance
    assert reverse("laporan:unit_detail", args=["32.04"]) in content
    assert reverse("laporan:unit_detail", args=["RI"]) not in content  # above the scope
    assert "<svg" in content and "Dihitung langsung" in content
    # the breadcrumb of a regency leads back to the province only
    response = client.get(reverse("laporan:unit_detail", args=["32.04"]))
    crumbs = [u.code for u in response.context["breadcrumbs"]]
    assert crumbs == ["32", "32.04"]


def test_admin_drills_down_from_the_nation(client, admin_lms, report_data):
    client.force_login(admin_lms)
    response = client.get(reverse("laporan:scope_home"), follow=True)
    assert response.context["unit"].code == "RI"
    assert len(response.context["children"]) == 38
    response = client.get(reverse("laporan:unit_detail", args=["32.04"]))
    assert [u.code for u in response.context["breadcrumbs"]] == ["RI", "32", "32.04"]


def test_filters_come_from_the_query_string_and_carry_into_the_drill_down_links(
    client, supervisor_jabar, report_data
):
    client.force_login(supervisor_jabar)
    url = reverse("laporan:unit_detail", args=["32"])

    response = client.get(url, {"kursus": report_data.a.pk, "wajib": "1"})

    f = response.context["figures"]
    assert (f.enrolled, f.not_started, f.in_progress, f.completed, f.overdue) == (2, 1, 1, 0, 1)
    link = reverse("laporan:unit_detail", args=["32.04"]) + "?"
    assert f"{link}tahun={report_data.year}&amp;kursus={report_data.a.pk}&amp;wajib=1" in (
        response.content.decode()
    )


def test_invalid_filter_is_shown_and_ignored(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    response = client.get(
        reverse("laporan:unit_detail", args=["32"]), {"tahun": "1999", "jenis": "pns"}
    )
    assert response.status_code == 200
    assert response.context["filters"].year == report_data.year
    assert response.context["filters"].employment_type == "pns"
    assert response.context["form"].errors


def test_summary_refresh_time_is_shown(client, supervisor_jabar, report_data):
    run = summary_refresh()
    client.force_login(supervisor_jabar)
    response = client.get(reverse("laporan:unit_detail", args=["32"]))
    assert response.context["report"].as_of == run.as_of
    assert "Data per" in response.content.decode()
    assert response.context["figures"].completed == 4


def test_course_report_lists_each_employees_status(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    url = reverse("laporan:course_report", args=["32", report_data.a.pk])

    rows = client.get(url).context["rows"]

    status = {r["name"]: (r["status"], r["progress"], r["overdue"]) for r in rows}
    assert status == {
        "Ani Lestari": ("selesai", 100, False),
        "Budi Santoso": ("sedang", 50, True),
        "Citra Dewi": ("belum-mulai", 0, False),
        "Dedi Gunawan": ("selesai", 100, False),
    }
    ani = next(r for r in rows if r["name"] == "Ani Lestari")
    assert ani["completed_at"].month == 3
    overdue = client.get(url, {"status": "terlambat"}).context["rows"]
    assert [r["name"] for r in overdue] == ["Budi Santoso"]
    bandung = client.get(reverse("laporan:course_report", args=["32.04", report_data.a.pk]))
    assert [r["name"] for r in bandung.context["rows"]] == ["Ani Lestari", "Budi Santoso"]


def test_course_report_shows_quiz_scores_gain_and_certificate(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    from kursus.kuis.services import quiz_answer_save, quiz_attempt_start, quiz_attempt_submit
    from kursus.models import Enrollment, QuestionCategory
    from kursus.services import course_certificate_request

    from ..factories import make_question, make_quiz

    # given Ani took a two-question pre-test (one right) and post-test (both right)
    course = report_data.a
    category = QuestionCategory.objects.create(name="Laporan")
    pre = make_quiz(course, kind="pretest", questions=[make_question(category) for _ in "ab"])
    post = make_quiz(course, kind="posttest", questions=[make_question(category) for _ in "ab"])
    ani = report_data.people.ani.user
    type(course).objects.filter(pk=course.pk).update(sequential=False)  # tests open at once
    for quiz, right in ((pre, 1), (post, 2)):
        attempt = quiz_attempt_start(user=ani, quiz=quiz)
        for row in attempt.questions.order_by("position")[:right]:
            best = row.question.options.get(fraction=1).id
            quiz_answer_save(
                user=attempt.user,
                attempt_id=attempt.pk,
                position=row.position,
                response=row.option_tokens[best],
            )
        quiz_attempt_submit(attempt_id=attempt.pk)
    with django_capture_on_commit_callbacks(execute=True):
        cert = course_certificate_request(
            enrollment=Enrollment.objects.get(user=ani, course=course)
        )
    client.force_login(supervisor_jabar)

    # when the supervisor opens the course report
    response = client.get(reverse("laporan:course_report", args=["32", course.pk]))

    # then her row carries both scores, the gain and the certificate number with its link
    row = next(r for r in response.context["rows"] if r["name"] == "Ani Lestari")
    assert row["extras"][:3] == ["50", "100", "50"]
    cert.refresh_from_db()
    assert row["extras"][3] == cert.number
    assert f'href="{reverse("sertifikat:download", args=[cert.code])}"' in response.content.decode()
    budi = next(r for r in response.context["rows"] if r["name"] == "Budi Santoso")
    assert budi["extras"] == ["", "", "", ""]


def test_jp_page_lists_people_under_target_with_what_they_did(
    client, supervisor_jabar, report_data
):
    client.force_login(supervisor_jabar)
    url = reverse("laporan:jp_compliance", args=["32"])

    response = client.get(url, {"urut": "-jp"})

    rows = response.context["rows"]
    assert [(r["full_name"], r["jp"], r["shortfall"]) for r in rows[:2]] == [
        ("Dedi Gunawan", 8, 12),
        ("Citra Dewi", 4, 16),
    ]
    assert rows[1]["done"] == ["RPT-C (4 JP)"]
    assert len(rows) == 5
    everyone = client.get(url, {"semua": "1", "urut": "nama"}).context["rows"]
    names = [r["full_name"] for r in everyone]
    assert names == sorted(names) and "Ani Lestari" in names  # the supervisor's name is random
    assert len(everyone) == 6
    children = {r["unit"].code: r["figures"].jp_rate for r in response.context["report"].children}
    assert children["32.04"] == 50.0 and children["32.75"] == 0.0 and children["32.73"] is None


def test_subscribe_and_unsubscribe(client, supervisor_jabar, report_data):
    from laporan.models import ReportSubscription

    client.force_login(supervisor_jabar)
    url = reverse("laporan:subscribe", args=["32.04"])
    client.post(url, {"frequency": "monthly"})
    sub = ReportSubscription.objects.get(user=supervisor_jabar)
    assert (sub.unit.code, sub.frequency) == ("32.04", "monthly")
    client.post(url, {"frequency": ""})
    assert not ReportSubscription.objects.exists()


def _count(client, url):
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("with_summary", [False, True])
def test_query_counts_do_not_grow_with_people(
    client, supervisor_jabar, make_employee, report_data, with_summary
):
    from kursus.models import Enrollment

    client.force_login(supervisor_jabar)
    urls = [
        reverse("laporan:unit_detail", args=["32"]),
        reverse("laporan:unit_detail", args=["32"]) + f"?kursus={report_data.a.pk}",
        reverse("laporan:unit_courses", args=["32"]),
        reverse("laporan:course_report", args=["32", report_data.a.pk]),
        reverse("laporan:jp_compliance", args=["32"]),
    ]
    if with_summary:
        summary_refresh()
    few = [_count(client, url) for url in urls]
    for i, code in enumerate(["32.04", "32.73", "32.01", "32.75"] * 8):
        employee = make_employee(code, full_name=f"Tambahan {i}", position=f"Jabatan {i % 3}")
        Enrollment.objects.create(user=employee.user, course=report_data.a, progress_percent=i)
    if with_summary:
        summary_refresh()
    many = [_count(client, url) for url in urls]

    assert many == few
    assert max(few) <= 16


def test_units_with_ad_hoc_levels_drill_down(client, supervisor_jabar, kecamatan, report_data):
    from tests.factories import EmployeeFactory

    EmployeeFactory(unit=kecamatan, full_name="Pengawas Kecamatan")
    client.force_login(supervisor_jabar)
    response = client.get(reverse("laporan:unit_detail", args=["32.04"]))
    rows = {r["unit"].code: r["figures"].employees for r in response.context["children"]}
    assert rows == {"32.04.01": 1}
    assert response.context["figures"].employees == 3  # two at the regency, one below
    assert OrgUnit.objects.get(code="32.04.01").depth == 4
