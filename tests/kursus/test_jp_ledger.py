"""The JP ledger counts a programme once: the programme's JP when the person passes it, and
the courses of its curriculum not again (before or after), while a person who did not pass
keeps their courses' JP. Every JP total reads the same rule: the learner's dashboard, the
supervisor's JP list, the employee's record and the summary tables' raw SQL."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kursus.models import JPCredit
from kursus.selectors import jp_year_summary
from kursus.services import enrollment_create, jp_credit_programme, lesson_complete
from laporan.filters import ReportFilters
from laporan.models import EmployeeYearSummary
from laporan.selectors import jp_list_queryset, jp_rows, learning_record
from laporan.summary import summary_refresh

from ..factories import course_lessons, make_course
from ..program_factories import make_programme

pytestmark = pytest.mark.django_db


def complete(user, course):
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)


@pytest.fixture
def curriculum(db):
    courses = [make_course(f"JPL-0{i}", modules=(1,), jp=4) for i in (1, 2, 3, 4)]
    programme = make_programme(
        "JPL-PRG",
        title="Bawaslu Membelajarkan",
        jp=40,
        clusters=[("Pencegahan", courses[:2]), ("Penegakan hukum", courses[2:])],
    )
    return programme, courses


def pass_programme(user, programme, courses):
    return jp_credit_programme(
        user=user,
        programme_page=programme,
        jp=programme.jp,
        course_ids=[c.pk for c in courses],
        completed_at=timezone.now(),
    )


def test_no_double_jp_for_a_programme_and_its_courses(learner, make_employee, curriculum):
    # given: a participant completed three courses of the curriculum (3 credits, 12 JP)
    programme, courses = curriculum
    year = timezone.localdate().year
    for course in courses[:3]:
        complete(learner, course)
    assert jp_year_summary(user=learner, year=year)["total"] == 12

    # when they pass the programme
    credit = pass_programme(learner, programme, courses)

    # then: one programme credit, the three course credits counted in it, the year's total
    # is the programme's JP only
    assert JPCredit.objects.filter(user=learner, programme=programme).count() == 1
    assert set(
        JPCredit.objects.filter(user=learner, course__isnull=False).values_list(
            "counted_in", flat=True
        )
    ) == {credit.pk}
    summary = jp_year_summary(user=learner, year=year)
    assert summary["total"] == 40
    assert [(c.label, c.jp) for c in summary["credits"]] == [("Bawaslu Membelajarkan", 40)]


def test_passing_twice_credits_the_programme_once(learner, curriculum):
    programme, courses = curriculum
    pass_programme(learner, programme, courses)
    pass_programme(learner, programme, courses)
    assert JPCredit.objects.filter(user=learner).count() == 1
    assert jp_year_summary(user=learner, year=timezone.localdate().year)["total"] == 40


def test_a_participant_who_did_not_pass_keeps_their_course_jp(learner, make_employee, curriculum):
    programme, courses = curriculum
    other = make_employee("32.04").user
    for course in courses[:3]:
        complete(learner, course)
        complete(other, course)
    # only `other` passes
    pass_programme(other, programme, courses)
    year = timezone.localdate().year
    assert jp_year_summary(user=learner, year=year)["total"] == 12
    assert not JPCredit.objects.filter(user=learner, counted_in__isnull=False).exists()
    assert jp_year_summary(user=other, year=year)["total"] == 40


def test_a_course_completed_after_passing_is_not_counted_again(learner, curriculum):
    # given: passed with three courses done
    programme, courses = curriculum
    for course in courses[:3]:
        complete(learner, course)
    credit = pass_programme(learner, programme, courses)

    # when the fourth course of the curriculum is completed afterwards
    complete(learner, courses[3])

    # then its credit is in the ledger, counted in the programme's
    late = JPCredit.objects.get(user=learner, course=courses[3])
    assert late.counted_in_id == credit.pk
    assert jp_year_summary(user=learner, year=timezone.localdate().year)["total"] == 40
    # a course outside the curriculum counts as before
    complete(learner, make_course("JPL-99", modules=(1,), jp=2))
    assert jp_year_summary(user=learner, year=timezone.localdate().year)["total"] == 42


def test_a_credit_is_for_a_course_or_a_programme_not_both_nor_neither(learner, curriculum):
    programme, courses = curriculum
    now = timezone.now()
    for fields in ({}, {"course": courses[0], "programme": programme}):
        with pytest.raises(IntegrityError), transaction.atomic():
            JPCredit.objects.create(user=learner, year=now.year, jp=1, completed_at=now, **fields)


def test_the_supervisor_reports_count_the_programme_once(
    learner, supervisor_jabar, curriculum, org_tree
):
    # given: three courses, then the programme passed
    programme, courses = curriculum
    for course in courses[:3]:
        complete(learner, course)
    pass_programme(learner, programme, courses)
    year = timezone.localdate().year
    unit = org_tree["32"]
    filters = ReportFilters(year=year)

    # then the live JP list (no summary) shows 40 JP and one line for the programme
    rows = [
        r
        for r in jp_list_queryset(unit=unit, filters=filters, refresh=None, below_only=False)
        if r["user_id"] == learner.pk
    ]
    assert rows[0]["jp"] == 40 and rows[0]["courses"] == 1
    assert jp_rows(rows, year=year)[0]["done"] == ["Bawaslu Membelajarkan (40 JP)"]

    # the employee's record: the year's total and the credits listed
    record = learning_record(employee=learner.employee, year=year)
    assert record.jp_total == 40
    assert [c.label for c in record.jp_credits] == ["Bawaslu Membelajarkan"]
    assert record.jp_years[0] == {"year": year, "jp": 40, "courses": 1}

    # the summary tables (raw SQL)
    summary_refresh(years=[year])
    row = EmployeeYearSummary.objects.get(year=year, user_id=learner.pk)
    assert (row.jp, row.courses) == (40, 1)


def test_the_dashboard_and_the_record_page_show_the_programme_as_one_line(
    client, learner, supervisor_jabar, curriculum
):
    programme, courses = curriculum
    for course in courses[:2]:
        complete(learner, course)
    pass_programme(learner, programme, courses)
    client.force_login(learner)
    page = client.get("/dasbor/").content.decode()
    jp_list = re.search(r'<ul class="jp-list">(.*?)</ul>', page, re.S).group(1)
    assert "Program Bawaslu Membelajarkan" in jp_list
    assert "JPL-01" not in jp_list and "JPL-02" not in jp_list
    assert '<p class="jp-figure"><strong>40</strong>' in page

    client.force_login(supervisor_jabar)
    employee = learner.employee
    record = client.get(reverse("laporan:employee_record", args=["32", employee.pk]))
    assert record.status_code == 200, record.status_code
    body = record.content.decode()
    assert "Program Bawaslu Membelajarkan" in body
