"""Employees through the API: reads limited to the client's unit subtree by every
parameter, writes with the file import's own rules, all or nothing."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrasi.api.core import cursor_encode
from lms.akun.models import User
from lms.akun.roles import ADMIN_LMS, SUPERVISOR
from lms.organisasi.models import Employee, OrgUnit
from tests.factories import EmployeeFactory, UserFactory, unique_nip

from .conftest import assert_problem
from .test_api_units import all_pages

pytestmark = pytest.mark.django_db

LIST = "/api/v1/employees/"
BATCH = "/api/v1/employees/batch"
AHMAD_NIP = "198503122010031001"


def person(**fields) -> dict:
    return {
        "full_name": "Ahmad Fauzi",
        "email": "ahmad@bawaslu.go.id",
        "unit_code": "32.04",
        "employment_type": "PNS",
        "position": "Staf Pencegahan",
        **fields,
    }


def place(code: str, **fields) -> Employee:
    return EmployeeFactory(unit=OrgUnit.objects.get(code=code), **fields)


@pytest.fixture
def people(org_tree):
    """Two in Kabupaten Bandung (one inactive, one PPPK), one in Kota Bandung, one in Jawa
    Tengah."""
    return {
        "bandung": place("32.04"),
        "bandung_pppk": place("32.04", employment_type="pppk", is_active=False),
        "kota": place("32.73"),
        "jateng": place("33"),
    }


# Reads ------------------------------------------------------------------------------------


def test_the_list_shows_the_clients_subtree_with_each_field(api, make_service_client, people):
    _client, token = make_service_client("32")

    items = all_pages(api, token, LIST, limit=2)

    assert {i["nip"] for i in items} == {people[k].nip for k in ("bandung", "bandung_pppk", "kota")}
    one = next(i for i in items if i["nip"] == people["bandung"].nip)
    employee = people["bandung"]
    assert one == {
        "id": employee.pk,
        "nip": employee.nip,
        "full_name": employee.full_name,
        "email": employee.user.email,
        "employment_type": "pns",
        "position": "Staf",
        "unit_code": "32.04",
        "is_active": True,
        "updated_at": one["updated_at"],
    }
    assert datetime.datetime.fromisoformat(one["updated_at"]) == employee.updated_at


def test_filters_narrow_the_list_within_the_scope(api, make_service_client, people):
    _client, token = make_service_client("32")

    def nips(**params):
        return {i["nip"] for i in api.get(token, LIST, **params).json()["items"]}

    assert nips(unit="32.04") == {people["bandung"].nip, people["bandung_pppk"].nip}
    assert nips(unit="32.73") == {people["kota"].nip}
    assert nips(employment_type="pppk") == {people["bandung_pppk"].nip}
    assert nips(is_active="false") == {people["bandung_pppk"].nip}
    assert nips(is_active="true", unit="32.04") == {people["bandung"].nip}
    assert_problem(api.get(token, LIST, employment_type="honorer"), 422)


def test_updated_since_lists_only_the_people_changed_since(api, make_service_client, people):
    # given: everyone last changed a day ago, then one of them now
    _client, token = make_service_client("32")
    Employee.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    moment = timezone.now() - datetime.timedelta(hours=1)
    kota = people["kota"]
    kota.position = "Kepala Sekretariat"
    kota.save()

    # when
    aware_items = api.get(token, LIST, updated_since=moment.isoformat()).json()["items"]
    # a moment without a zone is read as WIB
    naive = timezone.localtime(moment).replace(tzinfo=None).isoformat()
    naive_items = api.get(token, LIST, updated_since=naive).json()["items"]

    # then
    assert [i["nip"] for i in aware_items] == [kota.nip]
    assert [i["nip"] for i in naive_items] == [kota.nip]


def test_an_import_or_api_update_counts_as_a_change_for_updated_since(
    api, make_service_client, people
):
    # given
    _client, token = make_service_client("32")
    Employee.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    moment = timezone.now() - datetime.timedelta(minutes=1)
    bandung = people["bandung"]

    # when: the API moves one person (the import's bulk update writes it)
    response = api.put(
        token,
        f"{LIST}{bandung.nip}",
        person(full_name=bandung.full_name, email=bandung.user.email, unit_code="32.73"),
    )

    # then
    assert response.status_code == 200
    changed = api.get(token, LIST, updated_since=moment.isoformat()).json()["items"]
    assert [i["nip"] for i in changed] == [bandung.nip]


def test_another_units_people_are_out_of_reach_by_every_parameter(api, make_service_client, people):
    # given: a client of Kabupaten Bandung
    _client, token = make_service_client("32.04")
    jateng, kota = people["jateng"], people["kota"]

    # path
    assert_problem(api.get(token, f"{LIST}{jateng.nip}"), 404)
    assert_problem(api.get(token, f"{LIST}{kota.nip}"), 404)
    # query: a unit outside, the parent unit
    assert_problem(api.get(token, LIST, unit="33"), 404)
    assert_problem(api.get(token, LIST, unit="32"), 404)
    # cursor: positioned before the others' ids
    first = min(p.pk for p in people.values()) - 1
    items = api.get(token, LIST, cursor=cursor_encode(first), limit=500).json()["items"]
    assert {i["unit_code"] for i in items} == {"32.04"}
    # body: neither a write by their NIP nor by their email reaches them
    for target in (jateng, kota):
        by_nip = api.put(token, f"{LIST}{target.nip}", person(email="baru@bawaslu.go.id"))
        by_email = api.post(
            token,
            BATCH,
            {"items": [person(nip=unique_nip(), email=target.user.email)]},
        )
        assert_problem(by_nip, 422)
        assert_problem(by_email, 422)
    # and nothing of them changed
    for target in (jateng, kota):
        before = target.updated_at
        target.refresh_from_db()
        assert target.updated_at == before
        assert target.unit.code in ("33", "32.73")


def test_a_refusal_tells_nothing_about_the_person_outside(api, make_service_client, people):
    # given: a client of Kabupaten Bandung; a person of Jawa Tengah; an admin's account that
    # has no employee profile
    _client, token = make_service_client("32.04")
    jateng = people["jateng"]
    admin = UserFactory(email="admin@bawaslu.go.id", roles=[ADMIN_LMS])

    # when: one row takes the outsider's NIP, one the outsider's email with another NIP, one
    # the admin's email
    response = api.post(
        token,
        BATCH,
        {
            "items": [
                person(nip=jateng.nip, email="x1@bawaslu.go.id"),
                person(nip=unique_nip(), email=jateng.user.email),
                person(nip=unique_nip(), email=admin.email),
            ]
        },
    )

    # then: one fixed reason for each, naming nobody
    body = assert_problem(response, 422, "Data pegawai tidak sah")
    reasons = [error["reasons"] for error in body["errors"]]
    assert [e["index"] for e in body["errors"]] == [0, 1, 2]
    assert reasons[0] == reasons[1] == reasons[2]
    assert len(reasons[0]) == 1
    text = response.content.decode()
    for secret in (jateng.full_name, "33", "Jawa Tengah", "NIP lain", "pegawai lain"):
        assert secret not in text
    assert not hasattr(admin, "employee") or not Employee.objects.filter(user=admin).exists()


def test_a_unit_outside_the_scope_reads_as_an_unknown_one(api, make_service_client, org_tree):
    _client, token = make_service_client("32.04")

    outside = api.put(token, f"{LIST}{AHMAD_NIP}", person(unit_code="33"))
    unknown = api.put(token, f"{LIST}{AHMAD_NIP}", person(unit_code="99"))

    outside_reasons = assert_problem(outside, 422)["errors"][0]["reasons"]
    unknown_reasons = assert_problem(unknown, 422)["errors"][0]["reasons"]
    assert outside_reasons == [r.replace("'99'", "'33'") for r in unknown_reasons]
    assert not Employee.objects.filter(nip=AHMAD_NIP).exists()


@pytest.mark.parametrize("size", [5, 50])
def test_the_list_query_count_is_flat(api, make_service_client, org_tree, size):
    # given: `size` people in scope
    _client, token = make_service_client("32")
    for _ in range(size):
        place("32.04")
    api.get(token, LIST, limit=1)  # the once-a-minute last_used_at

    # when
    with CaptureQueriesContext(connection) as captured:
        response = api.get(token, LIST, limit=size, unit="32")

    # then: the same count for 5 and 50 rows
    assert len(response.json()["items"]) == size
    assert len(captured) == 4  # the client, the unit filter, the page, the log row


# Writes -----------------------------------------------------------------------------------


def test_put_creates_then_updates_one_person_with_an_invitation(
    api, make_service_client, org_tree, django_capture_on_commit_callbacks
):
    _client, token = make_service_client("32")

    # when: new
    with django_capture_on_commit_callbacks(execute=True):
        created = api.put(token, f"{LIST}{AHMAD_NIP}", person())

    # then
    assert created.status_code == 201, created.content
    assert created.json()["unit_code"] == "32.04"
    assert created.json()["employment_type"] == "pns"
    ahmad = Employee.objects.select_related("user").get(nip=AHMAD_NIP)
    assert ahmad.user.email == "ahmad@bawaslu.go.id"
    assert not ahmad.user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["ahmad@bawaslu.go.id"]]

    # when: again, changed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        updated = api.put(
            token, f"{LIST}{AHMAD_NIP}", person(unit_code="32.73", position="Kepala Subbagian")
        )

    # then
    assert updated.status_code == 200
    assert updated.json()["id"] == ahmad.pk
    assert updated.json()["position"] == "Kepala Subbagian"
    assert Employee.objects.get(nip=AHMAD_NIP).unit.code == "32.73"
    assert mail.outbox == []


def test_put_refuses_what_the_import_refuses_with_its_reasons(api, make_service_client, org_tree):
    _client, token = make_service_client("32")

    response = api.put(
        token,
        "/api/v1/employees/123",
        person(full_name="=HYPERLINK(1)", email="bukan-email", employment_type="Honorer"),
    )

    body = assert_problem(response, 422)
    [error] = body["errors"]
    assert error["index"] == 0
    assert error["nip"] == "123"
    joined = " ".join(error["reasons"])
    assert "NIP harus terdiri atas 18 angka." in joined
    assert "tidak sah" in joined and "bukan-email" in joined
    assert "Honorer" in joined
    assert "rumus" in joined
    assert not Employee.objects.exists()


def test_a_batch_with_one_bad_row_at_index_700_saves_nothing(
    api, make_service_client, org_tree, django_capture_on_commit_callbacks
):
    # given: 1,000 people, one of them with a NIP of 17 digits
    _client, token = make_service_client("32")
    items = [
        person(nip=unique_nip(), full_name=f"Pegawai {i}", email=f"p{i}@bawaslu.go.id")
        for i in range(1000)
    ]
    items[700]["nip"] = "1" * 17

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(token, BATCH, {"items": items})

    # then
    body = assert_problem(response, 422)
    assert [(e["index"], e["nip"]) for e in body["errors"]] == [(700, "1" * 17)]
    assert body["errors"][0]["reasons"] == ["NIP harus terdiri atas 18 angka."]
    assert not Employee.objects.exists()
    assert not User.objects.filter(email__startswith="p").exists()
    assert mail.outbox == []

    # when: fixed and sent again
    items[700]["nip"] = unique_nip()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(token, BATCH, {"items": items})

    # then
    assert response.status_code == 200, response.content[:300]
    assert response.json() == {"created": 1000, "updated": 0}
    assert Employee.objects.count() == 1000


def test_a_batch_is_bounded(api, make_service_client, org_tree):
    _client, token = make_service_client("32")

    assert_problem(api.post(token, BATCH, {"items": []}), 422)
    too_many = [person(nip=None, email=f"p{i}@bawaslu.go.id") for i in range(1001)]
    assert_problem(api.post(token, BATCH, {"items": too_many}), 422)


def test_a_batch_without_nip_matches_by_email_as_the_import_does(
    api, make_service_client, org_tree
):
    _client, token = make_service_client("32")
    body = {"items": [person(nip=None, employment_type="Non-ASN", email="budi@bawaslu.go.id")]}

    assert api.post(token, BATCH, body).json() == {"created": 1, "updated": 0}
    body["items"][0]["position"] = "Pengelola PPID"
    assert api.post(token, BATCH, body).json() == {"created": 0, "updated": 1}
    assert Employee.objects.get(user__email="budi@bawaslu.go.id").position == "Pengelola PPID"


def test_a_staff_accounts_login_email_cannot_be_changed_through_the_api(
    api, make_service_client, org_tree
):
    # given: a supervisor of Kabupaten Bandung, inside the client's scope
    _client, token = make_service_client("32")
    boss = place("32.04", user__roles=["Peserta", SUPERVISOR])

    # when: a write keeps everything but the email
    response = api.put(
        token,
        f"{LIST}{boss.nip}",
        person(full_name=boss.full_name, email="penyerang@contoh.id"),
    )

    # then
    body = assert_problem(response, 422)
    assert "peran pengelola" in body["errors"][0]["reasons"][0]
    boss.user.refresh_from_db()
    assert boss.user.email != "penyerang@contoh.id"
    # the rest of a staff member's profile may still be kept up to date
    same_email = api.put(
        token, f"{LIST}{boss.nip}", person(full_name=boss.full_name, email=boss.user.email)
    )
    assert same_email.status_code == 200


def test_put_with_a_blank_nip_saves_nothing(api, make_service_client, org_tree):
    _client, token = make_service_client("32")

    response = api.put(token, f"{LIST}%20%C2%A0", person(employment_type="Non-ASN"))

    assert_problem(response, 422)
    assert not Employee.objects.exists()


STAFF_UNIT_REASON = "Unit kerja akun staf hanya dapat diubah oleh Admin LMS."


def test_a_staff_accounts_unit_cannot_be_changed_through_put(api, make_service_client, org_tree):
    # given: a supervisor of Kabupaten Bandung, whose reach is that unit, and a client of
    # Jawa Barat
    _client, token = make_service_client("32")
    boss = place("32.04", user__roles=["Peserta", SUPERVISOR])

    # when: the client moves them up to the province, keeping everything else
    response = api.put(
        token,
        f"{LIST}{boss.nip}",
        person(full_name=boss.full_name, email=boss.user.email, unit_code="32"),
    )

    # then: refused, and the supervisor still reaches only their own unit
    body = assert_problem(response, 422)
    assert body["errors"][0]["reasons"] == [STAFF_UNIT_REASON]
    boss.refresh_from_db()
    assert boss.unit.code == "32.04"


@pytest.mark.parametrize("role", [ADMIN_LMS, SUPERVISOR, "Pengajar"])
def test_a_staff_accounts_unit_cannot_be_changed_through_the_batch(
    api, make_service_client, org_tree, role
):
    _client, token = make_service_client("32")
    staff = place("32.04", user__roles=["Peserta", role])
    learner = place("32.04")
    row = {"full_name": staff.full_name, "email": staff.user.email, "nip": staff.nip}
    items = [
        person(nip=learner.nip, full_name=learner.full_name, email=learner.user.email),
        person(**row, unit_code="32.73"),
    ]

    body = assert_problem(api.post(token, BATCH, {"items": items}), 422)

    assert body["errors"] == [{"index": 1, "nip": staff.nip, "reasons": [STAFF_UNIT_REASON]}]
    staff.refresh_from_db()
    assert staff.unit.code == "32.04"
    # the learner's row alone is saved
    assert api.post(token, BATCH, {"items": items[:1]}).status_code == 200


def test_a_staff_accounts_nip_cannot_be_changed_through_a_row_matched_by_email(
    api, make_service_client, org_tree
):
    _client, token = make_service_client("32")
    boss = place("32.04", user__roles=["Peserta", SUPERVISOR])
    row = person(nip=None, full_name=boss.full_name, email=boss.user.email)

    body = assert_problem(api.post(token, BATCH, {"items": [row]}), 422)

    assert "NIP akun staf hanya dapat diubah oleh Admin LMS." in body["errors"][0]["reasons"]
    boss.refresh_from_db()
    assert boss.nip
