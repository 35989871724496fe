"""The course report: each employee's status in one course, with the columns other parts of
the LMS add."""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kursus.kuis.grading import grade_fold
from kursus.models import CoursePage, Enrollment, QuizAttempt, QuizPage
from kursus.selectors import course_quiz_rows
from lms.organisasi.models import Employee, OrgUnit
from sertifikat.selectors import certificate_links

from ..filters import ReportFilters

ACTIVE = Enrollment.Status.ACTIVE
COMPLETED = Enrollment.Status.COMPLETED


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
    "employee_id": F("user__employee__id"),
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
        "user_id": enrollment["user_id"],
        "employee_id": enrollment["employee_id"],
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
