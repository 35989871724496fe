"""Report figures against the hand-computed data set of conftest.py, counted live and read
from the summary tables (which must agree)."""

import pytest

from laporan.filters import ReportFilters
from laporan.selectors import jp_list_queryset, summary_latest, unit_course_rows, unit_report
from laporan.summary import summary_refresh
from lms.organisasi.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["live", "summary"])
def refresh(request, report_data):
    if request.param == "summary":
        summary_refresh()
        return summary_latest()
    return None


def _report(code, refresh, **filters):
    filters.setdefault("year", refresh.years[0] if refresh else _year())
    filters = ReportFilters(**filters)
    report = unit_report(unit=OrgUnit.objects.get(code=code), filters=filters, refresh=refresh)
    assert (report.as_of is not None) == (refresh is not None and filters.in_summary)
    return report


def _year():
    from django.utils import timezone

    return timezone.localdate().year


def test_province_headline_figures(refresh):
    f = _report("32", refresh).figures

    assert (f.employees, f.enrolled, f.not_started, f.in_progress, f.completed) == (6, 7, 2, 1, 4)
    assert f.overdue == 1
    assert f.completion_rate == 57.1
    assert (f.jp_compliant, f.jp_rate) == (1, 16.7)
    assert f.months == [1, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert f.jp_bins == [3, 1, 1, 0, 0, 1]


def test_child_units_add_up_with_the_unit_itself(refresh):
    report = _report("32", refresh)

    rows = {row["unit"].code: row["figures"] for row in report.children}
    assert len(rows) == 27
    bandung, bekasi, bogor = rows["32.04"], rows["32.75"], rows["32.01"]
    assert (bandung.employees, bandung.enrolled, bandung.completed, bandung.overdue) == (2, 3, 2, 1)
    assert (bandung.in_progress, bandung.jp_compliant) == (1, 1)
    assert (bekasi.employees, bekasi.enrolled, bekasi.completed, bekasi.not_started) == (2, 3, 2, 1)
    assert bekasi.jp_compliant == 0
    assert (bogor.employees, bogor.enrolled, bogor.not_started) == (1, 1, 1)
    assert rows["32.73"].employees == 0
    direct = report.direct
    assert (direct.employees, direct.enrolled) == (1, 0)  # the supervisor, at the province


def test_national_figures_include_other_provinces(refresh):
    f = _report("RI", refresh).figures
    assert (f.employees, f.enrolled, f.completed) == (7, 8, 5)


def test_regency_drill_down(refresh):
    report = _report("32.04", refresh)
    assert (report.figures.employees, report.figures.enrolled) == (2, 3)
    assert report.children == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # (enrolled, not started, in progress, completed, overdue)
        ({"course": "a"}, (4, 1, 1, 2, 1)),
        ({"category": "bimtek"}, (2, 1, 0, 1, 0)),
        ({"mandatory": True}, (2, 1, 1, 0, 1)),
        ({"employment_type": "pns"}, (5, 2, 0, 3, 0)),
        ({"position": "Operator"}, (1, 0, 1, 0, 1)),
        ({"course": "a", "employment_type": "pns"}, (2, 1, 0, 1, 0)),  # live even with summary
        ({"course": "a", "mandatory": True}, (2, 1, 1, 0, 1)),
    ],
)
def test_filters(refresh, report_data, filters, expected):
    from kursus.models import CourseCategory

    filters = dict(filters)  # the parameter is shared by every run of the test
    if "course" in filters:
        filters["course_id"] = getattr(report_data, filters.pop("course")).pk
    if "category" in filters:
        filters["category_id"] = CourseCategory.objects.get(slug=filters.pop("category")).pk

    f = _report("32", refresh, **filters).figures

    assert (f.enrolled, f.not_started, f.in_progress, f.completed, f.overdue) == expected


def test_people_filters_narrow_the_employee_figures(refresh):
    pns = _report("32", refresh, employment_type="pns").figures
    operator = _report("32", refresh, position="Operator").figures
    assert (pns.employees, pns.jp_compliant) == (4, 1)
    assert (operator.employees, operator.jp_compliant) == (1, 0)


def test_course_filters_leave_the_employee_figures_alone(refresh, report_data):
    f = _report("32", refresh, course_id=report_data.b.pk).figures
    assert (f.employees, f.jp_compliant, f.enrolled, f.completed) == (6, 1, 1, 1)


def test_previous_year(refresh, report_data):
    f = _report("32", refresh, year=report_data.year - 1).figures
    assert (f.enrolled, f.completed) == (1, 1)
    assert f.months[10] == 1
    assert f.jp_bins == [5, 0, 0, 1, 0, 0]  # citra's 12 JP


def test_course_rows(refresh, report_data):
    rows = unit_course_rows(
        unit=OrgUnit.objects.get(code="32"),
        filters=ReportFilters(year=report_data.year),
        refresh=refresh,
    )
    by_code = {row["course"].code: row["figures"] for row in rows}
    assert set(by_code) == {"RPT-A", "RPT-B", "RPT-C"}
    assert (by_code["RPT-A"].enrolled, by_code["RPT-A"].completed) == (4, 2)
    assert (by_code["RPT-B"].enrolled, by_code["RPT-B"].completed) == (1, 1)
    assert (by_code["RPT-C"].enrolled, by_code["RPT-C"].not_started) == (2, 1)


def test_jp_list_under_target(refresh, report_data):
    rows = list(
        jp_list_queryset(
            unit=OrgUnit.objects.get(code="32"),
            filters=ReportFilters(year=report_data.year),
            refresh=refresh,
        )
    )
    assert [(r["full_name"], r["jp"]) for r in rows][-2:] == [
        ("Citra Dewi", 4),
        ("Dedi Gunawan", 8),
    ]
    names = {r["full_name"] for r in rows}
    assert "Ani Lestari" not in names  # 20 JP: on target
    assert "Eka Inaktif" not in names and "Fajar Semarang" not in names
    assert len(rows) == 5


def test_summary_agrees_with_a_live_recount_after_changes(report_data):
    from laporan.selectors.units import _live_by_branch, _summary_by_unit

    summary_refresh()
    unit = OrgUnit.objects.get(code="32")
    filters = ReportFilters(year=report_data.year)
    live = _live_by_branch(unit=unit, filters=filters)
    summary = _summary_by_unit(unit=unit, filters=filters)
    for child in unit.get_children():
        if child.path in live:
            assert summary[child.pk] == live[child.path], child.code


def test_people_without_a_position_are_counted_once(report_data, make_employee):
    make_employee("32.04", position="")
    summary_refresh()
    report = _report("32", summary_latest())
    assert report.figures.employees == 7


def test_the_refresh_gives_the_planner_statistics_of_the_new_rows(report_data):
    """On PostgreSQL the summary tables are analysed before the new rows become visible: with
    the statistics of the old (or no) rows the JP list at national scale took a plan three
    times slower. SQLite keeps no such statistics."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        summary_refresh()
    analysed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analysed == ['ANALYZE "laporan_unitsummary", "laporan_employeeyearsummary"']
    else:
        assert analysed == []
