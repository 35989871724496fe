"""The unit report: figures per branch of the tree, from the summary or counted live, and
per course."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from kursus.models import CoursePage, Enrollment, JPCredit
from lms.organisasi.models import Employee, OrgUnit

from ..filters import ReportFilters, jp_bin_edges, jp_target
from ..models import JP_BINS, MONTHS, SummaryRefresh, UnitSummary

ACTIVE = Enrollment.Status.ACTIVE
COMPLETED = Enrollment.Status.COMPLETED


# Figures


@dataclass
class Figures:
    employees: int = 0
    jp_compliant: int = 0
    enrolled: int = 0
    not_started: int = 0
    completed: int = 0
    overdue: int = 0
    months: list[int] = field(default_factory=lambda: [0] * MONTHS)
    jp_bins: list[int] = field(default_factory=lambda: [0] * JP_BINS)

    @property
    def in_progress(self) -> int:
        return self.enrolled - self.completed - self.not_started

    @property
    def jp_below(self) -> int:
        return self.employees - self.jp_compliant

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.enrolled, 1) if self.enrolled else None

    @property
    def jp_rate(self) -> float | None:
        return round(100 * self.jp_compliant / self.employees, 1) if self.employees else None

    def add(self, other: "Figures") -> None:
        for name in ("employees", "jp_compliant", "enrolled", "not_started", "completed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.overdue += other.overdue
        self.months = [a + b for a, b in zip(self.months, other.months, strict=True)]
        self.jp_bins = [a + b for a, b in zip(self.jp_bins, other.jp_bins, strict=True)]

    def take_people(self, row: dict) -> None:
        self.employees = row.get("employees") or 0
        self.jp_compliant = row.get("jp_compliant") or 0
        self.jp_bins = [row.get(f"jp_h{b}") or 0 for b in range(JP_BINS)]

    def take_enrolments(self, row: dict) -> None:
        self.enrolled = row.get("enrolled") or 0
        self.not_started = row.get("not_started") or 0
        self.completed = row.get("completed") or 0
        self.overdue = row.get("overdue") or 0
        self.months = [row.get(f"m{m:02d}") or 0 for m in range(1, MONTHS + 1)]


def year_bounds(year: int) -> list[datetime.datetime]:
    """The 13 month starts of `year` (the last is New Year of the next) in local time."""
    tz = timezone.get_current_timezone()
    starts = [datetime.datetime(year, m, 1, tzinfo=tz) for m in range(1, MONTHS + 1)]
    return [*starts, datetime.datetime(year + 1, 1, 1, tzinfo=tz)]


def summary_latest() -> SummaryRefresh | None:
    """The newest finished refresh of the summary tables, or None when there is none."""
    return (
        SummaryRefresh.objects.filter(status=SummaryRefresh.Status.DONE)
        .order_by("-finished_at")
        .first()
    )


def summary_usable(refresh: SummaryRefresh | None, filters: ReportFilters) -> bool:
    return refresh is not None and filters.in_summary and filters.year in refresh.years


# Live counting: the reference the summary must equal.


def enrollment_base(*, unit: OrgUnit, filters: ReportFilters) -> QuerySet[Enrollment]:
    """Enrolments of active employees in `unit`'s subtree under the filters, whatever year."""
    qs = Enrollment.objects.filter(
        user__employee__is_active=True,
        user__employee__unit__path__startswith=unit.path,
        status__in=[ACTIVE, COMPLETED],
    )
    if filters.course_id:
        qs = qs.filter(course_id=filters.course_id)
    elif filters.category_id:
        qs = qs.filter(course__category_id=filters.category_id)
    if filters.mandatory:
        qs = qs.filter(assignment__isnull=False)
    if filters.employment_type:
        qs = qs.filter(user__employee__employment_type=filters.employment_type)
    if filters.position:
        qs = qs.filter(user__employee__position=filters.position)
    return qs


def enrollment_in_year(qs: QuerySet[Enrollment], year: int) -> QuerySet[Enrollment]:
    """The enrolments that count for `year`: made by its end, and open or completed in it or
    later. An enrolment completed before `year` belongs to an earlier year's figures."""
    bounds = year_bounds(year)
    return qs.filter(enrolled_at__lt=bounds[-1]).filter(
        Q(status=ACTIVE) | Q(status=COMPLETED, completed_at__gte=bounds[0])
    )


