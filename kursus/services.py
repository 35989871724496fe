"""Writes of the learning flow. Each is idempotent: a double click or a retried request
changes nothing the second time."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed
from lms.organisasi.models import Employee, OrgUnit
from sertifikat.models import Certificate
from sertifikat.services import CertificateFacts, certificate_request

from .completion import course_final_score, course_is_completed_by
from .models import (
    CoursePage,
    Enrollment,
    JPCredit,
    LessonPage,
    LessonProgress,
    MandatoryAssignment,
)
from .progress import CourseProgress, course_progress
from .selectors import CourseOutline, course_outline


class EnrollmentError(Exception):
    """Why a learner may not enrol, in Indonesian, for the page to show."""


def enrollment_blockers(*, user, course: CoursePage, now=None) -> list[str]:
    """The reasons `user` may not enrol in `course` now (empty when they may)."""
    now = now or timezone.now()
    reasons = []
    if course.enrollment_opens_at and now < course.enrollment_opens_at:
        reasons.append(
            _("Pendaftaran baru dibuka %(date)s.")
            % {"date": timezone.localtime(course.enrollment_opens_at).strftime("%d-%m-%Y %H:%M")}
        )
    if course.enrollment_closes_at and now >= course.enrollment_closes_at:
        reasons.append(
            _("Pendaftaran sudah ditutup sejak %(date)s.")
            % {"date": timezone.localtime(course.enrollment_closes_at).strftime("%d-%m-%Y %H:%M")}
        )
    required = list(
        CoursePage.objects.live().filter(required_by=course).values_list("id", "code", "title")
    )
    if required:
        done = set(
            Enrollment.objects.filter(
                user=user,
                course_id__in=[pk for pk, _c, _t in required],
                status=Enrollment.Status.COMPLETED,
            ).values_list("course_id", flat=True)
        )
        missing = [f"{code} {title}" for pk, code, title in required if pk not in done]
        if missing:
            reasons.append(
                _("Selesaikan dulu kursus prasyarat: %(courses)s.")
                % {"courses": "; ".join(missing)}
            )
    return reasons


@transaction.atomic
def enrollment_create(*, user, course: CoursePage) -> Enrollment:
    """Self-enrolment. Re-enrolling after withdrawing reactivates the same row, history kept."""
    existing = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if existing is not None and existing.status != Enrollment.Status.WITHDRAWN:
        return existing
    reasons = enrollment_blockers(user=user, course=course)
    if reasons:
        raise EnrollmentError(" ".join(reasons))
    if existing is not None:
        existing.status = Enrollment.Status.ACTIVE
        existing.withdrawn_at = None
        existing.save(update_fields=["status", "withdrawn_at"])
        _refresh_progress(existing)
        learners_changed([user.pk])
        return existing
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(user=user, course=course)
    except IntegrityError:  # a concurrent click won the race: its row is ours too
        return Enrollment.objects.get(user=user, course=course)
    _refresh_progress(enrollment)
    learners_changed([user.pk])
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, user, course: CoursePage) -> Enrollment | None:
    """Leave a course. Mandatory and completed enrolments stay; progress is never deleted."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        return enrollment
    if enrollment.is_mandatory:
        raise EnrollmentError(_("Kursus wajib tidak dapat ditinggalkan."))
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    learners_changed([user.pk])
    return enrollment


def _progress_figures_set(enrollment: Enrollment, progress: CourseProgress) -> list[str]:
    """Put `progress` on the enrolment (not saved); the fields that changed."""
    figures = {
        "lessons_done": progress.done,
        "progress_percent": progress.percent,
        "next_lesson_id": progress.next_lesson_id,
    }
    changed = [name for name, value in figures.items() if getattr(enrollment, name) != value]
    for name in changed:
        setattr(enrollment, name, figures[name])
    return [name.removesuffix("_id") for name in changed]


def _refresh_progress(enrollment: Enrollment) -> None:
    """Store the enrolment's progress figures, read from its course's outline."""
    outline = course_outline(course=enrollment.course, user=enrollment.user, root_url_path="/")
    changed = _progress_figures_set(enrollment, outline.progress)
    if changed:
        enrollment.save(update_fields=changed)


