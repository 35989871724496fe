"""What each event tells a receiver: ids, codes and dates, and of a person only what an HR
system keys its records by (NIP, name, unit code). No email, no score detail, no secret."""

import datetime

from django.conf import settings
from django.urls import reverse

from lms.organisasi.models import Employee


def _date(value) -> str | None:
    return value.isoformat() if value else None


def employee_data(employee: Employee) -> dict:
    return {
        "id": employee.pk,
        "nip": employee.nip,
        "full_name": employee.full_name,
        "unit_code": employee.unit.code,
        "employment_type": employee.employment_type,
        "is_active": employee.is_active,
    }


def course_completed_data(
    *, enrollment_id: int, course: dict, completed_at: datetime.datetime, employee: Employee
) -> dict:
    return {
        "enrollment_id": enrollment_id,
        "completed_at": _date(completed_at),
        "course": {
            "id": course["pk"],
            "code": course["code"],
            "title": course["title"],
            "jp": course["jp"],
        },
        "employee": employee_data(employee),
    }


def certificate_data(certificate: dict, *, employee: Employee) -> dict:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return {
        "certificate": {
            "id": certificate["pk"],
            "code": certificate["code"],
            "number": certificate["number"],
            "status": certificate["status"],
            "subject_id": certificate["subject_id"],
            "course_code": certificate["course_code"],
            "course_title": certificate["course_title"],
            "jp": certificate["jp"],
            "completed_on": _date(certificate["completed_on"]),
            "issued_on": _date(certificate["issued_on"]),
            "revoked_at": _date(certificate["revoked_at"]),
            "verification_url": base + reverse("sertifikat:verify", args=[certificate["code"]]),
        },
        "employee": employee_data(employee),
    }


CERTIFICATE_FIELDS = (
    "pk",
    "code",
    "number",
    "status",
    "subject_id",
    "course_code",
    "course_title",
    "jp",
    "completed_on",
    "issued_on",
    "revoked_at",
)
