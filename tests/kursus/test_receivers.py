"""kursus reacts to the organisation's signals: whoever the organisation places in a unit, by
the admin's employee form, open sign-up or an import, gets the mandatory courses of that unit
and of the units above it, and their enrolments follow them into the new unit's reports."""

import datetime

import pytest
from django.urls import reverse

from kursus.models import Enrollment
from kursus.services import assignment_create
from lms.organisasi.forms import EmployeeAdminForm
from lms.organisasi.imports import employee_import_run
from lms.organisasi.models import Employee

from ..factories import make_course

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 31)
HEADER = b"NIP,nama,email,kode unit,jabatan,jenis pegawai\n"


def _form_data(unit, **changes):
    return {
        "full_name": "Rina Wulandari",
        "email": "rina@bawaslu.go.id",
        "nip": "199001012015032001",
        "employment_type": Employee.EmploymentType.PNS,
        "position": "Staf",
        "unit": unit.pk,
        "is_active": True,
        **changes,
    }


def test_an_employee_added_by_an_admin_gets_the_mandatory_courses_of_the_units_above(
    org_tree, django_capture_on_commit_callbacks
):
    # given a course mandatory for West Java
    course = make_course()
    assignment_create(course=course, unit=org_tree["32"], due_date=DUE)

    # when an admin adds an employee in Bandung
    form = EmployeeAdminForm(data=_form_data(org_tree["32.04"]))
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks():
        employee = form.save()

    # then she is enrolled, with the assignment's due date and her unit
    enrollment = Enrollment.objects.get(user=employee.user, course=course)
    assert (enrollment.due_date, enrollment.unit_id) == (DUE, org_tree["32.04"].pk)


def test_an_employee_moved_by_an_admin_into_an_assigned_unit_is_enrolled_there(make_employee):
    # given an employee in Central Java and a course mandatory for a Bandung unit only
    employee = make_employee("33.74", full_name="Rina")
    bandung = employee.unit.__class__.objects.get(code="32.04")
    course = make_course()
    assignment_create(course=course, unit=bandung, due_date=DUE)
    assert not Enrollment.objects.filter(user=employee.user).exists()

    # when an admin moves her to Bandung
    form = EmployeeAdminForm(
        data=_form_data(bandung, full_name="Rina", email=employee.user.email, nip=employee.nip),
        instance=employee,
    )
    assert form.is_valid(), form.errors
    form.save()

    # then she is enrolled, counted in Bandung
    assert Enrollment.objects.get(user=employee.user, course=course).unit_id == bandung.pk


def test_a_reimport_that_moves_someone_enrols_them_and_moves_their_enrolments(org_tree):
    # given an imported employee in Central Java, enrolled in one course by herself
    row = b"198503122010031001,Baru Masuk,baru@bawaslu.go.id,%s,Staf,PNS\n"
    employee_import_run(content=HEADER + row % b"33.74", filename="a.csv")
    employee = Employee.objects.get(nip="198503122010031001")
    own = make_course("OWN-01")
    Enrollment.objects.create(user=employee.user, course=own, unit=employee.unit)
    mandatory = make_course("WJB-01")
    assignment_create(course=mandatory, unit=org_tree["32"], due_date=DUE)

    # when a new file puts her in Bandung
    employee_import_run(content=HEADER + row % b"32.04", filename="b.csv")

    # then she gets West Java's mandatory course, and both enrolments are Bandung's
    units = dict(
        Enrollment.objects.filter(user=employee.user).values_list("course_id", "unit__code")
    )
    assert units == {own.pk: "32.04", mandatory.pk: "32.04"}


def test_open_signup_into_an_assigned_unit_enrols_the_new_learner(client, org_tree, settings):
    settings.LMS_OPEN_SIGNUP = True
    settings.LMS_SIGNUP_EMAIL_DOMAINS = ["bawaslu.go.id"]
    course = make_course()
    assignment_create(course=course, unit=org_tree["32"], due_date=DUE)

    response = client.post(
        reverse("account_signup"),
        {
            "email": "orang@bawaslu.go.id",
            "password1": "Pengawas-Pemilu-2026",
            "password2": "Pengawas-Pemilu-2026",
            "full_name": "Orang Baru",
            "employment_type": "non_asn",
            "unit": org_tree["32.04"].pk,
        },
    )

    assert response.status_code == 302
    assert Enrollment.objects.filter(user__email="orang@bawaslu.go.id", course=course).exists()
