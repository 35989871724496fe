"""Reads of the learning API: enrolments, mandatory assignments, learning records (the JP
ledger's completions), a person's JP for a year and certificates, each limited to a unit
subtree.

The unit scope is the person's CURRENT employee unit, as the supervisor's reports read it
(`employee_record_get`, `course_report_ids`): an enrolment's own copy of the unit
(`Enrollment.unit`) can lag behind a move until `enrollment_units_reconcile`, and a copy
must never show someone in a unit they left. Inactive employees stay in scope (their
records are history HR still reads), as on the supervisor's employee record.

Every list here is one query per page whatever its length: the rows' person, unit and
subject are joined (`select_related`), and what a page adds (certificates, enrolment dates)
is read in a fixed number of batch queries by `*_page_extras`."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from kursus.models import CoursePage, Enrollment, JPCredit, MandatoryAssignment
from lms.organisasi.models import Employee, OrgUnit
from lms.organisasi.selectors import orgunit_subtree_filter
from program.models import Participant, ProgrammePage
from sertifikat.models import Certificate
from sertifikat.services import CURRENT, verification_code_normalize

PERSON = "user__employee__unit__"


def _in_scope(unit: OrgUnit) -> Q:
    """Rows of people whose current employee unit lies in `unit`'s subtree."""
    return orgunit_subtree_filter(unit, prefix=PERSON)


def employee_in_scope(*, unit: OrgUnit, nip: str) -> Employee | None:
    """The employee with `nip` if their current unit lies in `unit`'s subtree, else None
    (whether they exist elsewhere is not told)."""
    if not nip:
        return None
    return (
        Employee.objects.filter(orgunit_subtree_filter(unit), nip=nip)
        .select_related("unit", "user")
        .first()
    )