def _enrolment_aggregates(year: int, today: datetime.date) -> dict:
    bounds = year_bounds(year)
    aggregates = {
        "enrolled": Count("id"),
        "not_started": Count("id", filter=Q(status=ACTIVE, progress_percent=0)),
        "completed": Count("id", filter=Q(status=COMPLETED, completed_at__lt=bounds[-1])),
        "overdue": Count(
            "id", filter=Q(status=ACTIVE, assignment__isnull=False, due_date__lt=today)
        ),
    }
    for m in range(MONTHS):
        aggregates[f"m{m + 1:02d}"] = Count(
            "id",
            filter=Q(status=COMPLETED, completed_at__gte=bounds[m], completed_at__lt=bounds[m + 1]),
        )
    return aggregates


def jp_subquery(year: int) -> Subquery:
    return Subquery(
        JPCredit.objects.counted()
        .filter(user_id=OuterRef("user_id"), year=year)
        .values("user_id")
        .annotate(total=Sum("jp"))
        .values("total"),
        output_field=IntegerField(),
    )


def employee_base(*, unit: OrgUnit, filters: ReportFilters) -> QuerySet[Employee]:
    qs = Employee.objects.filter(is_active=True, unit__path__startswith=unit.path)
    if filters.employment_type:
        qs = qs.filter(employment_type=filters.employment_type)
    if filters.position:
        qs = qs.filter(position=filters.position)
    return qs


def _people_aggregates() -> dict:
    target, edges = jp_target(), jp_bin_edges()
    aggregates = {
        "employees": Count("id"),
        "jp_compliant": Count("id", filter=Q(jp_year__gte=target)),
        "jp_h0": Count("id", filter=Q(jp_year__lt=edges[0])),
    }
    for b in range(1, JP_BINS - 1):
        aggregates[f"jp_h{b}"] = Count(
            "id", filter=Q(jp_year__gte=edges[b - 1], jp_year__lt=edges[b])
        )
    aggregates[f"jp_h{JP_BINS - 1}"] = Count("id", filter=Q(jp_year__gte=edges[-1]))
    return aggregates


def _live_by_branch(*, unit: OrgUnit, filters: ReportFilters) -> dict[str, Figures]:
    """Figures per branch below `unit` (keyed by the child's path; people attached to `unit`
    itself under `unit.path`), in two grouped queries."""
    branch = Substr("user__employee__unit__path", 1, len(unit.path) + OrgUnit.steplen)
    result: dict[str, Figures] = {}
    enrolments = (
        enrollment_in_year(enrollment_base(unit=unit, filters=filters), filters.year)
        .annotate(branch=branch)
        .values("branch")
        .annotate(**_enrolment_aggregates(filters.year, timezone.localdate()))
        .order_by()
    )
    for row in enrolments:
        result.setdefault(row["branch"], Figures()).take_enrolments(row)
    people = (
        employee_base(unit=unit, filters=filters)
        .annotate(jp_year=Coalesce(jp_subquery(filters.year), Value(0)))
        .annotate(branch=Substr("unit__path", 1, len(unit.path) + OrgUnit.steplen))
        .values("branch")
        .annotate(**_people_aggregates())
        .order_by()
    )
    for row in people:
        result.setdefault(row["branch"], Figures()).take_people(row)
    return result


def _summary_by_unit(
    *, unit: OrgUnit, filters: ReportFilters, course_key: int | None = None
) -> dict[int, Figures]:
    """Figures of `unit` and of each child from the summary table, in one query."""
    course_key = filters.course_id or 0 if course_key is None else course_key
    category_key = 0 if course_key else filters.category_id or 0
    rows = (
        UnitSummary.objects.filter(Q(unit_id=unit.pk) | Q(parent_id=unit.pk))
        .filter(
            year=filters.year,
            employment_type=filters.employment_type,
            position=filters.position,
            course_key__in={0, course_key},
            category_key__in={0, category_key},
            mandatory_only__in={False, filters.mandatory},
        )
        .values()
    )
    result: dict[int, Figures] = {}
    for row in rows:
        figures = result.setdefault(row["unit_id"], Figures())
        if row["course_key"] == 0 and row["category_key"] == 0 and not row["mandatory_only"]:
            figures.take_people(row)
        if (
            row["course_key"] == course_key
            and row["category_key"] == category_key
            and row["mandatory_only"] == filters.mandatory
        ):
            figures.take_enrolments(row)
    return result


