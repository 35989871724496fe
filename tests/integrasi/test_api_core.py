"""The API's core: the token's life, scopes, the rate limit, the call log and problem details
on every error path."""

import datetime

import pytest
from django.utils import timezone

from integrasi.models import ApiCall, ServiceClient
from integrasi.models.clients import Scope
from integrasi.services import client_token_issue, client_token_revoke
from integrasi.services.calls import api_calls_purge

from .conftest import assert_problem, bearer

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"


def test_a_token_works_until_it_is_rotated_or_revoked(client, make_service_client):
    # given
    service_client, token = make_service_client("32")
    assert client.get(UNITS, headers=bearer(token)).status_code == 200

    # when: a new token is made
    new_token = client_token_issue(client=service_client)

    # then: the old one is refused, the new one works
    assert_problem(client.get(UNITS, headers=bearer(token)), 401, "Token tidak sah")
    assert client.get(UNITS, headers=bearer(new_token)).status_code == 200

    # when: it is revoked
    client_token_revoke(client=service_client)

    # then
    response = client.get(UNITS, headers=bearer(new_token))
    assert_problem(response, 401, "Token tidak sah")
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_inactive_client_is_refused(client, make_service_client):
    service_client, token = make_service_client("32")
    ServiceClient.objects.filter(pk=service_client.pk).update(is_active=False)

    assert_problem(client.get(UNITS, headers=bearer(token)), 401)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic eDp5"},
        bearer("lmsb_" + "x" * 300),
    ],
)
def test_a_missing_or_malformed_token_is_refused(client, org_tree, headers):
    body = assert_problem(client.get(UNITS, headers=headers), 401, "Token tidak sah")

    assert body["instance"] == UNITS


@pytest.mark.parametrize(
    ("method", "url", "scope"),
    [
        ("get", "/api/v1/units/", Scope.READ_EMPLOYEES),
        ("get", "/api/v1/units/32", Scope.READ_EMPLOYEES),
        ("get", "/api/v1/employees/", Scope.READ_EMPLOYEES),
        ("get", "/api/v1/employees/198503122010031001", Scope.READ_EMPLOYEES),
        ("put", "/api/v1/employees/198503122010031001", Scope.WRITE_EMPLOYEES),
        ("post", "/api/v1/employees/batch", Scope.WRITE_EMPLOYEES),
    ],
)
def test_each_endpoint_refuses_a_token_without_its_scope(
    client, make_service_client, method, url, scope
):
    # given: a client holding every scope but this one
    _client, token = make_service_client("32", scopes=[s for s in Scope if s != scope])
    person = {
        "full_name": "Ahmad Fauzi",
        "email": "ahmad@bawaslu.go.id",
        "unit_code": "32.04",
        "employment_type": "PNS",
    }
    body = {"items": [{**person, "nip": "198503122010031001"}]} if method == "post" else person

    # when
    call = getattr(client, method)
    if method == "get":
        response = call(url, headers=bearer(token))
    else:
        response = call(url, body, content_type="application/json", headers=bearer(token))

    # then
    problem = assert_problem(response, 403, "Hak akses tidak cukup")
    assert scope.value in problem["detail"]


def test_past_the_rate_limit_calls_are_refused_until_the_next_minute(
    client, make_service_client, monkeypatch
):
    # given: a client allowed 3 calls a minute, at 10 s into a minute
    service_client, token = make_service_client("32", rate_limit_per_minute=3)
    _other, other_token = make_service_client("33", rate_limit_per_minute=3)
    minute = 29_000_000 * 60
    monkeypatch.setattr("integrasi.api.throttle.time.time", lambda: minute + 10.2)

    # when
    statuses = [client.get(UNITS, headers=bearer(token)).status_code for _ in range(3)]
    refused = client.get(UNITS, headers=bearer(token))

    # then
    assert statuses == [200, 200, 200]
    body = assert_problem(refused, 429, "Terlalu banyak permintaan")
    assert refused["Retry-After"] == "50"
    assert "3" in body["detail"]
    # Another client has its own budget.
    assert client.get(UNITS, headers=bearer(other_token)).status_code == 200
    # The refused call is logged against its client.
    assert ApiCall.objects.filter(client=service_client, status=429).count() == 1

    # when: the next minute starts
    monkeypatch.setattr("integrasi.api.throttle.time.time", lambda: minute + 60.1)

    # then
    assert client.get(UNITS, headers=bearer(token)).status_code == 200


def test_every_call_is_logged_without_its_query_string_or_token(client, make_service_client):
    # given
    service_client, token = make_service_client("32")

    # when
    client.get(UNITS + "?limit=2&cursor=abc", headers=bearer(token))
    client.get(UNITS, headers=bearer("lmsb_salah"))

    # then
    calls = list(ApiCall.objects.order_by("pk"))
    assert [(c.client_id, c.method, c.path, c.status) for c in calls] == [
        (service_client.pk, "GET", UNITS, 400),  # a malformed cursor
        (None, "GET", UNITS, 401),
    ]
    assert all(c.duration_ms >= 0 for c in calls)
    stored = " ".join(f"{c.path} {c.method}" for c in calls)
    assert token not in stored and "lmsb_salah" not in stored and "abc" not in stored


