"""Paging of the long lists: the course report's page and total come from one query, the JP
list's total from the summary it is read from, and the course filter's list from the cache.
Each must give what a plain count and a plain ordered query give."""

import pytest
from django.urls import reverse

from kursus.models import Enrollment
from laporan import views
from laporan.filters import ReportFilters
from laporan.selectors import (
    course_report_page,
    enrollment_base,
    jp_list_count,
    jp_list_queryset,
    summary_latest,
    unit_report,
)
from laporan.summary import summary_refresh
from lms.organisasi.models import OrgUnit
from tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_learners(report_data, make_employee):
    """Seven more learners of course A in the province, and one outside it."""
    for i, code in enumerate(["32.04", "32.75", "32.01", "32.73", "32.04", "32.75", "32.01"]):
        employee = make_employee(code, full_name=f"Zulfa {i}", employment_type="pns")
        Enrollment.objects.create(user=employee.user, course=report_data.a, progress_percent=i)
    outside = make_employee("33.74", full_name="Zaki Luar")
    Enrollment.objects.create(user=outside.user, course=report_data.a)
    return report_data


def _expected(unit, course, year, **filters):
    """The reference: the report's rows as the live-figure filter finds them, by name."""
    qs = enrollment_base(
        unit=unit, filters=ReportFilters(year=year, course_id=course.pk, **filters)
    )
    return list(qs.order_by("user__employee__full_name", "id").values_list("pk", flat=True))


@pytest.mark.parametrize("per_page", [1, 3, 50])
def test_course_report_pages_cover_every_row_once_in_order(many_learners, per_page):
    data = many_learners
    unit = OrgUnit.objects.get(code="32")
    expected = _expected(unit, data.a, data.year)
    assert len(expected) == 11  # 4 of the fixture (Eka is inactive, Fajar outside) + 7

    seen = []
    number = 1
    while True:
        page = course_report_page(
            unit=unit,
            course=data.a,
            filters=ReportFilters(year=data.year),
            number=str(number),
            per_page=per_page,
        )
        assert page.paginator.count == len(expected)
        seen += [e["id"] for e in page.object_list]
        if not page.has_next():
            break
        number += 1

    assert seen == expected
    assert page.number == -(-len(expected) // per_page)


def test_course_report_page_past_the_end_or_invalid_is_like_get_page(many_learners):
    data = many_learners
    unit = OrgUnit.objects.get(code="32")
    expected = _expected(unit, data.a, data.year)
    args = {"unit": unit, "course": data.a, "filters": ReportFilters(year=data.year)}

    last = course_report_page(**args, number="99", per_page=4)
    assert (last.number, [e["id"] for e in last]) == (3, expected[8:])
    assert last.paginator.count == 11
    assert course_report_page(**args, number="x", per_page=4).number == 1
    assert course_report_page(**args, number=None, per_page=4).number == 1
    nobody = course_report_page(
        unit=OrgUnit.objects.get(code="32.73"),
        course=data.b,
        filters=ReportFilters(year=data.year),
        number="3",
        per_page=4,
    )
    assert (nobody.number, list(nobody), nobody.paginator.count) == (1, [], 0)


def test_course_report_filters_and_orders_match_the_reference(many_learners):
    data = many_learners
    unit = OrgUnit.objects.get(code="32")
    page = course_report_page(
        unit=unit,
        course=data.a,
        filters=ReportFilters(year=data.year, employment_type="pns"),
        number="1",
        per_page=50,
    )
    assert [e["id"] for e in page] == _expected(unit, data.a, data.year, employment_type="pns")
    by_unit = course_report_page(
        unit=unit,
        course=data.a,
        filters=ReportFilters(year=data.year),
        order="unit",
        number="1",
        per_page=50,
    )
    paths = dict(
        Enrollment.objects.filter(pk__in=[e["id"] for e in by_unit]).values_list(
            "pk", "user__employee__unit__path"
        )
    )
    keys = [(paths[e["id"]], e["full_name"]) for e in by_unit]
    assert keys == sorted(keys)
    progress = course_report_page(
        unit=unit,
        course=data.a,
        filters=ReportFilters(year=data.year),
        order="-kemajuan",
        number="1",
        per_page=50,
    )
    values = [e["progress_percent"] for e in progress]
    assert values == sorted(values, reverse=True)


def test_course_report_view_pages(client, supervisor_jabar, many_learners, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 4)
    client.force_login(supervisor_jabar)
    url = reverse("laporan:course_report", args=["32", many_learners.a.pk])

    response = client.get(url, {"halaman": "3"})

    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, len(response.context["rows"])) == (3, 3, 3)
    assert "11 pegawai terdaftar" in response.content.decode()


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"employment_type": "pns"},
        {"position": "Staf"},
        {"employment_type": "pns", "position": "Staf"},
    ],
)
@pytest.mark.parametrize("below_only", [True, False])
@pytest.mark.parametrize("code", ["RI", "32", "32.04", "32.73"])
def test_jp_list_count_from_the_summary_equals_the_list(report_data, filters, below_only, code):
    refresh = summary_refresh()
    unit = OrgUnit.objects.get(code=code)
    report_filters = ReportFilters(year=report_data.year, **filters)
    report = unit_report(unit=unit, filters=report_filters, refresh=refresh)

    count = jp_list_count(report=report, refresh=refresh, below_only=below_only)

    qs = jp_list_queryset(unit=unit, filters=report_filters, refresh=refresh, below_only=below_only)
    assert count is not None
    assert count == qs.count()


def test_jp_list_is_counted_when_there_is_no_summary(report_data):
    unit = OrgUnit.objects.get(code="32")
    report = unit_report(unit=unit, filters=ReportFilters(year=report_data.year), refresh=None)
    assert jp_list_count(report=report, refresh=summary_latest(), below_only=True) is None


def test_jp_page_total_from_the_summary(client, supervisor_jabar, report_data):
    summary_refresh()
    client.force_login(supervisor_jabar)
    url = reverse("laporan:jp_compliance", args=["32"])
    assert client.get(url).context["page"].paginator.count == 5
    assert client.get(url, {"semua": "1"}).context["page"].paginator.count == 6


def test_course_filter_lists_every_course_and_marks_the_chosen_one(
    client, supervisor_jabar, report_data
):
    client.force_login(supervisor_jabar)
    url = reverse("laporan:unit_detail", args=["32"])
    html = client.get(url, {"kursus": report_data.b.pk}).content.decode()
    assert f'<option value="{report_data.b.pk}" selected>RPT-B Kursus B</option>' in html
    assert f'<option value="{report_data.a.pk}">RPT-A Kursus A</option>' in html
    assert '<option value="">Semua kursus</option>' in html

    # a course added or renamed later is listed at once (the cache follows the page tree)
    make_course("RPT-D", modules=(1,), title="Kursus <D>")
    report_data.a.title = "Kursus A baru"
    report_data.a.save()
    html = client.get(url).content.decode()
    assert '<option value="" selected>Semua kursus</option>' in html
    assert "RPT-D Kursus &lt;D&gt;</option>" in html
    assert "RPT-A Kursus A baru</option>" in html
