"""The webhooks' reactions to the events of the apps below (connected through
integrasi.receivers.connect_receivers): each writes the event and its deliveries in the
transaction that sent the signal, and costs nothing while no receiver wants the event."""

from kursus.signals import course_completed
from lms.organisasi.signals import employee_placed, employees_imported
from sertifikat.signals import certificate_issued, certificate_revoked

from ..models.webhooks import EventType
from .services import (
    webhook_notify_certificate,
    webhook_notify_course_completed,
    webhook_notify_employee,
    webhook_notify_employees,
)


def _course_completed(sender, *, enrollment_id, user_id, course_id, completed_at, **kwargs):
    webhook_notify_course_completed(
        enrollment_id=enrollment_id,
        user_id=user_id,
        course_id=course_id,
        completed_at=completed_at,
    )


def _certificate_issued(sender, *, certificate_id, user_id, **kwargs):
    webhook_notify_certificate(
        event_type=EventType.CERTIFICATE_ISSUED, certificate_id=certificate_id, user_id=user_id
    )


def _certificate_revoked(sender, *, certificate_id, user_id, **kwargs):
    webhook_notify_certificate(
        event_type=EventType.CERTIFICATE_REVOKED, certificate_id=certificate_id, user_id=user_id
    )


def _employee_placed(sender, *, employee, **kwargs):
    webhook_notify_employee(employee=employee)


def _employees_imported(sender, *, employee_ids=(), **kwargs):
    webhook_notify_employees(employee_ids=list(employee_ids))


def connect_webhook_receivers() -> None:
    course_completed.connect(_course_completed, dispatch_uid="integrasi-webhook-course")
    certificate_issued.connect(_certificate_issued, dispatch_uid="integrasi-webhook-cert-issued")
    certificate_revoked.connect(_certificate_revoked, dispatch_uid="integrasi-webhook-cert-revoked")
    employee_placed.connect(_employee_placed, dispatch_uid="integrasi-webhook-employee")
    employees_imported.connect(_employees_imported, dispatch_uid="integrasi-webhook-employees")
