"""The JP ledger counts a programme once: the programme's JP when the person passes it, and
the courses of its curriculum not again (before or after), while a person who did not pass
keeps their courses' JP. Every JP total reads the same rule: the learner's dashboard, the
supervisor's JP list, the employee's record and the summary tables' raw SQL."""

import datetime
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


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def complete_on(user, course, when):
    """`course` completed by `user` on `when` (the credit moved to that day and year)."""
    complete(user, course)
    JPCredit.objects.filter(user=user, course=course).update(year=when.year, completed_at=when)


def pass_programme_on(user, programme, courses, when):
    return jp_credit_programme(
        user=user,
        programme_page=programme,
        jp=programme.jp,
        course_ids=[c.pk for c in courses],
        completed_at=when,
    )


def test_a_course_of_an_earlier_year_stays_in_that_year(learner, curriculum):
    # given: one course of the curriculum finished in December 2025, two in January 2026
    programme, courses = curriculum
    complete_on(learner, courses[0], at(2025, 12, 10))
    complete_on(learner, courses[1], at(2026, 1, 5))
    complete_on(learner, courses[2], at(2026, 1, 6))
    assert jp_year_summary(user=learner, year=2025)["total"] == 4

    # when the programme is passed in January 2026
    credit = pass_programme_on(learner, programme, courses, at(2026, 1, 20))

    # then: 2025's total is what was reported; 2026 gets the programme's JP less that
    # course's; the years together count the programme's JP once
    assert credit.year == 2026 and credit.jp == 40 - 4
    december = JPCredit.objects.get(user=learner, course=courses[0])
    assert december.counted_in_id is None
    assert set(
        JPCredit.objects.filter(user=learner, course__in=courses[1:3]).values_list(
            "counted_in", flat=True
        )
    ) == {credit.pk}
    totals = {y: jp_year_summary(user=learner, year=y)["total"] for y in (2025, 2026)}
    assert totals == {2025: 4, 2026: 36}
    assert sum(totals.values()) == programme.jp

    # passing again changes nothing (the reduction is not taken twice)
    pass_programme_on(learner, programme, courses, at(2026, 1, 20))
    assert JPCredit.objects.get(pk=credit.pk).jp == 36
    # a course of the curriculum completed afterwards is counted in the programme's credit
    complete(learner, courses[3])
    late = JPCredit.objects.get(user=learner, course=courses[3])
    assert late.counted_in_id == credit.pk
    assert {y: jp_year_summary(user=learner, year=y)["total"] for y in (2025, 2026)} == totals

    # the reports read the same: the employee's record and the summary tables (raw SQL)
    record = learning_record(employee=learner.employee, year=2026)
    assert {r["year"]: r["jp"] for r in record.jp_years} == {2025: 4, 2026: 36}
    summary_refresh(years=[2025, 2026])
    assert dict(
        EmployeeYearSummary.objects.filter(user_id=learner.pk).values_list("year", "jp")
    ) == {2025: 4, 2026: 36}


def test_the_programme_credit_of_a_later_year_is_never_below_zero(learner, make_employee):
    courses = [make_course(f"JPZ-0{i}", modules=(1,), jp=8) for i in (1, 2)]
    programme = make_programme("JPZ-PRG", title="Program kecil", jp=10, clusters=[("A", courses)])
    for course in courses:
        complete_on(learner, course, at(2025, 11, 3))

    credit = pass_programme_on(learner, programme, courses, at(2026, 2, 1))

    assert credit.jp == 0
    assert jp_year_summary(user=learner, year=2025)["total"] == 16
    assert jp_year_summary(user=learner, year=2026)["total"] == 0


def test_courses_of_the_same_year_are_counted_in_the_programme_as_before(learner, curriculum):
    # given: three courses finished in 2026 before the programme is passed in 2026
    programme, courses = curriculum
    for day, course in enumerate(courses[:3], start=1):
        complete_on(learner, course, at(2026, 3, day))

    credit = pass_programme_on(learner, programme, courses, at(2026, 6, 30))

    # then: the programme's full JP, the courses counted in it
    assert credit.jp == 40
    assert set(
        JPCredit.objects.filter(user=learner, course__isnull=False).values_list(
            "counted_in", flat=True
        )
    ) == {credit.pk}
    assert jp_year_summary(user=learner, year=2026)["total"] == 40
