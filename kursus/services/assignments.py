"""Mandatory assignments, and the copy of each learner's unit on their enrolments."""

import datetime

from django.db import transaction
from django.db.models import F, OuterRef, Subquery

from lms.core.cache import learners_changed
from lms.organisasi.models import Employee, OrgUnit

from ..models import CoursePage, Enrollment, MandatoryAssignment
from ..selectors import courses_open_to_learners


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
    enrolments mandatory with the due date. Returns how many enrolments were created. Nobody
    is enrolled while the course is not open to learners (not live, or without a live
    lesson); the assignment form offers only courses that are."""
    if not courses_open_to_learners().filter(pk=assignment.course_id).exists():
        return 0
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
        unit__path__in=ancestor_paths, course__in=courses_open_to_learners()
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
