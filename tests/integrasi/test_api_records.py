"""Learning records and the JP ledger through the API: each completion of a course or
programme with its dates, score, JP and certificate; a person's JP for a year counted as
every JP total is (a course counted in a programme counts once); all within the client's
unit scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kursus.models import Enrollment, JPCredit
from kursus.services import (
    enrollment_create,
    jp_credit_programme,
    jp_credit_programmes,
    lesson_complete,
)
from lms.organisasi.models import OrgUnit
from sertifikat.models import Certificate
from sertifikat.services import CertificateFacts, certificate_request

from ..factories import course_lessons, make_course
from ..program_factories import add_participant, make_cohort, make_programme
from .learning_helpers import get, ids, people, queries_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/learning-records/"


def jp_url(nip: str) -> str:
    return f"/api/v1/employees/{nip}/jp"


def complete(user, course) -> Enrollment:
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    return enrollment


@pytest.fixture
def jabar(make_service_client):
    return make_service_client("32")[1]


@pytest.fixture
def curriculum(db):
    courses = [make_course(f"JPA-0{i}", modules=(1,), jp=4) for i in (1, 2, 3)]
    programme = make_programme(
        "JPA-PRG", title="Bawaslu Membelajarkan", jp=40, clusters=[("Pencegahan", courses)]
    )
    return programme, courses


def pass_programme(user, programme, courses, *, grade="85.50", cohort=None):
    cohort = cohort or make_cohort(programme)
    add_participant(cohort, user, outcome="passed", final_grade=Decimal(grade))
    return jp_credit_programme(
        user=user,
        programme_page=programme,
        jp=programme.jp,
        course_ids=[c.pk for c in courses],
        completed_at=timezone.now(),
    )


def test_a_completed_course_is_a_record_with_its_dates_jp_and_certificate(
    client, jabar, make_employee
):
    course = make_course("REC-01", modules=(1,), jp=6, title="Pengawasan Kampanye")
    employee = make_employee("32.04")
    enrollment = complete(employee.user, course)
    cert = Certificate.objects.get(user=employee.user, subject=course)

    response = get(client, URL, jabar)

    assert response.status_code == 200
    [item] = response.json()["items"]
    credit = JPCredit.objects.get(user=employee.user, course=course)
    assert item["id"] == credit.pk
    assert item["kind"] == "course"
    assert (item["code"], item["title"]) == ("REC-01", "Pengawasan Kampanye")
    assert (item["nip"], item["unit_code"], item["jp"]) == (employee.nip, "32.04", 6)
    assert item["counted"] is True and item["counted_in"] is None
    enrolled = datetime.datetime.fromisoformat(item["enrolled_at"])
    assert abs(enrolled - enrollment.enrolled_at) < datetime.timedelta(milliseconds=1)
    assert item["completed_at"] is not None
    assert item["certificate"] == {"number": None, "code": cert.code, "status": "pending"}
    assert item["score"] is None  # the course has no post-test


def test_a_programme_is_a_record_and_its_courses_are_marked_counted_in_it(
    client, jabar, make_employee, curriculum
):
    programme, courses = curriculum
    employee = make_employee("32.04")
    for course in courses[:2]:
        complete(employee.user, course)
    credit = pass_programme(employee.user, programme, courses)

    items = {item["code"]: item for item in get(client, URL, jabar).json()["items"]}

    assert items["JPA-PRG"]["id"] == credit.pk
    assert items["JPA-PRG"]["kind"] == "programme"
    assert items["JPA-PRG"]["title"] == "Bawaslu Membelajarkan"
    assert items["JPA-PRG"]["jp"] == 40
    assert items["JPA-PRG"]["score"] == 85.5
    assert items["JPA-PRG"]["enrolled_at"] is not None
    assert items["JPA-PRG"]["counted"] is True
    for code in ("JPA-01", "JPA-02"):
        assert items[code]["counted"] is False
        assert items[code]["counted_in"] == "JPA-PRG"


def test_the_jp_ledger_counts_a_course_taken_over_by_a_programme_once(
    client, jabar, make_employee, curriculum, settings
):
    settings.LMS_JP_TARGET_PER_YEAR = 20
    programme, courses = curriculum
    other = make_course("JPA-09", modules=(1,), jp=3)
    employee = make_employee("32.04")
    for course in [*courses[:2], other]:
        complete(employee.user, course)
    pass_programme(employee.user, programme, courses)
    # A course of the curriculum completed after the programme was passed: counted in it.
    complete(employee.user, courses[2])
    year = timezone.localdate().year

    response = get(client, jp_url(employee.nip), jabar, year=year)

    assert response.status_code == 200
    ledger = response.json()
    assert (ledger["nip"], ledger["year"], ledger["target"]) == (employee.nip, year, 20)
    assert ledger["total"] == 40 + 3
    entries = {e["code"]: e for e in ledger["entries"]}
    assert set(entries) == {"JPA-01", "JPA-02", "JPA-03", "JPA-09", "JPA-PRG"}
    assert entries["JPA-PRG"]["kind"] == "programme" and entries["JPA-PRG"]["jp"] == 40
    assert entries["JPA-03"]["counted_in"] == "JPA-PRG"
    assert entries["JPA-09"]["counted"] is True
    assert sum(e["jp"] for e in ledger["entries"] if e["counted"]) == ledger["total"]
    # The year without credits, and the default year (this one).
    assert get(client, jp_url(employee.nip), jabar, year=year - 1).json()["total"] == 0
    assert get(client, jp_url(employee.nip), jabar).json()["year"] == year


def test_nobody_outside_the_scope_is_seen_by_any_parameter(
    client, jabar, make_employee, make_service_client
):
    course = make_course("REC-02", modules=(1,))
    inside = make_employee("32.04")
    outside = make_employee("33")
    complete(inside.user, course)
    complete(outside.user, course)
    theirs = JPCredit.objects.get(user=outside.user)

    assert [i["nip"] for i in get(client, URL, jabar).json()["items"]] == [inside.nip]
    assert ids(get(client, URL, jabar, nip=outside.nip)) == []
    unknown = get(client, jp_url("199001012020011999"), jabar)
    elsewhere = get(client, jp_url(outside.nip), jabar)
    assert unknown.status_code == elsewhere.status_code == 404
    assert unknown.json()["detail"] == elsewhere.json()["detail"]
    import base64

    forged = base64.urlsafe_b64encode(f"v1:{theirs.pk - 1}".encode()).decode().rstrip("=")
    assert ids(get(client, URL, jabar, cursor=forged)) == []
    # A Kabupaten Bandung client sees its own person; Jawa Tengah's only theirs.
    bandung = make_service_client("32.04")[1]
    jateng = make_service_client("33")[1]
    assert [i["nip"] for i in get(client, URL, bandung).json()["items"]] == [inside.nip]
    assert [i["nip"] for i in get(client, URL, jateng).json()["items"]] == [outside.nip]
    assert get(client, jp_url(inside.nip), jateng).status_code == 404


def test_filters_by_year_nip_and_updated_since(client, jabar, make_employee, admin_lms):
    from sertifikat.services import certificate_revoke

    course_a = make_course("REC-03", modules=(1,))
    course_b = make_course("REC-04", modules=(1,))
    a, b = make_employee("32.04"), make_employee("32")
    complete(a.user, course_a)
    complete(b.user, course_b)
    old = timezone.now() - datetime.timedelta(days=400)
    JPCredit.objects.filter(user=a.user).update(completed_at=old, year=old.year)
    JPCredit.objects.filter(user=b.user).update(completed_at=old, year=old.year)
    Certificate.objects.update(created_at=old)
    a_credit, b_credit = JPCredit.objects.get(user=a.user), JPCredit.objects.get(user=b.user)

    assert ids(get(client, URL, jabar, year=old.year, nip=a.nip)) == [a_credit.pk]
    assert ids(get(client, URL, jabar, year=old.year + 1)) == []
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(get(client, URL, jabar, updated_since=since)) == []

    # b's certificate is revoked today: the record changed (its certificate's status)
    certificate_revoke(
        certificate=Certificate.objects.get(user=b.user), reason="Data salah", by=admin_lms
    )
    response = get(client, URL, jabar, updated_since=since)
    assert ids(response) == [b_credit.pk]
    assert response.json()["items"][0]["certificate"]["status"] == "revoked"


def test_each_endpoint_needs_records_read(client, make_service_client, make_employee):
    _c, token = make_service_client("32", scopes=["units_employees:read", "enrolments:write"])
    employee = make_employee("32.04")

    assert get(client, URL, token).status_code == 403
    assert get(client, jp_url(employee.nip), token).status_code == 403


def test_the_list_runs_as_many_queries_for_50_rows_as_for_5(
    client, jabar, make_employee, curriculum
):
    programme, courses = curriculum
    course = courses[0]
    cohort = make_cohort(programme)
    now = timezone.now()

    def records(employees):
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user=e.user,
                    course=course,
                    status=Enrollment.Status.COMPLETED,
                    completed_at=now,
                    unit_id=e.unit_id,
                )
                for e in employees
            ]
        )
        for e in employees:
            certificate_request(
                user=e.user,
                subject=course,
                facts=CertificateFacts(
                    code=course.code, title=course.title, jp=4, completed_at=now
                ),
                enqueue=False,
            )
            add_participant(cohort, e.user, outcome="passed", final_grade=Decimal("80"))
        jp_credit_programmes(
            user_ids=[e.user_id for e in employees],
            programme_page=programme,
            jp=programme.jp,
            course_ids=[c.pk for c in courses],
            completed_at=now,
        )
        JPCredit.objects.bulk_create(
            [
                JPCredit(user=e.user, course=course, year=now.year, jp=4, completed_at=now)
                for e in employees
            ]
        )

    records(people("32.04", 3))
    few, body = queries_of(client, URL, jabar)
    assert len(body["items"]) == 6
    records(people("32", 22))
    many, body = queries_of(client, URL, jabar)
    assert len(body["items"]) == 50
    assert many == few


def test_the_jp_ledger_runs_as_many_queries_for_many_entries_as_for_few(
    client, jabar, make_employee
):
    employee = make_employee("32.04")
    now = timezone.now()
    courses = [make_course(f"LDG-{i:02d}", modules=(1,)) for i in range(6)]

    def credit(chosen):
        JPCredit.objects.bulk_create(
            [
                JPCredit(user=employee.user, course=c, year=now.year, jp=2, completed_at=now)
                for c in chosen
            ]
        )

    credit(courses[:2])
    few, body = queries_of(client, jp_url(employee.nip), jabar)
    assert len(body["entries"]) == 2
    credit(courses[2:])
    many, body = queries_of(client, jp_url(employee.nip), jabar)
    assert len(body["entries"]) == 6
    assert many == few
    assert body["total"] == 12
    assert OrgUnit.objects.filter(code="32.04").exists()
