"""Enrolments and mandatory assignments through the API: listed within the client's unit
scope (the person's current unit), created through the kursus services with a learner's or
an admin's rules, idempotent on repeat."""

import datetime

import pytest
from django.utils import timezone

from kursus.models import Enrollment, MandatoryAssignment
from kursus.services import enrollment_create, enrollment_withdraw
from lms.organisasi.models import OrgUnit

from ..factories import make_course
from .learning_helpers import enrol_directly, get, ids, people, post, queries_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/enrolments/"
ASSIGNMENTS = "/api/v1/assignments/"
DUE = datetime.date(2099, 6, 30)


@pytest.fixture
def course(db):
    return make_course("API-01", modules=(1,), jp=4)


@pytest.fixture
def jabar(make_service_client):
    """A client of Bawaslu Provinsi Jawa Barat with every scope: its token."""
    return make_service_client("32")[1]


def test_lists_the_enrolments_of_people_in_the_subtree_only(client, jabar, make_employee, course):
    inside = make_employee("32.04")
    outside = make_employee("33")
    mine = enrollment_create(user=inside.user, course=course)
    enrollment_create(user=outside.user, course=course)

    response = get(client, URL, jabar)

    assert response.status_code == 200
    assert ids(response) == [mine.pk]
    item = response.json()["items"][0]
    assert item["nip"] == inside.nip
    assert item["unit_code"] == "32.04"
    assert item["course_code"] == "API-01"
    assert item["status"] == "active"
    assert _moment(item["updated_at"]) >= _moment(item["enrolled_at"])


def test_scope_follows_the_current_unit_not_the_enrolments_copy(
    client, jabar, make_employee, course
):
    # given: an enrolment made in Jawa Barat; its learner then moved to Jawa Tengah without
    # the enrolment's copy of the unit being updated yet (as while a move commits)
    mover = make_employee("32.04")
    enrollment = enrollment_create(user=mover.user, course=course)
    mover.unit = OrgUnit.objects.get(code="33")
    mover.save()
    assert Enrollment.objects.get(pk=enrollment.pk).unit.code == "32.04"

    # then: Jawa Barat's client no longer sees it, by list or by NIP
    assert ids(get(client, URL, jabar)) == []
    assert ids(get(client, URL, jabar, nip=mover.nip)) == []


def test_filters_by_nip_course_status_and_updated_since(client, jabar, make_employee, course):
    other_course = make_course("API-02", modules=(1,))
    a, b = make_employee("32.04"), make_employee("32")
    first = enrollment_create(user=a.user, course=course)
    second = enrollment_create(user=b.user, course=other_course)
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    Enrollment.objects.filter(pk__in=[first.pk, second.pk]).update(
        enrolled_at=ten_days_ago, updated_at=ten_days_ago
    )
    enrollment_withdraw(user=b.user, course=other_course)

    assert ids(get(client, URL, jabar, nip=a.nip)) == [first.pk]
    assert ids(get(client, URL, jabar, course_code="API-02")) == [second.pk]
    assert ids(get(client, URL, jabar, status="withdrawn")) == [second.pk]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(get(client, URL, jabar, updated_since=since)) == [second.pk]
    row = get(client, URL, jabar, updated_since=since).json()["items"][0]
    assert _moment(row["updated_at"]) >= _moment(row["withdrawn_at"])


