"""Overdue mandatory courses (for the supervisors' emails and the employees' reminders)."""

from django.db.models import (
    QuerySet,
)
from django.utils import timezone

from kursus.models import Enrollment
from lms.organisasi.models import OrgUnit

ACTIVE = Enrollment.Status.ACTIVE


def overdue_enrollments(*, unit: OrgUnit | None = None) -> QuerySet[Enrollment]:
    qs = Enrollment.objects.filter(
        status=ACTIVE,
        assignment__isnull=False,
        due_date__lt=timezone.localdate(),
        user__employee__is_active=True,
    )
    if unit is not None:
        qs = qs.filter(user__employee__unit__path__startswith=unit.path)
    return qs
