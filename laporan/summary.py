"""Rebuilding the summary tables: a few set-based SQL statements, never a row per person in
Python, so that a refresh over ten million enrolments is a matter of the database's speed.

1. One statement per year aggregates every current enrolment into staging rows per unit
   (where the people work), course and people attributes. Another writes each active
   employee's JP for the year (course credits a programme credit took over, `counted_in`
   set, not counted again), and a third groups those into staging rows per unit.
2. For each depth of the tree and each combination of filters the pages ask for, one
   statement sums the staging rows by path prefix into subtree totals per unit.

It all runs in one transaction: readers keep seeing the previous figures until it commits.
Statement 1 reads the enrolments once, so every figure of a refresh comes from one snapshot.
"""

import time

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kursus.models import CoursePage, Enrollment, JPCredit
from lms.organisasi.models import Employee, OrgUnit

from .filters import jp_bin_edges, jp_target, report_years
from .models import (
    JP_BINS,
    METRIC_FIELDS,
    MONTHS,
    EmployeeYearSummary,
    LeafStat,
    SummaryRefresh,
    UnitSummary,
)
from .selectors import year_bounds

ADVISORY_LOCK = 720_601  # PostgreSQL: one refresh at a time

# The combinations of filters kept in UnitSummary: (dimensions, only rows with a course).
ROLLUPS = [
    ((), False),
    (("course_key",), True),
    (("category_key",), True),
    (("employment_type",), False),
    (("position",), False),
    (("employment_type", "position"), False),
]


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _dt(value):
    return connection.ops.adapt_datetimefield_value(value)


def _insert_leaf_enrolments(cursor, year: int, today) -> None:
    bounds = [_dt(b) for b in year_bounds(year)]
    months = ", ".join(
        "SUM(CASE WHEN e.status = %s AND e.completed_at >= %s AND e.completed_at < %s "
        "THEN 1 ELSE 0 END)"
        for _m in range(MONTHS)
    )
    month_params = []
    for m in range(MONTHS):
        month_params += [Enrollment.Status.COMPLETED, bounds[m], bounds[m + 1]]
    zeros = ", ".join("0" for _b in range(JP_BINS))
    sql = f"""
        INSERT INTO {_t(LeafStat)} (
            year, unit_path, course_key, category_key, mandatory, employment_type, position,
            employees, jp_compliant, enrolled, not_started, completed, overdue,
            {", ".join(f"m{m:02d}" for m in range(1, MONTHS + 1))},
            {", ".join(f"jp_h{b}" for b in range(JP_BINS))}
        )
        SELECT %s, u.path, e.course_id, c.category_id, (e.assignment_id IS NOT NULL),
            emp.employment_type, emp.position,
            0, 0, COUNT(*),
            SUM(CASE WHEN e.status = %s AND e.progress_percent = 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.status = %s AND e.completed_at < %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.status = %s AND e.assignment_id IS NOT NULL AND e.due_date < %s
                THEN 1 ELSE 0 END),
            {months}, {zeros}
        FROM {_t(Enrollment)} e
        JOIN {_t(Employee)} emp ON emp.user_id = e.user_id
        JOIN {_t(OrgUnit)} u ON u.id = emp.unit_id
        JOIN {_t(CoursePage)} c ON c.page_ptr_id = e.course_id
        WHERE emp.is_active = %s AND e.enrolled_at < %s
            AND (e.status = %s OR (e.status = %s AND e.completed_at >= %s))
        GROUP BY u.path, e.course_id, c.category_id, (e.assignment_id IS NOT NULL),
            emp.employment_type, emp.position
    """  # noqa: S608 (table names come from the models, values are parameters)
    params = [
        year,
        Enrollment.Status.ACTIVE,
        Enrollment.Status.COMPLETED,
        bounds[-1],
        Enrollment.Status.ACTIVE,
        connection.ops.adapt_datefield_value(today),
        *month_params,
        True,
        bounds[-1],
        Enrollment.Status.ACTIVE,
        Enrollment.Status.COMPLETED,
        bounds[0],
    ]
    cursor.execute(sql, params)


def _insert_employee_years(cursor, year: int) -> None:
    sql = f"""
        INSERT INTO {_t(EmployeeYearSummary)} (
            year, employee_id, user_id, unit_id, unit_path, full_name, nip, employment_type,
            position, jp, courses
        )
        SELECT %s, emp.id, emp.user_id, emp.unit_id, u.path, emp.full_name, emp.nip,
            emp.employment_type, emp.position, COALESCE(j.jp, 0), COALESCE(j.n, 0)
        FROM {_t(Employee)} emp
        JOIN {_t(OrgUnit)} u ON u.id = emp.unit_id
        LEFT JOIN (
            SELECT user_id, SUM(jp) AS jp, COUNT(*) AS n FROM {_t(JPCredit)}
            WHERE year = %s AND counted_in_id IS NULL GROUP BY user_id
        ) j ON j.user_id = emp.user_id
        WHERE emp.is_active = %s
    """  # noqa: S608
    cursor.execute(sql, [year, year, True])