def _moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def settled(client, jabar, make_employee, course):
    """An enrolment in Jawa Barat last changed a month ago, and a moment since then from
    which the client asks what changed: nothing yet."""
    employee = make_employee("32.04")
    enrollment = enrollment_create(user=employee.user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(get(client, URL, jabar, updated_since=since)) == []
    return employee, enrollment, since


def _changed(client, jabar, since) -> list[dict]:
    return get(client, URL, jabar, updated_since=since).json()["items"]


def test_updated_since_finds_an_enrolment_taken_up_again_after_withdrawing(
    client, jabar, course, settled
):
    employee, enrollment, since = settled
    enrollment_withdraw(user=employee.user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        withdrawn_at=timezone.now() - datetime.timedelta(days=20),
        updated_at=timezone.now() - datetime.timedelta(days=20),
    )
    assert _changed(client, jabar, since) == []

    enrollment_create(user=employee.user, course=course)

    [item] = _changed(client, jabar, since)
    assert (item["id"], item["status"], item["withdrawn_at"]) == (enrollment.pk, "active", None)
    assert _moment(item["updated_at"]) >= _moment(since)


def test_updated_since_finds_a_due_date_an_assignment_moved(client, jabar, course, settled):
    from kursus.services import assignment_apply, assignment_create

    employee, enrollment, since = settled
    assignment = assignment_create(course=course, unit=employee.unit, due_date=DUE)
    [item] = _changed(client, jabar, since)
    assert (item["id"], item["assignment_id"], item["due_date"]) == (
        enrollment.pk,
        assignment.pk,
        DUE.isoformat(),
    )

    Enrollment.objects.filter(pk=enrollment.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert _changed(client, jabar, since) == []
    assignment.due_date = DUE + datetime.timedelta(days=31)
    assignment.save()
    assignment_apply(assignment=assignment)

    [item] = _changed(client, jabar, since)
    assert item["due_date"] == (DUE + datetime.timedelta(days=31)).isoformat()


def test_updated_since_finds_progress_from_a_lesson_done(client, jabar, course, settled):
    from kursus.services import lesson_complete

    from ..factories import course_lessons

    employee, enrollment, since = settled
    lesson_complete(user=employee.user, lesson=course_lessons(course)[0])

    [item] = _changed(client, jabar, since)
    assert item["id"] == enrollment.pk
    assert item["progress_percent"] == 100
    assert item["status"] == "completed"


def test_updated_since_finds_a_person_moved_into_the_scope(client, jabar, make_employee, course):
    from kursus.services import employee_placed

    mover = make_employee("33")
    enrollment = enrollment_create(user=mover.user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    mover.unit = OrgUnit.objects.get(code="32.04")
    mover.save()
    employee_placed(employee=mover)

    [item] = _changed(client, jabar, since)
    assert (item["id"], item["unit_code"]) == (enrollment.pk, "32.04")


def test_pages_by_cursor_in_id_order_and_a_forged_cursor_shows_nothing_outside(
    client, jabar, course
):
    inside = enrol_directly(people("32.04", 3), course)
    outside = enrol_directly(people("33", 2), course)

    first = get(client, URL, jabar, limit=2)
    assert ids(first) == [inside[0].pk, inside[1].pk]
    second = get(client, URL, jabar, limit=2, cursor=first.json()["next_cursor"])
    assert ids(second) == [inside[2].pk]
    assert second.json()["next_cursor"] is None

    # A cursor made up to start just before another unit's row jumps to it, and finds only
    # what the scope holds after it.
    import base64

    forged = base64.urlsafe_b64encode(f"v1:{outside[0].pk - 1}".encode()).decode().rstrip("=")
    assert ids(get(client, URL, jabar, cursor=forged)) == []
    assert get(client, URL, jabar, cursor="not-a-cursor").status_code == 400


def test_each_endpoint_needs_its_scope(client, make_service_client, make_employee, course):
    _client, reader = make_service_client("32", scopes=["records:read"])
    _client, writer = make_service_client("32", scopes=["enrolments:write"])
    employee = make_employee("32.04")
    body = {"nip": employee.nip, "course_code": course.code}

    assert get(client, URL, writer).status_code == 403
    assert get(client, ASSIGNMENTS, writer).status_code == 403
    assert post(client, URL, reader, body).status_code == 403
    refused = post(
        client,
        ASSIGNMENTS,
        reader,
        {"course_code": course.code, "unit_code": "32.04", "due_date": "2099-01-01"},
    )
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert not Enrollment.objects.exists()
    assert get(client, URL, reader).status_code == 200
    assert post(client, URL, writer, body).status_code == 201


def test_the_list_runs_as_many_queries_for_50_rows_as_for_5(client, jabar, course):
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    enrol_directly(people("32.04", 5), course)
    few, body = queries_of(client, URL, jabar)
    assert len(body["items"]) == 5
    few_since, body = queries_of(client, URL, jabar, updated_since=since)
    assert len(body["items"]) == 5
    enrol_directly(people("32", 45), course)
    many, body = queries_of(client, URL, jabar)
    assert len(body["items"]) == 50
    many_since, body = queries_of(client, URL, jabar, updated_since=since)
    assert len(body["items"]) == 50
    assert many == few
    assert many_since == few_since


# Creating enrolments ------------------------------------------------------------------------


def test_post_enrols_once_and_a_repeat_returns_the_same_enrolment(
    client, jabar, make_employee, course
):
    employee = make_employee("32.04")
    body = {"nip": employee.nip, "course_code": "API-01"}

    created = post(client, URL, jabar, body)
    again = post(client, URL, jabar, body)

    assert created.status_code == 201
    assert again.status_code == 200
    assert created.json()["id"] == again.json()["id"]
    assert created.json()["status"] == "active"
    assert Enrollment.objects.filter(user=employee.user, course=course).count() == 1


def test_post_enrols_again_after_withdrawing(client, jabar, make_employee, course):
    employee = make_employee("32.04")
    enrollment_create(user=employee.user, course=course)
    enrollment_withdraw(user=employee.user, course=course)

    response = post(client, URL, jabar, {"nip": employee.nip, "course_code": course.code})

    assert response.status_code == 201
    assert response.json()["status"] == "active"
    assert response.json()["withdrawn_at"] is None


def test_a_blocker_is_a_422_problem_with_the_indonesian_reasons(
    client, jabar, make_employee, course
):
    course.enrollment_closes_at = timezone.now() - datetime.timedelta(days=1)
    course.save()
    employee = make_employee("32.04")

    response = post(client, URL, jabar, {"nip": employee.nip, "course_code": course.code})

    assert response.status_code == 422
    problem = response.json()
    assert problem["title"] == "Pendaftaran tidak dapat dilakukan"
    assert "Pendaftaran sudah ditutup sejak" in problem["detail"]
    assert problem["errors"][0]["field"] == "course_code"
    assert not Enrollment.objects.exists()


def test_an_inactive_employee_is_not_enrolled(client, jabar, make_employee, course):
    employee = make_employee("32.04", is_active=False)

    response = post(client, URL, jabar, {"nip": employee.nip, "course_code": course.code})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "nip", "message": "Pegawai ini tidak aktif."}]
    assert not Enrollment.objects.exists()


def test_a_missing_prerequisite_blocks(client, jabar, make_employee, course):
    basic = make_course("API-00", modules=(1,))
    course.prerequisites.add(basic)
    course.save()
    employee = make_employee("32.04")

    response = post(client, URL, jabar, {"nip": employee.nip, "course_code": course.code})

    assert response.status_code == 422
    assert "API-00" in response.json()["detail"]


def test_an_unpublished_course_or_a_person_outside_the_scope_is_not_found(
    client, jabar, make_employee, course
):
    inside = make_employee("32.04")
    outside = make_employee("33")
    draft = make_course("API-09", modules=(1,))
    draft.unpublish()

    unknown = post(client, URL, jabar, {"nip": "199001012020011999", "course_code": "API-01"})
    elsewhere = post(client, URL, jabar, {"nip": outside.nip, "course_code": "API-01"})
    unpublished = post(client, URL, jabar, {"nip": inside.nip, "course_code": "API-09"})

    assert unknown.status_code == elsewhere.status_code == unpublished.status_code == 404
    assert unknown.json()["detail"] == elsewhere.json()["detail"]
    assert not Enrollment.objects.exists()


def test_an_invalid_body_is_a_422_problem(client, jabar):
    response = post(client, URL, jabar, {"nip": ""})
    assert response.status_code == 422
    # ("payload." until the core drops the body parameter's name from the field's path)
    fields = {e["field"].removeprefix("payload.") for e in response.json()["errors"]}
    assert fields >= {"nip", "course_code"}


# Mandatory assignments ----------------------------------------------------------------------


def _assign(client, token, **fields):
    body = {"course_code": "API-01", "unit_code": "32.04", "due_date": "2099-06-30"}
    return post(client, ASSIGNMENTS, token, {**body, **fields})


def test_an_assignment_enrols_the_unit_and_a_repeat_makes_no_second_one(
    client, jabar, make_employee, course
):
    staff = make_employee("32.04")
    make_employee("32.04", position="Kepala Sekretariat")
    make_employee("32")  # above the unit: not covered

    created = _assign(client, jabar, positions=["Staf"])
    again = _assign(client, jabar, positions=["Staf"])

    assert created.status_code == 201
    assert again.status_code == 200
    assert created.json()["id"] == again.json()["id"]
    assert created.json()["enrolments"] == 1
    assert MandatoryAssignment.objects.count() == 1
    enrollment = Enrollment.objects.get()
    assert enrollment.user_id == staff.user_id
    assert enrollment.due_date == datetime.date(2099, 6, 30)
    # Another due date is another assignment.
    assert _assign(client, jabar, positions=["Staf"], due_date="2099-07-31").status_code == 201


def test_an_assignment_is_validated_as_the_supervisor_form_does(client, jabar, course):
    past = _assign(client, jabar, due_date="2001-01-01")
    closed = _assign(client, jabar, course_code="NOPE-01")
    outside = _assign(client, jabar, unit_code="33")

    assert past.status_code == 422
    assert past.json()["errors"] == [
        {"field": "due_date", "message": "Batas waktu tidak boleh di masa lalu."}
    ]
    assert closed.status_code == 422
    assert closed.json()["errors"][0]["field"] == "course_code"
    assert outside.status_code == 404
    assert not MandatoryAssignment.objects.exists()


def test_assignments_list_holds_the_subtrees_only(client, jabar, make_service_client, course):
    from kursus.services import assignment_create

    due = datetime.date(2099, 1, 1)
    mine = assignment_create(course=course, unit=OrgUnit.objects.get(code="32.04"), due_date=due)
    assignment_create(course=course, unit=OrgUnit.objects.get(code="33"), due_date=due)
    assignment_create(course=course, unit=OrgUnit.objects.get(code="RI"), due_date=due)

    response = get(client, ASSIGNMENTS, jabar)

    assert ids(response) == [mine.pk]
    assert response.json()["items"][0]["unit_code"] == "32.04"
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert ids(get(client, ASSIGNMENTS, jabar, updated_since=later)) == []


def test_assignments_list_runs_as_many_queries_for_50_rows_as_for_5(client, jabar, course):
    unit = OrgUnit.objects.get(code="32.04")

    def assign(n):
        MandatoryAssignment.objects.bulk_create(
            [
                MandatoryAssignment(course=course, unit=unit, due_date=datetime.date(2099, 1, 1))
                for _ in range(n)
            ]
        )

    assign(5)
    few, body = queries_of(client, ASSIGNMENTS, jabar)
    assert len(body["items"]) == 5
    assign(45)
    many, body = queries_of(client, ASSIGNMENTS, jabar)
    assert len(body["items"]) == 50
    assert many == few
