"""Reactions of program to the signals of the apps below it (connected in ProgramConfig.ready):
people placed in a unit a running cohort nominated join that cohort; a participant of a
closed cohort who answers its questionnaire gets the certificate they passed for."""

from kuesioner.signals import questionnaire_answered
from lms.organisasi.signals import employee_placed, employees_imported

from .models import Participant
from .questionnaires import COHORT
from .services import (
    nominations_apply_for_employee,
    nominations_apply_for_units,
    participant_certificate_request,
)


def _employee_placed(sender, *, employee, **kwargs) -> None:
    nominations_apply_for_employee(employee=employee)


def _employees_imported(sender, *, unit_ids, **kwargs) -> None:
    nominations_apply_for_units(unit_ids=unit_ids)


def _questionnaire_answered(sender, *, user_id, context, **kwargs) -> None:
    """Sent inside the transaction that stores the answer: the certificate row is made in it
    too (for a passed participant of a closed cohort), its PDF after commit."""
    kind, _, cohort_id = context.partition(":")
    if kind != COHORT or not cohort_id.isdigit():
        return
    participant = Participant.objects.filter(cohort_id=int(cohort_id), user_id=user_id).first()
    if participant is not None:
        participant_certificate_request(participant=participant)


def connect_cohort_receivers() -> None:
    employee_placed.connect(_employee_placed, dispatch_uid="program-cohort-employee-placed")
    employees_imported.connect(
        _employees_imported, dispatch_uid="program-cohort-employees-imported"
    )
    questionnaire_answered.connect(
        _questionnaire_answered, dispatch_uid="program-questionnaire-certificate"
    )