def test_last_used_is_written_at_most_once_a_minute(client, make_service_client):
    # given
    service_client, token = make_service_client("32")

    # when
    client.get(UNITS, headers=bearer(token))
    service_client.refresh_from_db()
    first = service_client.last_used_at
    ServiceClient.objects.filter(pk=service_client.pk).update(last_used_at=None)
    client.get(UNITS, headers=bearer(token))

    # then: set by the first call, left alone by the second within the minute
    assert first is not None
    service_client.refresh_from_db()
    assert service_client.last_used_at is None


def test_one_call_costs_one_insert_into_the_log(client, make_service_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _client, token = make_service_client("32")
    client.get(UNITS, headers=bearer(token))  # last_used_at written

    with CaptureQueriesContext(connection) as queries:
        client.get(UNITS, headers=bearer(token))

    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "integrasi_apicall" in inserts[0]
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    # Nothing else reacts to the log row (Wagtail's reference index would, per save).
    assert not [q for q in queries if "referenceindex" in q["sql"]]
    assert len(queries) == 4  # the client, the page, the parents' codes, the log row


def test_unknown_paths_and_methods_answer_problems(client, make_service_client):
    _client, token = make_service_client("32")

    assert_problem(client.get("/api/v1/tidak-ada/", headers=bearer(token)), 404)
    assert_problem(client.get("/api/v2/", headers=bearer(token)), 404)
    response = client.delete(UNITS, headers=bearer(token))
    assert_problem(response, 405, "Metode tidak diizinkan")
    assert response["Allow"] == "GET"


def test_invalid_parameters_and_bodies_answer_problems(client, make_service_client):
    _client, token = make_service_client("32")

    body = assert_problem(client.get(UNITS + "?limit=0", headers=bearer(token)), 422)
    assert body["errors"][0]["field"] == "limit"
    assert_problem(
        client.get(UNITS + "?cursor=%%%", headers=bearer(token)), 400, "Kursor tidak sah"
    )
    broken = client.post(
        "/api/v1/employees/batch",
        "{not json",
        content_type="application/json",
        headers=bearer(token),
    )
    assert_problem(broken, 400)
    assert_problem(client.get(UNITS + "?limit=%00", headers=bearer(token)), 400)


def test_updated_since_with_any_offset_python_reads_is_answered(client, make_service_client):
    # PostgreSQL refuses an offset of 16 hours, which Python accepts (found by schemathesis).
    _client, token = make_service_client("32")

    response = client.get(
        "/api/v1/employees/", {"updated_since": "1968-04-21T18:35:06+16:06"}, headers=bearer(token)
    )

    assert response.status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00"])
def test_an_updated_since_out_of_range_is_a_422_problem(client, make_service_client, moment):
    _client, token = make_service_client("32")

    for url in ("/api/v1/employees/", UNITS):
        response = client.get(url, {"updated_since": moment}, headers=bearer(token))
        assert assert_problem(response, 422)["errors"][0]["field"] == "updated_since"


def test_a_body_above_the_limit_is_refused_before_it_is_read(client, make_service_client, settings):
    _client, token = make_service_client("32")
    settings.LMS_API_MAX_BODY_BYTES = 1000

    response = client.post(
        "/api/v1/employees/batch",
        '{"items": [' + ",".join(["{}"] * 400) + "]}",
        content_type="application/json",
        headers=bearer(token),
    )

    assert_problem(response, 413, "Permintaan terlalu besar")


def test_a_server_error_is_a_problem_without_a_traceback(client, make_service_client, monkeypatch):
    # given: a selector that breaks
    _client, token = make_service_client("32")

    def broken(**kwargs):
        raise RuntimeError("rahasia internal")

    monkeypatch.setattr("integrasi.api.routers.units.orgunit_api_list", broken)

    # when
    response = client.get(UNITS, headers=bearer(token))

    # then
    body = assert_problem(response, 500, "Kesalahan sistem")
    assert "rahasia internal" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert body["instance"] == UNITS
    assert ApiCall.objects.get().status == 500


def test_the_purge_removes_only_calls_older_than_the_kept_days(client, org_tree, settings):
    # given
    settings.LMS_API_LOG_DAYS = 30
    old = ApiCall.objects.create(method="GET", path="/api/v1/units/", status=200, duration_ms=1)
    recent = ApiCall.objects.create(method="GET", path="/api/v1/units/", status=200, duration_ms=1)
    ApiCall.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=31))

    # when
    from integrasi.tasks import api_calls_purge_task

    removed = api_calls_purge_task.delay().get()

    # then
    assert removed == 1
    assert list(ApiCall.objects.values_list("pk", flat=True)) == [recent.pk]
    assert api_calls_purge() == 0


def test_the_purge_is_scheduled_by_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "integrasi.tasks.api_calls_purge_task" in tasks