class LessonLocked(Exception):
    pass


def enrollment_lock(*, user_id: int, course: CoursePage) -> Enrollment | None:
    """The enrolment of `user_id` in `course`, locked until the caller's transaction ends
    (None when there is none): what every write that may complete the course holds first, so
    that two of them (two tabs, a double click, a quiz submit) run one after the other and
    the second sees what the first committed."""
    return Enrollment.objects.select_for_update().filter(user_id=user_id, course=course).first()


@dataclass(frozen=True)
class LessonCompletion:
    """What `lesson_complete` did: the enrolment as it now is, the course's outline with the
    learner's progress after the mark, whether this call marked the lesson (False when it
    was done before), whether it completed the course, and the certificate if it did."""

    enrollment: Enrollment
    outline: CourseOutline
    newly_done: bool
    course_completed: bool
    certificate: Certificate | None = None


def lesson_complete(
    *, user, lesson: LessonPage, root_url_path: str | None = None
) -> LessonCompletion:
    """Record that `user` finished `lesson`, update their progress, and complete the course
    when this was its last requirement. One transaction, with the enrolment locked first: a
    double click, a retry or another tab waits, then finds the lesson done and records
    nothing twice. Raises EnrollmentError (not enrolled) or LessonLocked (an earlier lesson
    of a course that unlocks in order is not done), having changed nothing.
    `root_url_path`: the site root's URL path, for the outline's links (read when not
    given)."""
    course = lesson.course
    with transaction.atomic():
        enrollment = enrollment_lock(user_id=user.pk, course=course)
        if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
            raise EnrollmentError(_("Anda belum terdaftar di kursus ini."))
        enrollment.user, enrollment.course = user, course
        done_ids = set(
            LessonProgress.objects.filter(user_id=user.pk, course=course).values_list(
                "lesson_id", flat=True
            )
        )
        outline = course_outline(course=course, root_url_path=root_url_path, done_ids=done_ids)
        item = outline.lesson(lesson.pk)
        if item is None or item.locked:
            raise LessonLocked
        newly_done = not item.done
        if newly_done:
            # The unique (user, lesson) constraint makes a row another path wrote nothing.
            LessonProgress.objects.bulk_create(
                [LessonProgress(user_id=user.pk, lesson_id=lesson.pk, course_id=course.pk)],
                ignore_conflicts=True,
            )
            outline.progress_set(done_ids | {lesson.pk})
        changed = _progress_figures_set(enrollment, outline.progress)
        if newly_done:
            enrollment.last_activity_at = timezone.now()
            changed.append("last_activity_at")
        if changed:
            enrollment.save(update_fields=changed)
        certificate = None
        if outline.progress.all_done and enrollment.status == Enrollment.Status.ACTIVE:
            certificate = course_complete_if_done(enrollment=enrollment, outline=outline)
    # After the commit: the cached pages of this learner are not used again.
    learners_changed([user.pk])
    return LessonCompletion(
        enrollment=enrollment,
        outline=outline,
        newly_done=newly_done,
        course_completed=certificate is not None,
        certificate=certificate,
    )