def _insert_leaf_people(cursor, year: int) -> None:
    edges, target = jp_bin_edges(), jp_target()
    bins = ["SUM(CASE WHEN jp < %s THEN 1 ELSE 0 END)"]
    params = [edges[0]]
    for b in range(1, JP_BINS - 1):
        bins.append("SUM(CASE WHEN jp >= %s AND jp < %s THEN 1 ELSE 0 END)")
        params += [edges[b - 1], edges[b]]
    bins.append("SUM(CASE WHEN jp >= %s THEN 1 ELSE 0 END)")
    params.append(edges[-1])
    zeros = ", ".join("0" for _m in range(MONTHS))
    sql = f"""
        INSERT INTO {_t(LeafStat)} (
            year, unit_path, course_key, category_key, mandatory, employment_type, position,
            employees, jp_compliant, enrolled, not_started, completed, overdue,
            {", ".join(f"m{m:02d}" for m in range(1, MONTHS + 1))},
            {", ".join(f"jp_h{b}" for b in range(JP_BINS))}
        )
        SELECT year, unit_path, 0, 0, %s, employment_type, position,
            COUNT(*), SUM(CASE WHEN jp >= %s THEN 1 ELSE 0 END), 0, 0, 0, 0,
            {zeros}, {", ".join(bins)}
        FROM {_t(EmployeeYearSummary)}
        WHERE year = %s
        GROUP BY year, unit_path, employment_type, position
    """  # noqa: S608
    cursor.execute(sql, [False, target, *params, year])


def _insert_rollup(cursor, year: int, depth: int, dims: tuple, courses_only: bool, mandatory):
    step = OrgUnit.steplen
    metrics = ", ".join(METRIC_FIELDS)
    sums = ", ".join(f"SUM(s.{name})" for name in METRIC_FIELDS)
    select_dims = {
        "course_key": "s.course_key" if "course_key" in dims else "0",
        "category_key": "s.category_key" if "category_key" in dims else "0",
        "employment_type": "s.employment_type" if "employment_type" in dims else "''",
        "position": "s.position" if "position" in dims else "''",
    }
    where = ["s.year = %s", "LENGTH(s.unit_path) >= %s"]
    if courses_only:
        where.append("s.course_key > 0")
    if "position" in dims:
        where.append("s.position <> ''")  # "" is the key for every position
    if mandatory:
        where.append("s.mandatory = %s")
    group = ["u.id", "p.id", *(f"s.{d}" for d in dims)]
    sql = f"""
        INSERT INTO {_t(UnitSummary)} (
            unit_id, parent_id, year, course_key, category_key, mandatory_only,
            employment_type, position, {metrics}
        )
        SELECT u.id, p.id, s.year, {select_dims["course_key"]}, {select_dims["category_key"]},
            %s, {select_dims["employment_type"]}, {select_dims["position"]}, {sums}
        FROM {_t(LeafStat)} s
        JOIN {_t(OrgUnit)} u ON u.path = SUBSTR(s.unit_path, 1, %s)
        LEFT JOIN {_t(OrgUnit)} p ON p.path = SUBSTR(s.unit_path, 1, %s)
        WHERE {" AND ".join(where)}
        GROUP BY s.year, {", ".join(group)}
    """  # noqa: S608
    params = [bool(mandatory), depth * step, (depth - 1) * step, year, depth * step]
    if mandatory:
        params.append(True)
    cursor.execute(sql, params)


def summary_refresh(*, years: list[int] | None = None) -> SummaryRefresh:
    """Rebuild every summary row from the enrolments, employees and JP ledger as they are now.
    Safe to run at any time and concurrently with learners: the swap is one transaction."""
    run = SummaryRefresh.objects.create()
    started = time.perf_counter()
    years = years or report_years()
    today = timezone.localdate()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            as_of = timezone.now()
            LeafStat.objects.all().delete()
            UnitSummary.objects.all().delete()
            EmployeeYearSummary.objects.all().delete()
            max_depth = OrgUnit.objects.aggregate(d=Max("depth"))["d"] or 0
            for year in years:
                _insert_leaf_enrolments(cursor, year, today)
                _insert_employee_years(cursor, year)
                _insert_leaf_people(cursor, year)
                for depth in range(1, max_depth + 1):
                    for dims, courses_only in ROLLUPS:
                        for mandatory in (False, True):
                            _insert_rollup(cursor, year, depth, dims, courses_only, mandatory)
            run.leaf_rows = LeafStat.objects.count()
            LeafStat.objects.all().delete()
            if connection.vendor == "postgresql":
                # Every row is new: without fresh statistics the planner takes a large subtree
                # for a handful of rows and reads all of it to sort (3x slower JP lists at
                # national scale) until autovacuum gets round to it. Analysed in the same
                # transaction, the new rows and their statistics become visible together.
                cursor.execute(f"ANALYZE {_t(UnitSummary)}, {_t(EmployeeYearSummary)}")
            run.summary_rows = UnitSummary.objects.count()
            run.as_of = as_of
            run.years = years
            run.status = SummaryRefresh.Status.DONE
            run.finished_at = timezone.now()
            run.seconds = time.perf_counter() - started
            run.save()
    except Exception as exc:
        SummaryRefresh.objects.filter(pk=run.pk).update(
            status=SummaryRefresh.Status.FAILED,
            finished_at=timezone.now(),
            seconds=time.perf_counter() - started,
            error=repr(exc)[:2000],
        )
        raise
    SummaryRefresh.objects.exclude(pk=run.pk).filter(
        started_at__lt=run.started_at, status=SummaryRefresh.Status.DONE
    ).delete()
    return run
