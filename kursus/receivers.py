"""Reactions of kursus to the signals of the apps below it (connected in KursusConfig.ready):
people placed in a unit get its mandatory courses and their enrolments follow them into the
reports of their new unit."""

from lms.organisasi.models import OrgUnit
from lms.organisasi.signals import employee_placed, employees_imported

from .models import MandatoryAssignment
from .services import assignment_apply, enrollment_units_sync
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


def connect_receivers() -> None:
    employee_placed.connect(_employee_placed, dispatch_uid="kursus-employee-placed")
    employees_imported.connect(_employees_imported, dispatch_uid="kursus-employees-imported")
