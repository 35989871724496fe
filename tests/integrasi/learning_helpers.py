"""Calls and data shared by the tests of the learning endpoints."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kursus.models import Enrollment
from lms.organisasi.models import OrgUnit

from ..factories import EmployeeFactory
from .conftest import bearer


def call(client, method: str, url: str, token: str, **kwargs):
    kwargs.setdefault("headers", {}).update(bearer(token))
    if method == "post":
        kwargs.setdefault("content_type", "application/json")
    return getattr(client, method)(url, **kwargs)


def get(client, url: str, token: str, **params):
    return call(client, "get", url, token, data=params)


def post(client, url: str, token: str, body: dict):
    return call(client, "post", url, token, data=body)


def queries_of(client, url: str, token: str, **params) -> tuple[int, dict]:
    """How many queries a GET ran, and its JSON (after a first call, which fills the
    process's caches: content types, the site)."""
    get(client, url, token, **params)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url, token, **params)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def people(code: str, n: int) -> list:
    unit = OrgUnit.objects.get(code=code)
    return [EmployeeFactory(unit=unit) for _ in range(n)]


def enrol_directly(employees, course, **fields) -> list[Enrollment]:
    return Enrollment.objects.bulk_create(
        [Enrollment(user=e.user, course=course, unit_id=e.unit_id, **fields) for e in employees]
    )


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]
