"""Writes of the learning flow. Each is idempotent: a double click or a retried request
changes nothing the second time."""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed
from lms.organisasi.models import Employee, OrgUnit
from lms.sql import (
    column,
    row_insert_select,
    row_insert_statement,
    row_instance,
    row_select,
    row_update_statement,
    statements_run,
    table,
)
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
from .selectors import course_outline


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


def _progress_figures(enrollment: Enrollment, outline) -> None:
    """Put the outline's progress figures on the enrolment (not saved)."""
    next_item = outline.next_lesson
    enrollment.lessons_done = outline.done
    enrollment.progress_percent = outline.percent
    enrollment.next_lesson_id = next_item.id if next_item else None


def _refresh_progress(enrollment: Enrollment) -> None:
    """Store the enrolment's progress figures, read from its course's outline."""
    _progress_figures(enrollment, course_outline(course=enrollment.course, user=enrollment.user))
    enrollment.save(update_fields=["lessons_done", "progress_percent", "next_lesson"])


class LessonLocked(Exception):
    pass


def lesson_complete(*, user, lesson: LessonPage, root_url_path: str | None = None) -> Enrollment:
    """Record that `user` finished `lesson`, update their progress, and complete the course
    when this was the last requirement. Doing it twice records nothing twice.

    Most marks complete nothing: they read the enrolment and the lessons done without a lock,
    and write only while the enrolment is still as they read it (one statement on
    PostgreSQL, with no transaction to open and commit around it). A mark that another
    request got in before, and every mark that would complete the course, goes the locked
    way: the enrolment row is locked first, so a second request waits and then finds the
    lesson done."""
    enrollment = _lesson_complete_unlocked(user=user, lesson=lesson, root_url_path=root_url_path)
    if enrollment is None:
        with transaction.atomic():
            enrollment = _lesson_complete_locked(
                user=user, lesson=lesson, root_url_path=root_url_path
            )
    # After the commit: the cached pages of this learner are not used again.
    learners_changed([user.pk])
    return enrollment


# What "mark done" writes on the enrolment, and what it must find unchanged to write it
# without a lock: every other write of progress changes one of these.
PROGRESS_FIGURES = ["lessons_done", "progress_percent", "next_lesson", "last_activity_at"]
PROGRESS_READ = ["status", *PROGRESS_FIGURES]


def _lesson_mark(enrollment, done_ids, *, user, lesson: LessonPage, root_url_path):
    """The course's outline with `lesson` marked done (and what that unlocks), the enrolment's
    new figures put on it (not saved), and whether the lesson was not done before. Raises
    EnrollmentError or LessonLocked, having changed nothing."""
    course = lesson.course
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        raise EnrollmentError(_("Anda belum terdaftar di kursus ini."))
    outline = course_outline(
        course=course, user=user, root_url_path=root_url_path, done_ids=done_ids
    )
    item = next((i for i in outline.lessons if i.id == lesson.id), None)
    if item is None or item.locked:
        raise LessonLocked
    newly_done = not item.done
    # The outline read above is otherwise current: mark the lesson and unlock what follows
    # instead of reading it again.
    item.done = True
    blocked = False
    for other in outline.lessons:
        other.locked = course.sequential and blocked
        blocked = blocked or not other.done
    enrollment.course = course
    enrollment.last_activity_at = timezone.now()
    _progress_figures(enrollment, outline)
    enrollment.outline = outline  # for the caller's next step
    return outline, newly_done


def _lesson_complete_unlocked(*, user, lesson: LessonPage, root_url_path) -> Enrollment | None:
    """`lesson_complete` without a lock, for a mark that completes nothing: None when the
    mark would complete the course, or when the enrolment changed between the read and the
    write (and nothing was written)."""
    course = lesson.course
    rows = statements_run(
        enrollment_lock_statements(course_id=course.pk, user_id=user.pk, lock=False)
    )
    enrollment, done_ids = enrollment_lock_rows(rows, course=course, user=user)
    read = (
        {
            name: getattr(enrollment, Enrollment._meta.get_field(name).attname)
            for name in PROGRESS_READ
        }
        if enrollment is not None
        else None
    )
    outline, newly_done = _lesson_mark(
        enrollment, done_ids, user=user, lesson=lesson, root_url_path=root_url_path
    )
    if outline.done == outline.total:  # a completion: under the lock
        return None
    update = row_update_statement(enrollment, PROGRESS_FIGURES, unless_changed=read)
    progress = _progress_row(enrollment, lesson.pk) if newly_done else None
    return enrollment if _progress_write(update, progress) else None


