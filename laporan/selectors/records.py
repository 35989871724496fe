"""An employee's learning record, as their supervisor reads it: courses, scores, JP per year,
certificates and the reminders sent. The caller finds the employee through
`employee_record_get`, which keeps to the supervisor's unit subtree."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kursus.kuis.grading import grade_fold
from kursus.models import Enrollment, JPCredit, QuizAttempt, QuizPage
from lms.organisasi.models import Employee, OrgUnit
from lms.organisasi.selectors import employee_list_visible, orgunit_subtree_filter
from sertifikat.selectors import STATUS_LABELS as CERTIFICATE_STATUS_LABELS
from sertifikat.selectors import certificate_list_for_user

from ..models import Reminder, ReminderBatch

ENROLLMENT_STATUS_LABELS = dict(Enrollment.Status.choices)
QUIZ_KIND_LABELS = dict(QuizPage.Kind.choices)
REMINDER_KIND_LABELS = dict(ReminderBatch.Kind.choices)
REMINDER_STATUS_LABELS = dict(Reminder.Status.choices)
REMINDERS_SHOWN = 10


def employee_record_get(user, *, unit: OrgUnit, employee_id: int) -> Employee:
    """The employee with `employee_id` if they work in `unit`'s subtree and `user` may see
    them; 404 otherwise, as for a unit outside the scope. `unit` comes from
    `orgunit_get_visible`."""
    employee = (
        employee_list_visible(user)
        .filter(orgunit_subtree_filter(unit), pk=employee_id)
        .select_related("unit", "user")
        .first()
    )
    if employee is None:
        raise Http404
    return employee


@dataclass
class RecordCourse:
    course_id: int
    code: str
    title: str
    jp: int
    status: str
    status_label: str
    progress: int
    enrolled_at: object
    completed_at: object
    last_activity_at: object
    due_date: object
    mandatory: bool
    path: str
    quizzes: list[dict] = field(default_factory=list)
    pre: object = None
    post: object = None

    @property
    def gain(self):
        if self.pre is None or self.post is None:
            return None
        return self.post - self.pre


@dataclass
class LearningRecord:
    employee: Employee
    year: int
    target: int
    courses: list[RecordCourse]
    jp_years: list[dict]  # {"year", "jp", "courses"}, newest first, the chosen year included
    jp_credits: list[JPCredit]  # of the chosen year, that count (a programme as one line)
    certificates: list[dict]
    reminders: list[dict]

    @property
    def jp_total(self) -> int:
        return sum(c.jp for c in self.jp_credits)

    @property
    def jp_shortfall(self) -> int:
        return max(0, self.target - self.jp_total)


def _courses(user_id: int) -> list[RecordCourse]:
    rows = (
        Enrollment.objects.filter(user_id=user_id)
        .order_by("-enrolled_at", "-pk")
        .values(
            "course_id",
            "status",
            "progress_percent",
            "enrolled_at",
            "completed_at",
            "last_activity_at",
            "due_date",
            "assignment_id",
            code=F("course__code"),
            title=F("course__title"),
            jp=F("course__jp"),
            path=F("course__path"),
        )
    )
    return [
        RecordCourse(
            course_id=row["course_id"],
            code=row["code"],
            title=row["title"],
            jp=row["jp"],
            status=row["status"],
            status_label=ENROLLMENT_STATUS_LABELS.get(row["status"], row["status"]),
            progress=row["progress_percent"],
            enrolled_at=row["enrolled_at"],
            completed_at=row["completed_at"],
            last_activity_at=row["last_activity_at"],
            due_date=row["due_date"],
            mandatory=row["assignment_id"] is not None,
            path=row["path"],
        )
        for row in rows
    ]


def _attach_quizzes(courses: list[RecordCourse], user_id: int) -> None:
    """Each finished quiz of the person under the course it belongs to (a quiz sits below a
    course or one of its modules), with its grade as the quiz counts it. One query."""
    by_path = {c.path: c for c in courses}
    if not by_path:
        return
    rows = (
        QuizAttempt.objects.filter(user_id=user_id)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("quiz__path", "number")
        .values(
            "quiz_id",
            "number",
            "percent",
            "finished_at",
            title=F("quiz__title"),
            kind=F("quiz__kind"),
            path=F("quiz__path"),
            grading=F("quiz__grading"),
            pass_mark=F("quiz__pass_mark"),
        )
    )
    quizzes: dict[int, dict] = {}
    for row in rows:
        if row["percent"] is None:
            continue
        quiz = quizzes.setdefault(
            row["quiz_id"], {**row, "grade": None, "attempts": 0, "kind_label": ""}
        )
        quiz["grade"] = grade_fold(quiz["grade"], row["percent"], row["grading"])
        quiz["attempts"] += 1
        quiz["finished_at"] = row["finished_at"]
    steplen = QuizPage.steplen
    for quiz in quizzes.values():
        path = quiz["path"]
        course = by_path.get(path[:-steplen]) or by_path.get(path[: -2 * steplen])
        if course is None:
            continue
        quiz["kind_label"] = QUIZ_KIND_LABELS.get(quiz["kind"], quiz["kind"])
        quiz["passed"] = quiz["grade"] >= quiz["pass_mark"]
        course.quizzes.append(quiz)
        if quiz["kind"] == QuizPage.Kind.PRETEST:
            course.pre = quiz["grade"]
        elif quiz["kind"] == QuizPage.Kind.POSTTEST:
            course.post = quiz["grade"]


def _jp_years(user_id: int, year: int) -> list[dict]:
    years = {
        row["year"]: row
        for row in JPCredit.objects.counted()
        .filter(user_id=user_id)
        .values("year")
        .annotate(jp=Sum("jp"), courses=Count("id"))
        .order_by()
    }
    years.setdefault(year, {"year": year, "jp": 0, "courses": 0})
    return [years[y] for y in sorted(years, reverse=True)]


def _certificates(user) -> list[dict]:
    return [
        {
            "number": cert.number_label,
            "course_code": cert.course_code,
            "course_title": cert.course_title,
            "jp": cert.jp,
            "issued_on": cert.issued_on,
            "status": cert.status,
            "status_label": CERTIFICATE_STATUS_LABELS.get(cert.status, cert.status),
            "valid": cert.is_valid,
            "verify_url": cert.verification_path,
            "download_url": cert.download_path if cert.has_file else "",
        }
        for cert in certificate_list_for_user(user=user).only(
            "number", "status", "code", "pdf", "course_code", "course_title", "jp", "issued_on"
        )
    ]


def reminder_history(user_id: int, *, limit: int = REMINDERS_SHOWN) -> list[dict]:
    """The person's latest reminders, newest first, with who sent them. One query."""
    rows = (
        Reminder.objects.filter(user_id=user_id)
        .order_by("-created_at", "-pk")
        .values(
            "created_at",
            "status",
            "sent_at",
            "detail",
            kind=F("batch__kind"),
            course_code=F("batch__course__code"),
            year=F("batch__year"),
            sender=F("batch__sent_by__employee__full_name"),
            sender_email=F("batch__sent_by__email"),
        )[:limit]
    )
    return [
        {
            **row,
            "kind_label": REMINDER_KIND_LABELS.get(row["kind"], row["kind"]),
            "status_label": REMINDER_STATUS_LABELS.get(row["status"], row["status"]),
            "sender": row["sender"] or row["sender_email"] or _("(akun dihapus)"),
        }
        for row in rows
    ]