@dataclass
class UnitReport:
    unit: OrgUnit
    filters: ReportFilters
    figures: Figures
    children: list[dict]
    as_of: datetime.datetime | None  # None: counted live just now

    @property
    def direct(self) -> Figures:
        """People attached to the unit itself rather than to a unit below it."""
        rest = Figures()
        for row in self.children:
            rest.add(row["figures"])
        own = Figures(
            employees=self.figures.employees - rest.employees,
            jp_compliant=self.figures.jp_compliant - rest.jp_compliant,
            enrolled=self.figures.enrolled - rest.enrolled,
            not_started=self.figures.not_started - rest.not_started,
            completed=self.figures.completed - rest.completed,
            overdue=self.figures.overdue - rest.overdue,
        )
        return own


def unit_report(
    *, unit: OrgUnit, filters: ReportFilters, refresh: SummaryRefresh | None
) -> UnitReport:
    """Headline figures of `unit`'s subtree and the same figures for each child unit, in a
    fixed number of queries whatever the number of people or enrolments."""
    children = list(unit.get_children())
    rows = []
    if summary_usable(refresh, filters):
        by_unit = _summary_by_unit(unit=unit, filters=filters)
        total = by_unit.get(unit.pk, Figures())
        for child in children:
            figures = by_unit.get(child.pk, Figures())
            rows.append({"unit": child, "employees": figures.employees, "figures": figures})
        as_of = refresh.as_of
    else:
        by_branch = _live_by_branch(unit=unit, filters=filters)
        total = Figures()
        for figures in by_branch.values():
            total.add(figures)
        for child in children:
            figures = by_branch.get(child.path, Figures())
            rows.append({"unit": child, "employees": figures.employees, "figures": figures})
        as_of = None
    return UnitReport(unit=unit, filters=filters, figures=total, children=rows, as_of=as_of)


# Per course


def unit_course_rows(
    *, unit: OrgUnit, filters: ReportFilters, refresh: SummaryRefresh | None
) -> list[dict]:
    """One row per course with enrolments in `unit`'s subtree: the same figures per course."""
    courses = CoursePage.objects.order_by("code")
    if filters.course_id:
        courses = courses.filter(pk=filters.course_id)
    elif filters.category_id:
        courses = courses.filter(category_id=filters.category_id)
    by_course: dict[int, Figures] = {}
    per_course = ReportFilters(
        year=filters.year,
        mandatory=filters.mandatory,
        employment_type=filters.employment_type,
        position=filters.position,
        course_id=1,  # any course: asks whether course figures with these filters are summarised
    )
    if summary_usable(refresh, per_course):
        rows = UnitSummary.objects.filter(
            unit_id=unit.pk,
            year=filters.year,
            course_key__gt=0,
            category_key=0,
            mandatory_only=filters.mandatory,
            employment_type="",
            position="",
        ).values()
        for row in rows:
            by_course.setdefault(row["course_key"], Figures()).take_enrolments(row)
    else:
        rows = (
            enrollment_in_year(
                enrollment_base(
                    unit=unit,
                    filters=ReportFilters(
                        year=filters.year,
                        category_id=filters.category_id,
                        course_id=filters.course_id,
                        mandatory=filters.mandatory,
                        employment_type=filters.employment_type,
                        position=filters.position,
                    ),
                ),
                filters.year,
            )
            .values("course_id")
            .annotate(**_enrolment_aggregates(filters.year, timezone.localdate()))
            .order_by()
        )
        for row in rows:
            by_course.setdefault(row["course_id"], Figures()).take_enrolments(row)
    return [
        {"course": course, "figures": by_course[course.pk]}
        for course in courses.filter(pk__in=list(by_course))
    ]
