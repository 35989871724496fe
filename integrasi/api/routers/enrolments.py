"""Enrolments and mandatory assignments: list them (records:read) and create them
(enrolments:write) through the kursus services, with the rules a learner or an admin meets.

Enrolments are scoped by the person's current employee unit, as the supervisor's reports
scope them; an assignment by its own unit."""

import datetime
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kursus.forms import UnitAssignmentForm
from kursus.models import Enrollment, MandatoryAssignment
from kursus.selectors import courses_open_to_learners
from kursus.services import (
    EnrollmentError,
    assignment_create,
    enrollment_blockers,
    enrollment_create,
)
from lms.organisasi.models import OrgUnit

from ...models.clients import Scope
from ...selectors.learning import (
    assignment_find_same,
    assignment_list,
    course_for_enrolment,
    course_restriction_reasons,
    employee_in_scope,
    enrolment_list,
    unit_in_scope,
)
from ..core import PAGE_SIZE_DEFAULT, ApiProblem, Problem, aware, not_found, page_of, require_scope
from ..schemas_learning import (
    AssignmentCreated,
    AssignmentIn,
    AssignmentPage,
    EnrolmentIn,
    EnrolmentOut,
    EnrolmentPage,
)

router = Router(tags=["Pendaftaran dan penugasan wajib"])

ERRORS = {403: Problem, 404: Problem, 422: Problem}


def enrolment_out(enrollment: Enrollment) -> dict:
    employee = enrollment.user.employee
    return {
        "id": enrollment.pk,
        "nip": employee.nip,
        "name": employee.full_name,
        "unit_code": employee.unit.code,
        "course_code": enrollment.course.code,
        "course_title": enrollment.course.title,
        "status": enrollment.status,
        "progress_percent": enrollment.progress_percent,
        "mandatory": enrollment.assignment_id is not None,
        "assignment_id": enrollment.assignment_id,
        "due_date": enrollment.due_date,
        "enrolled_at": enrollment.enrolled_at,
        "last_activity_at": enrollment.last_activity_at,
        "completed_at": enrollment.completed_at,
        "withdrawn_at": enrollment.withdrawn_at,
        "updated_at": enrollment.updated_at,
    }


@router.get(
    "/enrolments/",
    response={200: EnrolmentPage, 400: Problem, **ERRORS},
    summary="Daftar pendaftaran kursus",
)
def enrolments_list(
    request,
    nip: str | None = None,
    course_code: str | None = None,
    status: Literal["active", "completed", "withdrawn"] | None = None,
    updated_since: datetime.datetime | None = None,
    cursor: str | None = None,
    limit: int = Query(PAGE_SIZE_DEFAULT, ge=1, le=500),
):
    """Pendaftaran pegawai di unit cakupan klien (unit kerja pegawai saat ini).
    `updated_since`: pendaftaran yang berubah sejak waktu itu (`updated_at`): terdaftar,
    keluar atau terdaftar lagi, kemajuan belajar, selesai, penugasan wajib atau batas
    waktunya, pindah unit. Untuk sinkronisasi berkala, kirim waktu sinkronisasi sebelumnya
    dikurangi beberapa menit: perubahan yang sedang disimpan saat itu tetap terbawa."""
    client = require_scope(request, Scope.READ_RECORDS)
    qs = enrolment_list(
        unit=client.unit,
        nip=nip,
        course_code=course_code,
        status=status,
        updated_since=aware(updated_since),
    )
    return page_of(
        qs,
        cursor=cursor,
        limit=limit,
        serialize=lambda rows: [enrolment_out(row) for row in rows],
    )


@router.post(
    "/enrolments/",
    response={200: EnrolmentOut, 201: EnrolmentOut, **ERRORS},
    summary="Daftarkan pegawai ke kursus",
)
def enrolments_create(request, payload: EnrolmentIn):
    """Mendaftarkan pegawai (NIP) ke kursus (kode), dengan aturan yang sama seperti peserta
    mendaftar sendiri. Pendaftaran yang sudah ada dikembalikan dengan status 200; yang baru
    (atau yang diaktifkan lagi setelah keluar) dengan 201."""
    client = require_scope(request, Scope.WRITE_ENROLMENTS)
    employee = employee_in_scope(unit=client.unit, nip=payload.nip)
    if employee is None:
        raise not_found(_("Pegawai dengan NIP itu tidak ditemukan."))
    course = course_for_enrolment(code=payload.course_code)
    if course is None:
        raise not_found(_("Kursus dengan kode itu tidak ditemukan."))
    if not employee.is_active:
        raise _cannot_enrol([_("Pegawai ini tidak aktif.")], field="nip")
    user = employee.user
    before = Enrollment.objects.filter(user=user, course=course).values_list("status", flat=True)
    was_current = any(status != Enrollment.Status.WITHDRAWN for status in before)
    if not was_current:
        reasons = course_restriction_reasons(user=user, course=course)
        reasons += enrollment_blockers(user=user, course=course)
        if reasons:
            raise _cannot_enrol(reasons)
    try:
        enrollment = enrollment_create(user=user, course=course)
    except EnrollmentError as error:  # the rules changed between the check and the write
        raise _cannot_enrol([str(error)]) from None
    row = enrolment_list(unit=client.unit).filter(pk=enrollment.pk).first()
    if row is None:  # the person moved out of the scope meanwhile
        raise not_found(_("Pegawai dengan NIP itu tidak ditemukan."))
    return Status(200 if was_current else 201, enrolment_out(row))