def unit_in_scope(*, unit: OrgUnit, code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(path__startswith=unit.path, code=code).first()


def _changed_since(since: datetime.datetime, *fields: str) -> Q:
    """Rows one of whose event times `fields` is at or after `since` (a NULL one is no
    event): the greatest of them, said without GREATEST, whose NULL handling differs between
    PostgreSQL and SQLite."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__gte": since})
    return condition


# Enrolments ---------------------------------------------------------------------------------

ENROLMENT_EVENTS = ("enrolled_at", "last_activity_at", "completed_at", "withdrawn_at")


def enrolment_list(
    *,
    unit: OrgUnit,
    nip: str | None = None,
    course_code: str | None = None,
    status: str | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[Enrollment]:
    """Enrolments of the people in `unit`'s subtree. `updated_since`: those whose row changed
    at or after it (`Enrollment.updated_at`: enrolled, withdrawn or enrolled again, progress,
    completion, an assignment's link or due date, the copy of the unit a move rewrites). A
    change of the person's name or NIP, or of the course, is not a change of the enrolment
    (the employees endpoint tells the first)."""
    qs = Enrollment.objects.filter(_in_scope(unit))
    if nip:
        qs = qs.filter(user__employee__nip=nip)
    if course_code:
        qs = qs.filter(course__code=course_code)
    if status:
        qs = qs.filter(status=status)
    if updated_since is not None:
        qs = qs.filter(updated_at__gte=updated_since)
    return qs.select_related("course", "user__employee__unit").only(
        "id",
        "status",
        "progress_percent",
        "assignment_id",
        "due_date",
        *ENROLMENT_EVENTS,
        "updated_at",
        "course__id",
        "course__code",
        "course__title",
        "user__id",
        "user__employee__id",
        "user__employee__nip",
        "user__employee__full_name",
        "user__employee__unit__id",
        "user__employee__unit__code",
    )


def course_for_enrolment(*, code: str) -> CoursePage | None:
    """The live course with `code` (a draft or unpublished course is not found)."""
    if not code:
        return None
    return CoursePage.objects.live().filter(code=code).first()


def course_restriction_reasons(*, user, course: CoursePage) -> list[str]:
    """What the course page's view restrictions say to enrolling `user` through the API
    (the learner's enrol view asks the same of the learner's request): a group restriction
    admits members of its groups; a password cannot be given on someone's behalf."""
    from django.utils.translation import gettext as _
    from wagtail.models import PageViewRestriction

    reasons = []
    for restriction in course.get_view_restrictions():
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            reasons.append(_("Kursus ini dilindungi kata sandi; peserta harus mendaftar sendiri."))
        elif restriction.restriction_type == PageViewRestriction.GROUPS:
            groups = {g.pk for g in restriction.groups.all()}
            if not user.groups.filter(pk__in=groups).exists():
                reasons.append(_("Kursus ini hanya untuk kelompok pengguna tertentu."))
    return reasons


# Mandatory assignments ----------------------------------------------------------------------


def assignment_list(
    *,
    unit: OrgUnit,
    course_code: str | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[MandatoryAssignment]:
    """The assignments made for a unit of `unit`'s subtree (not those of the units above it,
    which cover the subtree too but are not the client's to see)."""
    qs = MandatoryAssignment.objects.filter(orgunit_subtree_filter(unit))
    if course_code:
        qs = qs.filter(course__code=course_code)
    if updated_since is not None:
        qs = qs.filter(created_at__gte=updated_since)
    return qs.select_related("course", "unit")


def assignment_find_same(
    *, course: CoursePage, unit: OrgUnit, positions: list[str], due_date: datetime.date
) -> MandatoryAssignment | None:
    """An assignment with the very same course, unit, positions and due date: what a repeated
    request finds instead of making a second one."""
    for assignment in MandatoryAssignment.objects.filter(
        course=course, unit=unit, due_date=due_date
    ):
        if sorted(assignment.positions or []) == positions:
            return assignment
    return None


# Learning records (the JP ledger) -----------------------------------------------------------


def learning_record_list(
    *,
    unit: OrgUnit,
    nip: str | None = None,
    year: int | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[JPCredit]:
    """Completions of courses and programmes by the people in `unit`'s subtree: the rows of
    the JP ledger, one per completion. `updated_since`: completed at or after it, or their
    certificate created, issued, revoked or replaced since, or taken over by a programme
    credit completed since."""
    qs = JPCredit.objects.filter(_in_scope(unit))
    if nip:
        qs = qs.filter(user__employee__nip=nip)
    if year:
        qs = qs.filter(year=year)
    if updated_since is not None:
        certificate_changed = Certificate.objects.filter(
            _changed_since(updated_since, "created_at", "issued_at", "revoked_at", "replaced_at"),
            user_id=OuterRef("user_id"),
            subject_id=OuterRef("subject_id"),
        )
        qs = qs.annotate(subject_id=Coalesce("course_id", "programme_id")).filter(
            Q(completed_at__gte=updated_since)
            | Q(counted_in__completed_at__gte=updated_since)
            | Exists(certificate_changed)
        )
    return _ledger_related(qs)


def _ledger_related(qs: QuerySet[JPCredit]) -> QuerySet[JPCredit]:
    return qs.select_related(
        "user__employee__unit",
        "course",
        "programme__programmepage",
        "counted_in__programme__programmepage",
    ).only(
        "id",
        "user_id",
        "course_id",
        "programme_id",
        "year",
        "jp",
        "completed_at",
        "counted_in_id",
        "user__id",
        "user__employee__id",
        "user__employee__nip",
        "user__employee__full_name",
        "user__employee__unit__id",
        "user__employee__unit__code",
        "course__id",
        "course__code",
        "course__title",
        "programme__id",
        "programme__title",
        "programme__programmepage__code",
        "counted_in__id",
        "counted_in__programme__id",
        "counted_in__programme__programmepage__code",
    )


def credit_code(credit: JPCredit) -> str:
    if credit.course_id:
        return credit.course.code
    page = getattr(credit.programme, "programmepage", None)
    return page.code if page is not None else ""


def credit_title(credit: JPCredit) -> str:
    return credit.course.title if credit.course_id else credit.programme.title


def credit_counted_in_code(credit: JPCredit) -> str | None:
    if credit.counted_in_id is None or credit.counted_in.programme_id is None:
        return None
    page = getattr(credit.counted_in.programme, "programmepage", None)
    return page.code if page is not None else None


@dataclass
class RecordExtras:
    """What a page of learning records adds to the ledger rows, keyed by (user id, subject
    page id): the certificate in force, the enrolment (or admission) time and the score."""

    certificates: dict[tuple[int, int], dict]
    enrolled: dict[tuple[int, int], datetime.datetime]
    programme_grades: dict[tuple[int, int], object]


def learning_record_page_extras(credits: list[JPCredit]) -> RecordExtras:
    """Three queries for a page, whatever its length (none for an empty page)."""
    users = {c.user_id for c in credits}
    courses = {c.course_id for c in credits if c.course_id}
    programmes = {c.programme_id for c in credits if c.programme_id}
    certificates: dict[tuple[int, int], dict] = {}
    enrolled: dict[tuple[int, int], datetime.datetime] = {}
    grades: dict[tuple[int, int], object] = {}
    if not credits:
        return RecordExtras(certificates, enrolled, grades)
    for row in Certificate.objects.filter(
        CURRENT, user_id__in=users, subject_id__in=courses | programmes
    ).values("user_id", "subject_id", "number", "code", "status", "final_score"):
        certificates[(row["user_id"], row["subject_id"])] = row
    if courses:
        for user_id, course_id, at in Enrollment.objects.filter(
            user_id__in=users, course_id__in=courses
        ).values_list("user_id", "course_id", "enrolled_at"):
            enrolled[(user_id, course_id)] = at
    if programmes:
        for row in (
            Participant.objects.filter(
                user_id__in=users,
                cohort__programme_id__in=programmes,
                outcome=Participant.Outcome.PASSED,
            )
            .order_by("created_at")
            .values(
                "user_id", "created_at", "admitted_at", "final_grade", pid=F("cohort__programme_id")
            )
        ):
            key = (row["user_id"], row["pid"])
            enrolled[key] = row["admitted_at"] or row["created_at"]  # the latest run passed
            grades[key] = row["final_grade"]
    return RecordExtras(certificates, enrolled, grades)


@dataclass
class JPLedger:
    employee: Employee
    year: int
    total: int
    target: int
    entries: list[JPCredit]


def jp_ledger(*, employee: Employee, year: int) -> JPLedger:
    """The person's JP ledger for `year`: every row (a course a programme took over too,
    marked so) and the total, counted as every JP total is (`JPCredit.objects.counted()`).
    Two queries."""
    total = (
        JPCredit.objects.counted()
        .filter(user_id=employee.user_id, year=year)
        .aggregate(total=Sum("jp"))["total"]
        or 0
    )
    entries = list(
        _ledger_related(JPCredit.objects.filter(user_id=employee.user_id, year=year)).order_by(
            "completed_at", "pk"
        )
    )
    return JPLedger(
        employee=employee,
        year=year,
        total=total,
        target=settings.LMS_JP_TARGET_PER_YEAR,
        entries=entries,
    )


# Certificates -------------------------------------------------------------------------------

CERTIFICATE_EVENTS = ("created_at", "issued_at", "revoked_at", "replaced_at")


def certificate_list(
    *,
    unit: OrgUnit,
    nip: str | None = None,
    status: str | None = None,
    year: int | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[Certificate]:
    """Certificates (every status, replaced ones included as history) of the people in
    `unit`'s subtree. `year`: of the issue date."""
    qs = Certificate.objects.filter(_in_scope(unit))
    if nip:
        qs = qs.filter(user__employee__nip=nip)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(
            issued_on__gte=datetime.date(year, 1, 1), issued_on__lte=datetime.date(year, 12, 31)
        )
    if updated_since is not None:
        qs = qs.filter(_changed_since(updated_since, *CERTIFICATE_EVENTS))
    return qs.select_related("user__employee__unit", "subject", "replaced_by").only(
        "id",
        "user_id",
        "status",
        "number",
        "code",
        "issued_on",
        "completed_on",
        "full_name",
        "nip",
        "course_code",
        "course_title",
        "jp",
        "final_score",
        "edition",
        "period_start",
        "period_end",
        "pdf",
        "sha256",
        "issued_at",
        "revoked_at",
        "revoked_reason",
        "replaced_at",
        "created_at",
        "subject__id",
        "subject__content_type_id",
        "replaced_by__id",
        "replaced_by__code",
        "user__id",
        "user__employee__id",
        "user__employee__nip",
        "user__employee__unit__id",
        "user__employee__unit__code",
    )


def certificate_get(*, unit: OrgUnit, key: str) -> Certificate | None:
    """The certificate of a person in `unit`'s subtree whose verification code (as people
    type it) or number is `key`; None otherwise."""
    qs = certificate_list(unit=unit)
    code = verification_code_normalize(key or "")
    if code:
        found = qs.filter(code=code).first()
        if found is not None:
            return found
    return qs.filter(number=key).first() if key else None


def programme_content_type_id() -> int:
    return ContentType.objects.get_for_model(ProgrammePage).pk
