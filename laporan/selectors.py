"""Reads of the reports. Every function takes a unit that the caller obtained through
`lms.organisasi.selectors.orgunit_get_visible` (or `orgunit_scope_root`): scope is decided
there, and everything here stays inside `unit`'s subtree.

Figures come from the summary tables when a refresh has finished and holds the requested
filters (a few rows read by key, whatever the number of people), and are otherwise counted
live by the database, grouped along the tree by path prefix. Both give the same numbers; the
summary's are as of its refresh time, which the pages show.
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kursus.models import CoursePage, Enrollment, JPCredit
from lms.organisasi.models import Employee, OrgUnit

from .filters import ReportFilters, jp_bin_edges, jp_target
from .models import JP_BINS, MONTHS, EmployeeYearSummary, SummaryRefresh, UnitSummary

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
        JPCredit.objects.filter(user_id=OuterRef("user_id"), year=year)
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


# Course report: each employee's status in one course

STATUS_NOT_STARTED = "belum-mulai"
STATUS_IN_PROGRESS = "sedang"
STATUS_COMPLETED = "selesai"
STATUS_OVERDUE = "terlambat"
STATUS_CHOICES = [
    ("", _("Semua status")),
    (STATUS_NOT_STARTED, _("Belum mulai")),
    (STATUS_IN_PROGRESS, _("Sedang belajar")),
    (STATUS_COMPLETED, _("Selesai")),
    (STATUS_OVERDUE, _("Terlambat (wajib)")),
]
COURSE_ORDERS = {
    "nama": ("report_name", "id"),
    "unit": ("report_unit_path", "report_name", "id"),
    "kemajuan": ("progress_percent", "report_name", "id"),
    "-kemajuan": ("-progress_percent", "report_name", "id"),
    "batas": ("due_date", "report_name", "id"),
}

# Columns other parts of the LMS add to the course report (quiz scores and pre/post gain from
# the quiz engine, certificate number and link from sertifikat): (key, header) pairs here, and
# their values per enrolment from `course_report_extras`. Screen and exports both read them.
COURSE_REPORT_EXTRA_COLUMNS: list[tuple[str, str]] = [
    ("pretest", _("Pre-test")),
    ("posttest", _("Post-test")),
    ("gain", _("Peningkatan")),
    ("certificate", _("Nomor sertifikat")),
]


class LinkedValue(str):
    """Text that the screen shows as a link and the exports write as plain text."""

    url: str = ""

    def __new__(cls, text: str, url: str = ""):
        value = super().__new__(cls, text)
        value.url = url
        return value


def _grade_text(value) -> str:
    return "" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


def course_report_extras(*, course: CoursePage, enrollments: list[dict]) -> dict[int, dict]:
    """Quiz grades (pre-test, post-test, their gain) and the certificate in force of each
    enrolment of the page (or export chunk): one query per source, whatever the rows."""
    from kursus.kuis.grading import grade_fold
    from kursus.models import QuizAttempt, QuizPage
    from kursus.selectors import course_quiz_rows
    from sertifikat.selectors import certificate_links

    if not enrollments:
        return {}
    user_ids = {e["user_id"] for e in enrollments}
    tests = {
        quiz["id"]: quiz
        for quiz in course_quiz_rows(course)
        if quiz["kind"] in (QuizPage.Kind.PRETEST, QuizPage.Kind.POSTTEST)
    }
    grades: dict[tuple[int, str], object] = {}
    if tests:
        rows = (
            QuizAttempt.objects.filter(quiz_id__in=tests, user_id__in=user_ids)
            .exclude(status=QuizAttempt.Status.IN_PROGRESS)
            .order_by("number")
            .values_list("user_id", "quiz_id", "percent")
        )
        for user_id, quiz_id, percent in rows:
            quiz = tests[quiz_id]
            key = (user_id, quiz["kind"])
            grades[key] = grade_fold(grades.get(key), percent, quiz["grading"])
    certificates = certificate_links(user_ids=user_ids, subject_ids=[course.pk])
    extras = {}
    for enrollment in enrollments:
        user_id = enrollment["user_id"]
        pre = grades.get((user_id, QuizPage.Kind.PRETEST))
        post = grades.get((user_id, QuizPage.Kind.POSTTEST))
        cert = certificates.get((user_id, course.pk))
        extras[enrollment["id"]] = {
            "pretest": _grade_text(pre),
            "posttest": _grade_text(post),
            "gain": _grade_text(post - pre) if pre is not None and post is not None else "",
            "certificate": LinkedValue(cert["number"], cert["url"] or "") if cert else "",
        }
    return extras


def course_report_ids(
    *,
    unit: OrgUnit,
    course: CoursePage,
    filters: ReportFilters,
    status: str = "",
    order: str = "nama",
) -> QuerySet[Enrollment]:
    """Every current enrolment in `course` of active employees in `unit`'s subtree, ordered,
    without joins: the enrolments are read by the (course, unit) index, the unit being the
    copy of the learner's unit on the enrolment, and each one's employee is then looked up by
    its unique user id (a correlated subquery the planner cannot turn into a scan of the
    employee table) to check that they are active and still in the subtree: a stale copy can
    hide someone who just moved in (until `enrollment_units_reconcile`), never show someone
    in a unit they left. So the cost follows the course's enrolments in the subtree, not the
    number of employees in it or in the country. The subtree is the set of its unit ids."""
    employee = Employee.objects.filter(user_id=OuterRef("user_id"), is_active=True).order_by()
    if filters.employment_type:
        employee = employee.filter(employment_type=filters.employment_type)
    if filters.position:
        employee = employee.filter(position=filters.position)
    subtree = OrgUnit.objects.filter(path__startswith=unit.path).values("pk")
    qs = (
        Enrollment.objects.filter(course_id=course.pk, status__in=[ACTIVE, COMPLETED])
        # An enrolment without its copy yet (written by an old process during a deploy) is
        # looked up like the rest; the nightly reconciliation gives it one.
        .filter(Q(unit_id__in=subtree) | Q(unit_id__isnull=True))
        .annotate(report_unit_id=Subquery(employee.values("unit_id")))
        .filter(report_unit_id__in=subtree)
    )
    if filters.mandatory:
        qs = qs.filter(assignment__isnull=False)
    if status == STATUS_NOT_STARTED:
        qs = qs.filter(status=ACTIVE, progress_percent=0)
    elif status == STATUS_IN_PROGRESS:
        qs = qs.filter(status=ACTIVE, progress_percent__gt=0)
    elif status == STATUS_COMPLETED:
        qs = qs.filter(status=COMPLETED)
    elif status == STATUS_OVERDUE:
        qs = qs.filter(status=ACTIVE, assignment__isnull=False, due_date__lt=timezone.localdate())
    ordering = COURSE_ORDERS.get(order, COURSE_ORDERS["nama"])
    qs = qs.annotate(
        report_name=Subquery(
            Employee.objects.filter(user_id=OuterRef("user_id")).order_by().values("full_name")
        )
    )
    if "report_unit_path" in ordering:
        qs = qs.annotate(
            report_unit_path=Subquery(
                OrgUnit.objects.filter(pk=OuterRef("report_unit_id")).order_by().values("path")
            )
        )
    return qs.order_by(*ordering)


def course_report_queryset(
    *,
    unit: OrgUnit,
    course: CoursePage,
    filters: ReportFilters,
    status: str = "",
    order: str = "nama",
) -> QuerySet:
    """The rows of `course_report_ids` with their employee and unit, for the exports."""
    return _with_people(
        course_report_ids(unit=unit, course=course, filters=filters, status=status, order=order)
    )


# What a course report row shows of an enrolment, its employee and unit (see
# course_report_row), read as plain values: fifty rows as model instances (enrolment, user,
# employee, unit) took longer to build than to query.
COURSE_REPORT_ROW_FIELDS = (
    "id",
    "user_id",
    "status",
    "progress_percent",
    "completed_at",
    "assignment_id",
    "due_date",
)
COURSE_REPORT_PEOPLE_FIELDS = {
    "full_name": F("user__employee__full_name"),
    "nip": F("user__employee__nip"),
    "position": F("user__employee__position"),
    "employment_type": F("user__employee__employment_type"),
    "unit_name": F("user__employee__unit__name"),
}


def _with_people(qs: QuerySet[Enrollment]) -> QuerySet:
    return qs.values(*COURSE_REPORT_ROW_FIELDS, **COURSE_REPORT_PEOPLE_FIELDS)


def course_report_page(
    *,
    unit: OrgUnit,
    course: CoursePage,
    filters: ReportFilters,
    status: str = "",
    order: str = "nama",
    number,
    per_page: int,
) -> Page:
    """One page of the course report in two queries whatever the number of people: the
    page's enrolment ids with the exact total (a window count over the same filtered rows,
    so no second pass for the paginator), then those enrolments' rows (see
    COURSE_REPORT_ROW_FIELDS). A page number past the end gives the last page, as
    `Paginator.get_page` does."""
    base = course_report_ids(unit=unit, course=course, filters=filters, status=status, order=order)
    ids = base.annotate(report_total=Window(Count("id"))).values_list("id", "report_total")
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    picked = list(ids[(number - 1) * per_page : number * per_page])
    if picked:
        total = picked[0][1]
    else:
        total = base.count() if number > 1 else 0
        number = max(1, -(-total // per_page))
        if total:
            picked = list(ids[(number - 1) * per_page : number * per_page])
    by_id = {
        row["id"]: row
        for row in _with_people(Enrollment.objects.filter(pk__in=[pk for pk, _n in picked]))
    }
    paginator = Paginator([], per_page)
    paginator.count = total  # the window count: exact, and already read
    return Page([by_id[pk] for pk, _total in picked], number, paginator)


# The labels once: get_employment_type_display() hashes every choice's lazy label, which means
# translating each one, on every call (the better part of a millisecond per row).
EMPLOYMENT_TYPE_LABELS = dict(Employee.EmploymentType.choices)


def course_report_row(enrollment: dict, *, today: datetime.date, extras: dict) -> dict:
    """One row of the course report, from a row of COURSE_REPORT_ROW_FIELDS."""
    status = enrollment["status"]
    assigned = enrollment["assignment_id"] is not None
    due_date = enrollment["due_date"]
    overdue = bool(status == ACTIVE and assigned and due_date and due_date < today)
    if status == COMPLETED:
        status, label = STATUS_COMPLETED, _("Selesai")
    elif enrollment["progress_percent"] == 0:
        status, label = STATUS_NOT_STARTED, _("Belum mulai")
    else:
        status, label = STATUS_IN_PROGRESS, _("Sedang belajar")
    employment_type = enrollment["employment_type"]
    return {
        "id": enrollment["id"],
        "name": enrollment["full_name"],
        "nip": enrollment["nip"] or "",
        "unit": enrollment["unit_name"],
        "position": enrollment["position"],
        "employment_type": EMPLOYMENT_TYPE_LABELS.get(employment_type, employment_type),
        "status": status,
        "status_label": label,
        "progress": enrollment["progress_percent"],
        "completed_at": enrollment["completed_at"],
        "mandatory": assigned,
        "due_date": due_date,
        "overdue": overdue,
        "extras": [
            extras.get(enrollment["id"], {}).get(key, "")
            for key, _label in COURSE_REPORT_EXTRA_COLUMNS
        ],
    }


def course_report_rows(enrollments: list[dict], *, course: CoursePage) -> list[dict]:
    extras = course_report_extras(course=course, enrollments=enrollments)
    today = timezone.localdate()
    return [course_report_row(e, today=today, extras=extras) for e in enrollments]


# JP compliance: each employee's JP for the year against the target

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
                    JPCredit.objects.filter(user_id=OuterRef("user_id"), year=filters.year)
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
    """Decorate a page of jp_list_queryset with unit names and the courses credited in the
    year: two queries per page."""
    units = dict(
        OrgUnit.objects.filter(pk__in={r["unit_id"] for r in rows}).values_list("pk", "name")
    )
    done: dict[int, list[str]] = {}
    for credit in (
        JPCredit.objects.filter(user_id__in=[r["user_id"] for r in rows], year=year)
        .select_related("course")
        .order_by("completed_at")
    ):
        done.setdefault(credit.user_id, []).append(f"{credit.course.code} ({credit.jp} JP)")
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


# Overdue mandatory courses (for the supervisors' emails and the employees' reminders)


def overdue_enrollments(*, unit: OrgUnit | None = None) -> QuerySet[Enrollment]:
    qs = Enrollment.objects.filter(
        status=ACTIVE,
        assignment__isnull=False,
        due_date__lt=timezone.localdate(),
        user__employee__is_active=True,
    )
    if unit is not None:
        qs = qs.filter(user__employee__unit__path__startswith=unit.path)
    return qs
