"""GET /api/v1/units/ and /units/{code}: the client's unit subtree only, by cursor pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.organisasi.models import OrgUnit
from lms.organisasi.services import orgunit_add_adhoc

from .conftest import assert_problem

pytestmark = pytest.mark.django_db


def all_pages(api, token, url, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        page = api.get(token, url, **params, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.content
        body = page.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_the_list_is_the_clients_subtree_without_duplicates_or_gaps(api, make_service_client):
    # given: a client of Jawa Barat
    _client, token = make_service_client("32")
    expected = set(
        OrgUnit.objects.filter(path__startswith=OrgUnit.objects.get(code="32").path).values_list(
            "code", flat=True
        )
    )

    # when: read 7 at a time
    items = all_pages(api, token, "/api/v1/units/", limit=7)

    # then
    codes = [item["code"] for item in items]
    assert len(codes) == len(set(codes)) == len(expected) > 7
    assert set(codes) == expected
    assert [item["id"] for item in items] == sorted(item["id"] for item in items)
    by_code = {item["code"]: item for item in items}
    assert by_code["32"]["parent_code"] is None  # its parent lies outside the scope
    assert by_code["32.04"] == {
        "id": OrgUnit.objects.get(code="32.04").pk,
        "code": "32.04",
        "name": OrgUnit.objects.get(code="32.04").name,
        "level": "kabkota",
        "parent_code": "32",
        "depth": by_code["32"]["depth"] + 1,
        "updated_at": by_code["32.04"]["updated_at"],
    }


def test_a_unit_outside_the_scope_is_not_found(api, make_service_client):
    _client, token = make_service_client("32")

    assert api.get(token, "/api/v1/units/32.04").json()["code"] == "32.04"
    outside = assert_problem(api.get(token, "/api/v1/units/33"), 404, "Tidak ditemukan")
    unknown = assert_problem(api.get(token, "/api/v1/units/99.99"), 404, "Tidak ditemukan")
    assert {k: v for k, v in outside.items() if k != "instance"} == {
        k: v for k, v in unknown.items() if k != "instance"
    }
    assert "33" not in {item["code"] for item in all_pages(api, token, "/api/v1/units/")}


def test_a_cursor_from_elsewhere_never_leaves_the_scope(api, make_service_client):
    # given: a cursor made by a national client, positioned before Jawa Tengah's units
    from integrasi.api.core import cursor_encode

    _client, token = make_service_client("32")
    cursor = cursor_encode(OrgUnit.objects.get(code="33").pk - 1)

    # when
    items = api.get(token, "/api/v1/units/", cursor=cursor, limit=500).json()["items"]

    # then
    root = OrgUnit.objects.get(code="32").path
    assert all(OrgUnit.objects.get(code=item["code"]).path.startswith(root) for item in items)


def test_a_malformed_cursor_is_a_400_problem(api, make_service_client):
    _client, token = make_service_client("32")

    for cursor in ["bukan-kursor", "djE6YWJj", "djI6MTA"]:  # junk, "v1:abc", "v2:10"
        assert_problem(api.get(token, "/api/v1/units/", cursor=cursor), 400, "Kursor tidak sah")


def test_the_query_count_does_not_grow_with_the_page(api, make_service_client, org_tree):
    # given: a national client
    _client, token = make_service_client("RI")
    api.get(token, "/api/v1/units/", limit=1)  # the once-a-minute last_used_at

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(token, "/api/v1/units/", limit=limit)
        assert len(response.json()["items"]) == limit
        return len(captured)

    assert queries(5) == queries(50)


def test_new_ad_hoc_units_show_on_the_last_page(api, make_service_client, org_tree):
    # given: a client of Kabupaten Bandung, and everything it saw
    _client, token = make_service_client("32.04")
    before = all_pages(api, token, "/api/v1/units/", limit=2)

    # when: a Panwaslu Kecamatan is added below it
    orgunit_add_adhoc(
        parent=org_tree["32.04"],
        code="32.04.09",
        name="Panwaslu Kecamatan Baru",
        level=OrgUnit.Level.KECAMATAN,
    )

    # then
    after = all_pages(api, token, "/api/v1/units/", limit=2)
    assert [i["code"] for i in after] == [i["code"] for i in before] + ["32.04.09"]
    assert after[-1]["parent_code"] == "32.04"


def test_updated_since_lists_the_units_added_or_renamed_since(api, make_service_client, org_tree):
    # given: every unit last changed a day ago
    _client, token = make_service_client("32")
    OrgUnit.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    moment = timezone.now() - datetime.timedelta(hours=1)

    # when: one is added below Kabupaten Bandung and one renamed, one outside the scope too
    orgunit_add_adhoc(
        parent=org_tree["32.04"],
        code="32.04.09",
        name="Panwaslu Kecamatan Baru",
        level=OrgUnit.Level.KECAMATAN,
    )
    renamed = OrgUnit.objects.get(code="32.73")
    renamed.name = "Bawaslu Kota Bandung (baru)"
    renamed.save()
    orgunit_add_adhoc(
        parent=org_tree["33"], code="33.99", name="Di luar", level=OrgUnit.Level.KECAMATAN
    )

    # then
    items = all_pages(api, token, "/api/v1/units/", updated_since=moment.isoformat())
    assert sorted(i["code"] for i in items) == ["32.04.09", "32.73"]
    assert datetime.datetime.fromisoformat(items[0]["updated_at"]) >= moment
