"""Reactions of kursus to the signals of the apps below it (connected in KursusConfig.ready):
people placed in a unit get its mandatory courses and their enrolments follow them into the
reports of their new unit."""

from kuesioner.registry import ContextInfo, context_kind_register
from kuesioner.signals import questionnaire_answered
from lms.organisasi.models import OrgUnit
from lms.organisasi.signals import employee_placed, employees_imported

from .models import CoursePage, Enrollment, MandatoryAssignment
from .services import assignment_apply, course_questionnaire_answered, enrollment_units_sync
from .services import employee_placed as employee_placed_apply


def _employee_placed(sender, *, employee, **kwargs) -> None:
    employee_placed_apply(employee=employee)


def _employees_imported(sender, *, moved_user_ids, unit_ids, **kwargs) -> None:
    """Every assignment of the imported units and of the units above them is applied once
    (it enrols whoever it covers and is not enrolled yet), instead of once per person."""
    if moved_user_ids:
        enrollment_units_sync(user_ids=moved_user_ids)
    paths = set(OrgUnit.objects.filter(pk__in=set(unit_ids)).values_list("path", flat=True))
    ancestors = {p[:i] for p in paths for i in range(OrgUnit.steplen, len(p) + 1, OrgUnit.steplen)}
    for assignment in MandatoryAssignment.objects.filter(unit__path__in=ancestors).select_related(
        "course", "unit"
    ):
        assignment_apply(assignment=assignment)


COURSE_CONTEXT = "kursus.course"


def _questionnaire_answered(sender, *, user_id, questionnaire_id, context, **kwargs) -> None:
    """A learner answered a course's evaluation questionnaire: it may have been the last
    requirement of the course."""
    kind, _sep, ident = context.partition(":")
    if kind == COURSE_CONTEXT and ident.isdigit():
        course_questionnaire_answered(user_id=user_id, course_id=int(ident))


def _describe_course_context(course_id: int) -> ContextInfo | None:
    """The context "kursus.course:<id>": the course's questionnaire, answered by its enrolled
    learners (not withdrawn); the population is every enrolment not withdrawn."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return None
    enrolled = Enrollment.objects.filter(course_id=course_id).exclude(
        status=Enrollment.Status.WITHDRAWN
    )

    def may_answer(user) -> bool:
        return user.is_authenticated and enrolled.filter(user_id=user.pk).exists()

    return ContextInfo(
        questionnaire_id=course.questionnaire_id,
        title=f"{course.code} {course.title}",
        back_url=course.url or "/",
        population=enrolled.count(),
        may_answer=may_answer,
    )


def connect_receivers() -> None:
    questionnaire_answered.connect(_questionnaire_answered, dispatch_uid="kursus-questionnaire")
    context_kind_register(COURSE_CONTEXT, _describe_course_context)
    employee_placed.connect(_employee_placed, dispatch_uid="kursus-employee-placed")
    employees_imported.connect(_employees_imported, dispatch_uid="kursus-employees-imported")