def course_complete_if_done(
    *, enrollment: Enrollment, outline: CourseOutline | None = None
) -> Certificate | None:
    """Apply the completion rule to an active enrolment; when it is met, mark the enrolment
    completed, credit the JP to the calendar year of completion, and ask for the
    certificate, which it returns (None when the course is not completed by this call).
    Must run inside the caller's transaction, with the enrolment locked (`enrollment_lock`)
    and loaded with its course and user; `outline`, when given, is the course's outline with
    the learner's progress read under that lock. The caller replaces the learner's stamp
    (`learners_changed`), as it does for its own writes."""
    if enrollment.status != Enrollment.Status.ACTIVE:
        return None
    course = enrollment.course
    if outline is None:
        outline = course_outline(course=course, user=enrollment.user, root_url_path="/")
    if not course_is_completed_by(user=enrollment.user, course=course, outline=outline):
        return None
    now = timezone.now()
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_at = now
    enrollment.save(update_fields=["status", "completed_at"])
    # The unique (user, course) constraint makes a second credit nothing.
    JPCredit.objects.bulk_create(
        [
            JPCredit(
                user_id=enrollment.user_id,
                course_id=course.pk,
                year=timezone.localtime(now).year,
                jp=course.jp,
                completed_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    # The one entry point into certificates: the row is made in this transaction, the PDF
    # after it commits.
    return course_certificate_request(enrollment=enrollment)


# Mandatory assignments


def _employees_for(assignment: MandatoryAssignment):
    employees = Employee.objects.filter(unit__path__startswith=assignment.unit.path, is_active=True)
    if assignment.positions:
        employees = employees.filter(position__in=assignment.positions)
    return employees


@transaction.atomic
def assignment_create(
    *,
    course: CoursePage,
    unit: OrgUnit,
    due_date: datetime.date,
    assigned_by=None,
    positions: list[str] | None = None,
) -> MandatoryAssignment:
    """Make `course` mandatory for `unit`'s subtree (optionally only some positions) and
    enrol everyone it covers. Running it again enrols nobody twice."""
    assignment = MandatoryAssignment.objects.create(
        course=course,
        unit=unit,
        due_date=due_date,
        assigned_by=assigned_by,
        positions=sorted(set(positions or [])),
    )
    assignment_apply(assignment=assignment)
    return assignment


def assignment_apply(*, assignment: MandatoryAssignment) -> int:
    """Enrol every employee the assignment covers who is not enrolled yet; mark existing
    enrolments mandatory with the due date. Returns how many enrolments were created."""
    units = dict(_employees_for(assignment).values_list("user_id", "unit_id"))
    user_ids = set(units)
    existing = dict(
        Enrollment.objects.filter(course=assignment.course, user_id__in=user_ids).values_list(
            "user_id", "id"
        )
    )
    Enrollment.objects.filter(pk__in=existing.values(), assignment__isnull=True).update(
        assignment=assignment, due_date=assignment.due_date
    )
    # An edited assignment moves the due date of the enrolments it made too.
    Enrollment.objects.filter(assignment=assignment).exclude(due_date=assignment.due_date).update(
        due_date=assignment.due_date
    )
    Enrollment.objects.filter(pk__in=existing.values(), status=Enrollment.Status.WITHDRAWN).update(
        status=Enrollment.Status.ACTIVE, withdrawn_at=None
    )
    new = [
        Enrollment(
            user_id=uid,
            course=assignment.course,
            assignment=assignment,
            due_date=assignment.due_date,
            unit_id=units[uid],
        )
        for uid in user_ids - set(existing)
    ]
    Enrollment.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    learners_changed(user_ids)
    return len(new)


def employee_placed(*, employee: Employee) -> int:
    """Someone joined a unit or moved to another: their enrolments follow them into the
    reports of the new unit, and they get its mandatory courses. Returns how many enrolments
    the assignments created."""
    enrollment_units_sync(user_ids=[employee.user_id])
    return assignments_apply_for_employee(employee=employee)


def enrollment_units_sync(*, user_ids, batch_size: int = 1000) -> int:
    """Copy each learner's current unit onto their enrolments (see Enrollment.unit), after
    employees were moved or created in bulk. Rows already right are not written."""
    ids = sorted(set(user_ids))
    return sum(
        _unit_copies_repair(Enrollment.objects.filter(user_id__in=ids[i : i + batch_size]))
        for i in range(0, len(ids), batch_size)
    )


def enrollment_units_reconcile() -> int:
    """Give every enrolment whose copy of its learner's unit is missing or out of date the
    current one (run nightly by beat). The services keep the copies right as people move;
    this repairs what they cannot see: an enrolment written while a move was committing, or
    by an old process during a deploy."""
    return _unit_copies_repair(Enrollment.objects.all())


def _unit_copies_repair(enrollments) -> int:
    """Write the learner's current unit on those of `enrollments` whose copy differs (an
    enrolment of someone without an employee record keeps what it has)."""
    current = Subquery(
        Employee.objects.filter(user_id=OuterRef("user_id")).order_by().values("unit_id")[:1]
    )
    return (
        enrollments.annotate(current_unit=current)
        .exclude(current_unit=None)
        .exclude(unit_id=F("current_unit"))
        .update(unit_id=current)
    )


def assignments_apply_for_employee(*, employee: Employee) -> int:
    """A person who joins (or moves into) a unit gets the mandatory courses of that unit and
    of every unit above it."""
    ancestor_paths = [
        employee.unit.path[:i]
        for i in range(OrgUnit.steplen, len(employee.unit.path) + 1, OrgUnit.steplen)
    ]
    created = 0
    for assignment in MandatoryAssignment.objects.filter(
        unit__path__in=ancestor_paths
    ).select_related("course", "unit"):
        if assignment.positions and employee.position not in assignment.positions:
            continue
        _enrollment, was_created = Enrollment.objects.get_or_create(
            user_id=employee.user_id,
            course=assignment.course,
            defaults={
                "assignment": assignment,
                "due_date": assignment.due_date,
                "unit_id": employee.unit_id,
            },
        )
        created += was_created
    if created:
        learners_changed([employee.user_id])
    return created


def course_progress_recompute(*, course: CoursePage, batch_size: int = 1000) -> int:
    """Bring every active enrolment's progress in line with the course's live lessons, after
    a lesson was published, unpublished, moved or deleted, and complete those it leaves with
    nothing to do. Completed enrolments keep their completion. Reads the outline once and the
    progress rows in one pass; returns how many enrolments' figures changed."""
    lesson_ids = [item.id for item in course_outline(course=course, root_url_path="/").lessons]
    done_by_user: dict[int, set[int]] = {}
    for user_id, lesson_id in (
        LessonProgress.objects.filter(course=course, lesson_id__in=lesson_ids)
        .values_list("user_id", "lesson_id")
        .iterator(chunk_size=5000)
    ):
        done_by_user.setdefault(user_id, set()).add(lesson_id)
    changed: list[Enrollment] = []
    finished: list[int] = []
    updated = 0
    enrollments = Enrollment.objects.filter(course=course, status=Enrollment.Status.ACTIVE).only(
        "id", "user_id", "lessons_done", "progress_percent", "next_lesson_id"
    )
    for enrollment in enrollments.iterator(chunk_size=batch_size):
        progress = course_progress(
            lesson_ids=lesson_ids,
            done_ids=done_by_user.get(enrollment.user_id, ()),
            sequential=course.sequential,
        )
        if _progress_figures_set(enrollment, progress):
            changed.append(enrollment)
        if progress.all_done:
            finished.append(enrollment.pk)
        if len(changed) >= batch_size:
            updated += _progress_figures_save(changed)
            changed = []
    updated += _progress_figures_save(changed)
    # Those who now have every live lesson may have nothing left to do (a quiz may remain).
    for pk in finished:
        with transaction.atomic():
            enrollment = (
                Enrollment.objects.select_for_update().select_related("course", "user").get(pk=pk)
            )
            completed = course_complete_if_done(enrollment=enrollment) is not None
        if completed:
            learners_changed([enrollment.user_id])
    return updated


def _progress_figures_save(enrollments: list[Enrollment]) -> int:
    if enrollments:
        Enrollment.objects.bulk_update(
            enrollments, ["lessons_done", "progress_percent", "next_lesson"]
        )
        learners_changed([e.user_id for e in enrollments])
    return len(enrollments)


def course_certificate_request(*, enrollment: Enrollment) -> Certificate:
    """Ask sertifikat for the certificate of a completed enrolment, passing what it prints as
    plain values (the course's code, title and JP, the completion time, the final score and
    the course's template)."""
    course = enrollment.course
    return certificate_request(
        user=enrollment.user,
        subject=course,
        facts=CertificateFacts(
            code=course.code,
            title=course.title,
            jp=course.jp,
            completed_at=enrollment.completed_at or timezone.now(),
            final_score=course_final_score(user=enrollment.user, course=course),
            template_id=course.certificate_template_id,
        ),
    )
