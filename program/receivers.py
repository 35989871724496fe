"""Reactions of program to the signals of the apps below it (connected in ProgramConfig.ready):
people placed in a unit a running cohort nominated join that cohort."""

from lms.organisasi.signals import employee_placed, employees_imported

from .services import nominations_apply_for_employee, nominations_apply_for_units


def _employee_placed(sender, *, employee, **kwargs) -> None:
    nominations_apply_for_employee(employee=employee)


def _employees_imported(sender, *, unit_ids, **kwargs) -> None:
    nominations_apply_for_units(unit_ids=unit_ids)


def connect_cohort_receivers() -> None:
    employee_placed.connect(_employee_placed, dispatch_uid="program-cohort-employee-placed")
    employees_imported.connect(
        _employees_imported, dispatch_uid="program-cohort-employees-imported"
    )
