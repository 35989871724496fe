"""Each enrolment carries a copy of its learner's unit, the key of the course report's index.
Every way a person is placed or moved must carry their enrolments along, and the report must
stay right even where the copy is stale."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kursus.models import Enrollment
from kursus.services import (
    assignment_create,
    employee_placed,
    enrollment_create,
    enrollment_units_reconcile,
    enrollment_units_sync,
)
from lms.organisasi.forms import EmployeeAdminForm
from lms.organisasi.imports import employee_import_run
from lms.organisasi.models import OrgUnit
from tests.factories import make_course

pytestmark = pytest.mark.django_db


def _units(course) -> dict[str, str | None]:
    return {
        e.user.employee.full_name: e.unit.code if e.unit else None
        for e in Enrollment.objects.filter(course=course).select_related("unit", "user__employee")
    }


def _report_names(client, code: str, course) -> list[str]:
    url = reverse("laporan:course_report", args=[code, course.pk])
    return [row["name"] for row in client.get(url).context["rows"]]


def test_every_way_of_enrolling_records_the_learners_unit(make_employee):
    course = make_course("UNT-01")
    ani = make_employee("32.04", full_name="Ani")
    budi = make_employee("32.75", full_name="Budi")
    enrollment_create(user=ani.user, course=course)
    assignment_create(
        course=course,
        unit=OrgUnit.objects.get(code="32.75"),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        assigned_by=None,
    )
    assert _units(course) == {"Ani": "32.04", "Budi": "32.75"}
    assert budi.user.enrollments.get().assignment_id is not None


def test_moving_someone_in_the_admin_moves_their_enrolments_between_reports(
    client, supervisor_jabar, make_employee
):
    course = make_course("UNT-02")
    ani = make_employee("32.04", full_name="Ani Lestari")
    enrollment_create(user=ani.user, course=course)
    client.force_login(supervisor_jabar)
    assert _report_names(client, "32.04", course) == ["Ani Lestari"]

    form = EmployeeAdminForm(
        instance=ani,
        data={
            "full_name": ani.full_name,
            "email": ani.user.email,
            "nip": ani.nip,
            "employment_type": ani.employment_type,
            "position": ani.position,
            "unit": OrgUnit.objects.get(code="32.73").pk,
            "is_active": True,
        },
    )
    assert form.is_valid(), form.errors
    form.save()

    assert _units(course) == {"Ani Lestari": "32.73"}
    assert _report_names(client, "32.04", course) == []
    assert _report_names(client, "32.73", course) == ["Ani Lestari"]
    assert _report_names(client, "32", course) == ["Ani Lestari"]


def test_an_import_that_moves_people_moves_their_enrolments(org_tree):
    header = "NIP,nama,email,kode unit,jabatan,jenis pegawai\n"
    row = "198503122010031001,Ahmad Fauzi,ahmad@bawaslu.go.id,{unit},Staf,PNS\n"
    employee_import_run(content=(header + row.format(unit="32.04")).encode(), filename="a.csv")
    course = make_course("UNT-03")
    ahmad = org_tree["32.04"].employees.get()
    enrollment_create(user=ahmad.user, course=course)

    employee_import_run(content=(header + row.format(unit="32.73")).encode(), filename="a.csv")

    assert _units(course) == {"Ahmad Fauzi": "32.73"}


def test_sync_writes_only_what_changed(make_employee):
    course, other = make_course("UNT-04"), make_course("UNT-05")
    ani = make_employee("32.04", full_name="Ani")
    enrollment_create(user=ani.user, course=course)
    enrollment_create(user=ani.user, course=other)
    assert enrollment_units_sync(user_ids=[ani.user_id]) == 0

    ani.unit = OrgUnit.objects.get(code="32.01")
    ani.save()  # a move that bypassed the services: the copies are now stale
    assert enrollment_units_sync(user_ids=[ani.user_id, ani.user_id]) == 2
    assert set(_units(course).values()) | set(_units(other).values()) == {"32.01"}


def test_a_stale_copy_never_shows_someone_in_the_unit_they_left(
    client, supervisor_jabar, make_employee
):
    course = make_course("UNT-06")
    ani = make_employee("32.04", full_name="Ani Lestari")
    enrollment_create(user=ani.user, course=course)
    ani.unit = OrgUnit.objects.get(code="33.74")  # moved out of the province, copy not updated
    ani.save()
    client.force_login(supervisor_jabar)

    assert _report_names(client, "32", course) == []
    assert _report_names(client, "32.04", course) == []


def test_an_enrolment_without_its_copy_is_still_reported_and_gets_it_at_night(
    client, supervisor_jabar, make_employee, settings
):
    course = make_course("UNT-07")
    ani = make_employee("32.04", full_name="Ani Lestari")
    enrollment_create(user=ani.user, course=course)
    Enrollment.objects.update(unit=None)  # as an old process would write it during a deploy
    client.force_login(supervisor_jabar)
    assert _report_names(client, "32.04", course) == ["Ani Lestari"]
    assert _report_names(client, "32.01", course) == []

    assert enrollment_units_reconcile() == 1
    assert _units(course) == {"Ani Lestari": "32.04"}
    assert enrollment_units_reconcile() == 0
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "kursus.tasks.enrollment_units_reconcile_task" in tasks


def test_the_nightly_reconciliation_repairs_a_move_it_did_not_see(make_employee):
    course = make_course("UNT-08")
    ani = make_employee("32.04", full_name="Ani")
    gita = make_employee("32.01", full_name="Gita")
    for person in (ani, gita):
        enrollment_create(user=person.user, course=course)
    ani.unit = OrgUnit.objects.get(code="32.73")
    ani.save()  # committed while the enrolment was written: the copy is stale

    assert enrollment_units_reconcile() == 1
    assert _units(course) == {"Ani": "32.73", "Gita": "32.01"}


def test_a_profile_for_an_existing_account_carries_its_enrolments(org_tree):
    from lms.akun.models import User

    user = User.objects.create_user(email="ahmad@bawaslu.go.id")
    course = make_course("UNT-09")
    Enrollment.objects.create(user=user, course=course)  # no profile yet: no unit
    header = "NIP,nama,email,kode unit,jabatan,jenis pegawai\n"
    row = "198503122010031001,Ahmad Fauzi,ahmad@bawaslu.go.id,32.75,Staf,PNS\n"

    employee_import_run(content=(header + row).encode(), filename="a.csv")

    assert _units(course) == {"Ahmad Fauzi": "32.75"}


def test_moving_into_a_unit_with_a_mandatory_course_enrols_with_the_new_unit(make_employee):
    course = make_course("UNT-10")
    assignment_create(
        course=course,
        unit=OrgUnit.objects.get(code="32.73"),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    ani = make_employee("32.04", full_name="Ani")
    assert _units(course) == {}
    ani.unit = OrgUnit.objects.get(code="32.73")
    ani.save()

    assert employee_placed(employee=ani) == 1
    assert _units(course) == {"Ani": "32.73"}