def _progress_write(update: tuple[str, list], progress: LessonProgress | None) -> bool:
    """Run the enrolment's guarded `update` and, if it updated the row, insert `progress`
    (when given; a row that the unique (user, lesson) constraint already holds is left
    alone), all or nothing: on PostgreSQL as one statement. False when the update found the
    row changed and wrote nothing."""
    update_sql, update_values = update
    if connection.vendor == "postgresql":
        sql, values = f"{update_sql} RETURNING 1", update_values
        if progress is not None:
            insert_sql, insert_values = row_insert_select(progress, "updated")
            sql = (
                f"WITH updated AS ({sql}), inserted AS ({insert_sql} ON CONFLICT DO NOTHING) "  # noqa: S608 - names quoted, values bound
                "SELECT 1 FROM updated"
            )
            values = [*update_values, *insert_values]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone() is not None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(update_sql, update_values)
        if cursor.rowcount != 1:
            return False
        if progress is not None:
            cursor.execute(*row_insert_statement(progress, ignore_conflicts=True))
    return True


def _lesson_complete_locked(*, user, lesson: LessonPage, root_url_path) -> Enrollment:
    """`lesson_complete` with the enrolment locked (in the caller's transaction)."""
    course = lesson.course
    enrollment, done_ids = enrollment_lock_with_progress(course=course, user_id=user.pk, user=user)
    outline, newly_done = _lesson_mark(
        enrollment, done_ids, user=user, lesson=lesson, root_url_path=root_url_path
    )
    writes = _progress_statements(enrollment, lesson_id=lesson.pk if newly_done else None)
    if outline.done == outline.total:  # the completion's statements travel with the writes
        course_complete_if_done(enrollment=enrollment, outline=outline, writes=writes)
    else:  # a lesson is still missing: not complete
        statements_run(writes)
    return enrollment


def enrollment_lock_with_progress(*, course: CoursePage, user_id: int, user=None):
    """The enrolment of `user_id` in `course`, locked until the transaction ends (None when
    there is none), and the ids of the lessons they have done, read once the lock is held:
    a mark done that another request committed while this one waited is in them. One round
    trip on PostgreSQL. `user`, when the caller has it, is put on the enrolment so that
    nothing loads it again."""
    rows = statements_run(enrollment_lock_statements(course_id=course.pk, user_id=user_id))
    return enrollment_lock_rows(rows, course=course, user=user)


def enrollment_lock_statements(
    *, course_id: int, user_id: int, lock: bool = True
) -> list[tuple[str, list]]:
    """The two statements of `enrollment_lock_with_progress`, for a caller that sends them
    with statements of its own (`lms.sql.statements_run`); their rows go to
    `enrollment_lock_rows`. Two statements, not one join: the second takes its snapshot
    once the first holds the lock. With `lock=False`, the same reads without the lock, for a
    write that checks that the enrolment is still as read."""
    locking = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    where = f"{column(LessonProgress, 'user')} = %s AND {column(LessonProgress, 'course')} = %s"
    return [
        (
            row_select(
                Enrollment,
                f"{column(Enrollment, 'user')} = %s AND {column(Enrollment, 'course')} = %s"
                + locking,
            ),
            [user_id, course_id],
        ),
        (
            f"SELECT {column(LessonProgress, 'lesson')} FROM {table(LessonProgress)} "  # noqa: S608 - names quoted, values bound
            f"WHERE {where}",
            [user_id, course_id],
        ),
    ]


def enrollment_lock_rows(rows, *, course: CoursePage, user=None):
    """(enrolment or None, ids of the lessons done) from the rows of
    `enrollment_lock_statements`."""
    enrollment_rows, progress_rows = rows
    if not enrollment_rows:
        return None, set()
    enrollment = row_instance(Enrollment, enrollment_rows[0])
    enrollment.course = course
    if user is not None:
        enrollment.user = user
    return enrollment, {lesson_id for (lesson_id,) in progress_rows}


def _progress_statements(enrollment: Enrollment, *, lesson_id: int | None) -> list:
    """The writes of "mark done", for `statements_run`: the progress row of `lesson_id` (none
    when it is None; the unique (user, lesson) constraint turns a repeat into nothing) and
    the enrolment's progress figures."""
    statements = []
    if lesson_id is not None:
        progress = _progress_row(enrollment, lesson_id)
        statements.append(row_insert_statement(progress, ignore_conflicts=True))
    statements.append(row_update_statement(enrollment, PROGRESS_FIGURES))
    return statements


