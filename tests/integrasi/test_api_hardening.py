"""What the API refuses before any endpoint sees it: a body that is not JSON (415), JSON text
with a control character (422, PostgreSQL refuses NUL), and callers guessing tokens (counted
per address, 429 past the limit, not logged beyond it); and what every answer carries
(Cache-Control: no-store)."""

import json

import pytest

from integrasi.models import ApiCall

from ..factories import make_course
from .conftest import assert_problem, bearer

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
ENROLMENTS = "/api/v1/enrolments/"
ASSIGNMENTS = "/api/v1/assignments/"
NIP = "199001012020121001"


@pytest.fixture
def jabar(make_service_client):
    return make_service_client("32")[1]


def post_raw(client, token, url, raw, content_type="application/json"):
    return client.generic("POST", url, raw, content_type=content_type, headers=bearer(token))


DUE = "2099-01-01"
FORM_PART = '--x\r\nContent-Disposition: form-data; name="nip"\r\n\r\n1\r\n--x--\r\n'


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (ENROLMENTS, {"nip": "1\u00002", "course_code": "API-01"}, "nip"),
        (ENROLMENTS, {"nip": NIP, "course_code": "API\u000001"}, "course_code"),
        (ASSIGNMENTS, {"course_code": "C", "unit_code": "3\u00002", "due_date": DUE}, "unit_code"),
        (ASSIGNMENTS, {"course_code": "C", "positions": ["K\u001b"]}, "positions.0"),
        (ENROLMENTS, {"nip": "\ud800", "course_code": "API-01"}, "nip"),
    ],
)  # fmt: skip
def test_a_control_character_in_a_json_body_is_a_422_problem(
    client, jabar, make_employee, url, body, field
):
    make_employee("32.04", nip=NIP)
    make_course("API-01", modules=(1,), jp=4)

    response = post_raw(client, jabar, url, json.dumps(body))

    problem = assert_problem(response, 422, "Data tidak sah")
    assert [error["field"] for error in problem["errors"]] == [field]
    assert "karakter kendali" in problem["errors"][0]["message"]


def test_line_breaks_and_tabs_in_json_text_pass_the_guard(client, jabar, make_employee):
    # Judged by the endpoint itself: an unknown course, not a refused character.
    make_employee("32.04", nip=NIP)

    response = post_raw(
        client, jabar, ENROLMENTS, json.dumps({"nip": NIP, "course_code": "A\tB\n"})
    )

    assert response.status_code != 422 or "karakter kendali" not in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ('{"nip": "1", "course_code": "2"}', "multipart/form-data; boundary=x"),
        (FORM_PART, "multipart/form-data; boundary=x"),
        ("nip=1&course_code=2", "application/x-www-form-urlencoded"),
        ('{"nip": "1", "course_code": "2"}', "text/plain"),
    ],
)  # fmt: skip
def test_a_body_that_is_not_json_is_a_415_problem(client, jabar, raw, content_type):
    response = post_raw(client, jabar, ENROLMENTS, raw, content_type)

    problem = assert_problem(response, 415, "Jenis isi tidak didukung")
    assert "application/json" in problem["detail"]
    assert ApiCall.objects.get().status == 415


def test_a_put_with_a_form_body_is_a_415_problem(client, jabar):
    response = client.generic(
        "PUT", f"/api/v1/employees/{NIP}", "full_name=A", "application/x-www-form-urlencoded",
        headers=bearer(jabar),
    )  # fmt: skip

    assert_problem(response, 415)


def test_refused_tokens_are_counted_per_address_and_logged_only_up_to_the_limit(
    client, make_service_client, settings
):
    # given: 3 refused calls a minute allowed per address
    settings.LMS_API_REFUSED_PER_MINUTE = 3
    _service_client, token = make_service_client("32")
    guesser = {"REMOTE_ADDR": "203.0.113.7"}

    # when: one address guesses six tokens
    statuses = [
        client.get(UNITS, headers=bearer(f"lmsb_guess{i}"), **guesser).status_code for i in range(6)
    ]

    # then: the first three are 401, the rest 429; only the first 429 is logged
    assert statuses == [401, 401, 401, 429, 429, 429]
    refused = client.get(UNITS, **guesser)  # no token at all counts the same
    body = assert_problem(refused, 429, "Terlalu banyak permintaan")
    assert "token yang tidak sah" in body["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert sorted(ApiCall.objects.values_list("status", flat=True)) == [401, 401, 401, 429]
    # another address is not held back, nor a valid token from the same address
    assert client.get(UNITS, headers=bearer("lmsb_x"), REMOTE_ADDR="203.0.113.8").status_code == 401
    assert client.get(UNITS, headers=bearer(token), **guesser).status_code == 200


def test_refused_tokens_are_counted_by_the_address_the_trusted_proxy_saw(
    client, org_tree, settings
):
    settings.LMS_API_REFUSED_PER_MINUTE = 1
    settings.LMS_TRUSTED_PROXY_COUNT = 1

    def call(forwarded):
        return client.get(UNITS, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert call("198.51.100.1").status_code == 401
    assert call("198.51.100.1").status_code == 429
    # a spoofed first entry does not give the same caller a new budget
    assert call("1.2.3.4, 198.51.100.1").status_code == 429
    assert call("198.51.100.2").status_code == 401


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", UNITS), ("get", "/api/v1/units/nope"), ("get", "/api/v1/nowhere"), ("post", UNITS)],
)
def test_every_answer_is_not_stored_by_caches(client, jabar, method, url):
    response = getattr(client, method)(url, headers=bearer(jabar))

    assert response["Cache-Control"] == "no-store"