def _cannot_enrol(reasons: list[str], *, field: str = "course_code") -> ApiProblem:
    return ApiProblem(
        422,
        _("Pendaftaran tidak dapat dilakukan"),
        " ".join(reasons),
        errors=[{"field": field, "message": reason} for reason in reasons],
    )


# Mandatory assignments ----------------------------------------------------------------------


def assignment_out(assignment: MandatoryAssignment) -> dict:
    return {
        "id": assignment.pk,
        "course_code": assignment.course.code,
        "course_title": assignment.course.title,
        "unit_code": assignment.unit.code,
        "positions": list(assignment.positions or []),
        "due_date": assignment.due_date,
        "created_at": assignment.created_at,
    }


@router.get(
    "/assignments/",
    response={200: AssignmentPage, 400: Problem, **ERRORS},
    summary="Daftar penugasan wajib",
)
def assignments_list(
    request,
    course_code: str | None = None,
    updated_since: datetime.datetime | None = None,
    cursor: str | None = None,
    limit: int = Query(PAGE_SIZE_DEFAULT, ge=1, le=500),
):
    """Penugasan wajib yang dibuat untuk unit di dalam cakupan klien. `updated_since`: yang
    dibuat sejak waktu itu."""
    client = require_scope(request, Scope.READ_RECORDS)
    qs = assignment_list(
        unit=client.unit, course_code=course_code, updated_since=aware(updated_since)
    )
    return page_of(
        qs,
        cursor=cursor,
        limit=limit,
        serialize=lambda rows: [assignment_out(row) for row in rows],
    )


@router.post(
    "/assignments/",
    response={200: AssignmentCreated, 201: AssignmentCreated, **ERRORS},
    summary="Wajibkan kursus untuk unit",
)
def assignments_create(request, payload: AssignmentIn):
    """Mewajibkan kursus untuk unit (beserta jajaran di bawahnya), untuk semua pegawai atau
    jabatan tertentu, dan mendaftarkan semua pegawai yang tercakup. Permintaan yang sama
    (kursus, unit, jabatan dan batas waktu sama) tidak membuat penugasan kedua: penugasan yang
    ada dikembalikan dengan status 200."""
    client = require_scope(request, Scope.WRITE_ENROLMENTS)
    unit = unit_in_scope(unit=client.unit, code=payload.unit_code)
    if unit is None:
        raise not_found(_("Unit dengan kode itu tidak ditemukan."))
    course = courses_open_to_learners().filter(code=payload.course_code).first()
    errors = []
    if course is None:
        errors.append(
            {
                "field": "course_code",
                "message": _("Kursus tidak ditemukan atau belum dapat diikuti peserta."),
            }
        )
    if any("\n" in p or "\r" in p for p in payload.positions):
        errors.append({"field": "positions", "message": _("Satu jabatan per isian.")})
    form = UnitAssignmentForm(
        data={
            "course": course.pk if course else "",
            "positions": "\n".join(payload.positions),
            "due_date": payload.due_date.isoformat(),
        }
    )
    if not form.is_valid():
        names = {"course": "course_code"}
        errors += [
            {"field": names.get(name, name), "message": str(message)}
            for name, messages in form.errors.items()
            if name != "course" or course is not None
            for message in messages
        ]
    if errors:
        raise ApiProblem(422, _("Data tidak sah"), _("Periksa isian yang disebut."), errors=errors)
    positions = form.cleaned_data["positions"]
    with transaction.atomic():
        # One request at a time per unit: two identical ones make one assignment.
        OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
        existing = assignment_find_same(
            course=course, unit=unit, positions=positions, due_date=payload.due_date
        )
        created = existing is None
        assignment = existing or assignment_create(
            course=course, unit=unit, due_date=payload.due_date, positions=positions
        )
    return Status(
        201 if created else 200,
        {**assignment_out(assignment), "enrolments": assignment.enrollments.count()},
    )