def learning_record(*, employee: Employee, year: int) -> LearningRecord:
    """Everything the record page shows, in a fixed number of queries (six), whatever the
    number of courses, attempts, credits, certificates or reminders."""
    user_id = employee.user_id
    courses = _courses(user_id)
    _attach_quizzes(courses, user_id)
    credits = list(
        JPCredit.objects.counted()
        .filter(user_id=user_id, year=year)
        .select_related("course", "programme")
        .only(
            "id",
            "jp",
            "completed_at",
            "year",
            "course__id",
            "course__code",
            "course__title",
            "programme__id",
            "programme__title",
        )
        .order_by("completed_at")
    )
    return LearningRecord(
        employee=employee,
        year=year,
        target=settings.LMS_JP_TARGET_PER_YEAR,
        courses=courses,
        jp_years=_jp_years(user_id, year),
        jp_credits=credits,
        certificates=_certificates(employee.user),
        reminders=reminder_history(user_id),
    )


def reminder_last_sent(user_ids) -> dict[int, object]:
    """When each of `user_ids` was last reminded (any kind; a reminder that failed reached no
    one and is left out), for a report page. One query."""
    return dict(
        Reminder.objects.filter(user_id__in=list(user_ids))
        .exclude(status=Reminder.Status.FAILED)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
        .order_by()
    )


def reminder_recent_user_ids(user_ids, *, since) -> QuerySet:
    return Reminder.objects.filter(user_id__in=user_ids, created_at__gt=since).values("user_id")