def _progress_row(enrollment: Enrollment, lesson_id: int) -> LessonProgress:
    """The (unsaved) progress row of the enrolment's learner for `lesson_id`."""
    return LessonProgress(
        user_id=enrollment.user_id, lesson_id=lesson_id, course_id=enrollment.course_id
    )


def course_complete_if_done(
    *, enrollment: Enrollment, done_ids=None, outline=None, writes=()
) -> bool:
    """Apply the completion rule; on the first completion record the time and credit the JP
    to the calendar year of completion. Must run inside the caller's transaction, with the
    enrolment locked (and `done_ids`, or the course's `outline` with the learner's progress,
    when given, read under that lock). The caller replaces the learner's stamp
    (`learners_changed`), as it does for its own writes.

    `writes`: statements of the caller's not yet run (its own writes, which the rule takes
    as done), run first whether the course is complete or not; on a completion they travel
    with its statements, in one round trip on PostgreSQL."""
    if outline is None and enrollment.status != Enrollment.Status.COMPLETED:
        outline = course_outline(
            course=enrollment.course, user=enrollment.user, root_url_path="/", done_ids=done_ids
        )
    if enrollment.status == Enrollment.Status.COMPLETED or not course_is_completed_by(
        user=enrollment.user, course=enrollment.course, outline=outline
    ):
        if writes:
            statements_run(list(writes))
        return False
    now = timezone.now()
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_at = now
    credit = JPCredit(
        user_id=enrollment.user_id,
        course_id=enrollment.course_id,
        year=timezone.localtime(now).year,
        jp=enrollment.course.jp,
        completed_at=now,
    )
    # The one entry point into certificates: the row is made in this transaction, the PDF
    # after it commits. Last, as it queues on the year's certificate counter. The writes (the
    # unique (user, course) constraint makes a second credit nothing) go with its reads.
    statements_run(
        [
            *writes,
            row_update_statement(enrollment, ["status", "completed_at"]),
            row_insert_statement(credit, ignore_conflicts=True),
        ]
    )
    course_certificate_request(enrollment=enrollment)
    return True


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
    a lesson was published, unpublished, moved or deleted. Completed enrolments keep their
    completion. Reads the outline once and the progress rows in one pass."""
    outline = course_outline(course=course)
    live_ids = [item.id for item in outline.lessons]
    live = set(live_ids)
    done_by_user: dict[int, set[int]] = {}
    for user_id, lesson_id in (
        LessonProgress.objects.filter(course=course, lesson_id__in=live)
        .values_list("user_id", "lesson_id")
        .iterator(chunk_size=5000)
    ):
        done_by_user.setdefault(user_id, set()).add(lesson_id)
    changed = []
    updated = 0
    enrollments = Enrollment.objects.filter(course=course, status=Enrollment.Status.ACTIVE).only(
        "id", "user_id", "lessons_done", "progress_percent", "next_lesson_id"
    )
    for enrollment in enrollments.iterator(chunk_size=batch_size):
        done = done_by_user.get(enrollment.user_id, set())
        count = len(done)
        percent = round(100 * count / len(live_ids)) if live_ids else 0
        next_id = next((pk for pk in live_ids if pk not in done), None)
        if (enrollment.lessons_done, enrollment.progress_percent, enrollment.next_lesson_id) != (
            count,
            percent,
            next_id,
        ):
            enrollment.lessons_done, enrollment.progress_percent = count, percent
            enrollment.next_lesson_id = next_id
            changed.append(enrollment)
        if len(changed) >= batch_size:
            Enrollment.objects.bulk_update(
                changed, ["lessons_done", "progress_percent", "next_lesson"]
            )
            learners_changed([e.user_id for e in changed])
            updated += len(changed)
            changed = []
    if changed:
        Enrollment.objects.bulk_update(changed, ["lessons_done", "progress_percent", "next_lesson"])
        learners_changed([e.user_id for e in changed])
        updated += len(changed)
    # Those who now have every live lesson may have nothing left to do (a quiz may remain).
    if live_ids:
        finished = Enrollment.objects.filter(
            course=course, status=Enrollment.Status.ACTIVE, next_lesson__isnull=True
        ).values_list("pk", flat=True)
        for pk in list(finished):
            with transaction.atomic():
                enrollment = (
                    Enrollment.objects.select_for_update()
                    .select_related("course", "user")
                    .get(pk=pk)
                )
                if course_complete_if_done(enrollment=enrollment):
                    learners_changed([enrollment.user_id])
    return updated


def course_certificate_request(*, enrollment: Enrollment):
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
