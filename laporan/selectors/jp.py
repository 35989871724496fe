"""JP compliance: each employee's JP for the year against the target."""

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from kursus.models import JPCredit
from lms.organisasi.models import OrgUnit

from ..filters import ReportFilters, jp_target
from ..models import EmployeeYearSummary, SummaryRefresh
from .courses import EMPLOYMENT_TYPE_LABELS
from .units import UnitReport, employee_base, jp_subquery, summary_usable

JP_ORDERS = {
    "jp": ("jp", "full_name", "employee_id"),
    "-jp": ("-jp", "full_name", "employee_id"),
    "nama": ("full_name", "employee_id"),
    "unit": ("unit_path", "full_name", "employee_id"),
}
SMALL_SUBTREE = 5_000
JP_FIELDS = (
    "employee_id",
    "user_id",
    "unit_id",
    "full_name",
    "nip",
    "employment_type",
    "position",
    "jp",
    "courses",
)


def jp_list_queryset(
    *,
    unit: OrgUnit,
    filters: ReportFilters,
    refresh: SummaryRefresh | None,
    below_only: bool = True,
    order: str = "jp",
    subtree_people: int | None = None,
) -> QuerySet:
    """Active employees of `unit`'s subtree with their JP for the year (as dicts), those under
    the target only unless `below_only` is False.

    `subtree_people` (the number of people of the subtree, from the report's figures) lets a
    small subtree be read by its path and sorted (at most SMALL_SUBTREE rows), rather than by
    walking the whole year in the list's order until a page of them turns up, which the
    planner would otherwise pick for a short first page."""
    ordering = JP_ORDERS.get(order, JP_ORDERS["jp"])
    people = ReportFilters(
        year=filters.year, employment_type=filters.employment_type, position=filters.position
    )
    if summary_usable(refresh, people):
        qs = EmployeeYearSummary.objects.filter(year=filters.year, unit_path__startswith=unit.path)
        if filters.employment_type:
            qs = qs.filter(employment_type=filters.employment_type)
        if filters.position:
            qs = qs.filter(position=filters.position)
        if subtree_people is not None and subtree_people <= SMALL_SUBTREE:
            first = ordering[0].lstrip("-")
            key = Coalesce(F(first), F(first))  # the same value, but no index yields its order
            key = key.desc() if ordering[0].startswith("-") else key.asc()
            ordering = (key, *ordering[1:])
    else:
        qs = employee_base(unit=unit, filters=filters).annotate(
            employee_id=F("id"),
            unit_path=F("unit__path"),
            jp=Coalesce(jp_subquery(filters.year), Value(0)),
            courses=Coalesce(
                Subquery(
                    JPCredit.objects.counted()
                    .filter(user_id=OuterRef("user_id"), year=filters.year)
                    .values("user_id")
                    .annotate(n=Count("id"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
    if below_only:
        qs = qs.filter(jp__lt=jp_target())
    return qs.values(*JP_FIELDS).order_by(*ordering)


def jp_list_count(
    *, report: UnitReport, refresh: SummaryRefresh | None, below_only: bool = True
) -> int | None:
    """The number of rows of `jp_list_queryset` for the same unit and filters, read from
    `report` when both come from the same summary refresh (its people figures are counted
    from the very rows the list reads, so the number is exact), else None: count the list."""
    filters = report.filters
    people = ReportFilters(
        year=filters.year, employment_type=filters.employment_type, position=filters.position
    )
    if report.as_of is None or refresh is None or report.as_of != refresh.as_of:
        return None
    if not summary_usable(refresh, people):
        return None
    return report.figures.jp_below if below_only else report.figures.employees


def jp_rows(rows: list[dict], *, year: int) -> list[dict]:
    """Decorate a page of jp_list_queryset with unit names and the courses and programmes
    credited in the year (a programme as one entry, its courses not again): two queries
    per page."""
    units = dict(
        OrgUnit.objects.filter(pk__in={r["unit_id"] for r in rows}).values_list("pk", "name")
    )
    done: dict[int, list[str]] = {}
    for credit in (
        JPCredit.objects.counted()
        .filter(user_id__in=[r["user_id"] for r in rows], year=year)
        .select_related("course", "programme")
        .order_by("completed_at")
    ):
        name = credit.course.code if credit.course_id else credit.programme.title
        done.setdefault(credit.user_id, []).append(f"{name} ({credit.jp} JP)")
    target = jp_target()
    return [
        {
            **row,
            "unit": units.get(row["unit_id"], ""),
            "employment_type_label": EMPLOYMENT_TYPE_LABELS.get(row["employment_type"], ""),
            "shortfall": max(0, target - row["jp"]),
            "done": done.get(row["user_id"], []),
        }
        for row in rows
    ]
