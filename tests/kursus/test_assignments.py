import datetime

import pytest

from kursus.models import Enrollment
from kursus.services import assignment_create
from lms.organisasi.imports import employee_import_run

from ..factories import make_course

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 31)


def test_assignment_enrols_the_whole_subtree_and_nobody_else(make_employee, supervisor_jabar):
    course = make_course()
    bandung = make_employee("32.04")
    bekasi = make_employee("32.75")
    semarang = make_employee("33.74")

    assignment_create(
        course=course, unit=bandung.unit.get_parent(), due_date=DUE, assigned_by=supervisor_jabar
    )

    enrolled = set(Enrollment.objects.filter(course=course).values_list("user_id", flat=True))
    assert {bandung.user_id, bekasi.user_id, supervisor_jabar.pk} <= enrolled
    assert semarang.user_id not in enrolled
    assert Enrollment.objects.get(user=bandung.user).due_date == DUE


def test_assignment_to_positions_only(make_employee):
    course = make_course()
    operator = make_employee("32.04", position="Operator Data")
    staff = make_employee("32.04", position="Bendahara")

    assignment_create(course=course, unit=operator.unit, due_date=DUE, positions=["Operator Data"])

    assert Enrollment.objects.filter(user=operator.user, course=course).exists()
    assert not Enrollment.objects.filter(user=staff.user, course=course).exists()


def test_assigning_twice_creates_no_duplicates_and_marks_existing_enrolments(make_employee):
    from kursus.services import enrollment_create

    course = make_course()
    early = make_employee("32.04")
    enrollment_create(user=early.user, course=course)

    assignment_create(course=course, unit=early.unit, due_date=DUE)
    assignment_create(course=course, unit=early.unit, due_date=DUE)

    enrollment = Enrollment.objects.get(user=early.user, course=course)
    assert enrollment.assignment is not None
    assert Enrollment.objects.filter(course=course).count() == 1


def test_people_who_join_later_get_the_assignment(org_tree, make_employee):
    course = make_course()
    assignment_create(course=course, unit=org_tree["32"], due_date=DUE)

    employee_import_run(
        content=(
            b"NIP,nama,email,kode unit,jabatan,jenis pegawai\n"
            b"198503122010031001,Baru Masuk,baru@bawaslu.go.id,32.04,Staf,PNS\n"
            b"198503122010031002,Di Jateng,jateng@bawaslu.go.id,33.74,Staf,PNS\n"
        ),
        filename="pegawai.csv",
    )

    assert Enrollment.objects.filter(user__email="baru@bawaslu.go.id", course=course).exists()
    assert not Enrollment.objects.filter(user__email="jateng@bawaslu.go.id").exists()


def test_mandatory_courses_show_on_the_dashboard_and_overdue_ones_stand_out(client, learner):
    course = make_course("BT-09")
    assignment_create(course=course, unit=learner.employee.unit, due_date=datetime.date(2020, 1, 1))
    client.force_login(learner)

    content = client.get("/dasbor/").content.decode()

    assert "BT-09" in content
    assert "Terlambat sejak" in content
    assert "is-overdue" in content


def test_mandatory_enrolment_cannot_be_left(learner):
    from kursus.services import EnrollmentError, enrollment_withdraw

    course = make_course()
    assignment_create(course=course, unit=learner.employee.unit, due_date=DUE)
    with pytest.raises(EnrollmentError):
        enrollment_withdraw(user=learner, course=course)


def test_supervisor_assigns_a_course_to_a_unit_in_their_subtree(
    client, supervisor_jabar, make_employee
):
    course = make_course("SPV-01")
    person = make_employee("32.73")
    other = make_employee("33.74")
    client.force_login(supervisor_jabar)

    response = client.post(
        "/laporan/unit/32.73/penugasan/", {"course": course.pk, "due_date": "2099-01-31"}
    )

    assert response.status_code == 302
    assert Enrollment.objects.filter(user=person.user, course=course).exists()
    assert not Enrollment.objects.filter(user=other.user).exists()
    response = client.post(
        "/laporan/unit/32.73/penugasan/", {"course": course.pk, "due_date": "2000-01-31"}
    )
    assert "masa lalu" in response.content.decode()
