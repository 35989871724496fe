"""The OpenAPI document and the interactive docs; and schemathesis over the whole document
(every router, including those added later): no 5xx, every answer as documented."""

import re
import time

import pytest
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from integrasi.models import ApiCall
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

# Bounds that keep the schemathesis run under a minute for the whole document.
EXAMPLES_PER_OPERATION = 12
SECONDS_PER_OPERATION = 6


def test_the_document_declares_the_bearer_scheme_and_problem_answers(client):
    document = client.get("/api/v1/openapi.json").json()

    schemes = document["components"]["securitySchemes"]
    assert schemes == {"ClientToken": {"type": "http", "scheme": "bearer"}}
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["properties"])
    operation = document["paths"]["/api/v1/employees/"]["get"]
    assert operation["security"] == [{"ClientToken": []}]
    for status in ("400", "401", "403", "404", "422", "429", "500"):
        assert list(operation["responses"][status]["content"]) == ["application/problem+json"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    batch = document["paths"]["/api/v1/employees/batch"]["post"]
    assert "413" in batch["responses"]
    # Each operation says what it is, in Indonesian.
    assert operation["summary"] == "Daftar pegawai dalam cakupan"


def test_the_interactive_docs_load_only_from_the_site_itself(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    for asset in assets:
        assert asset.startswith("/"), asset  # same origin: no CDN
        assert not asset.startswith("//"), asset
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{name}" in assets
        assert finders.find(name), name
    # No inline script: the page runs under the site's CSP as it is.
    assert not re.search(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", page)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert '"validatorUrl": null' in page


@pytest.fixture
def wsgi_app():
    """The site's WSGI application, in this test's transaction: like Django's test client, it
    must not close the connection at the end of each request."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_document(
    wsgi_app, make_service_client, org_tree
):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    # given: a client of Jawa Barat holding every scope, a few people in and out of its scope
    _client, token = make_service_client("32", rate_limit_per_minute=100_000)
    for code in ("32", "32.04", "32.04", "33"):
        EmployeeFactory(unit=org_tree[code])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        response_headers_conformance,
    ]
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    started = time.monotonic()

    for operation in operations:
        _explore(operation, headers=headers, checks=checks)

    assert time.monotonic() - started < 90
    # Every operation was called, with more than one example each.
    calls = ApiCall.objects.exclude(path="/api/v1/openapi.json")
    assert calls.values("method", "path").distinct().count() > len(operations)
    assert calls.filter(status=200).exists()


def _explore(operation, *, headers: dict, checks: list) -> None:
    """Call `operation` with at most EXAMPLES_PER_OPERATION generated cases, for at most
    SECONDS_PER_OPERATION, and validate every answer with `checks`."""
    from hypothesis import HealthCheck, given, settings

    deadline = time.monotonic() + SECONDS_PER_OPERATION

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        if time.monotonic() > deadline:
            return
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    run()


def test_a_routers_own_problem_answers_are_declared_as_problem_details():
    from integrasi.api import problems_declared

    problem = {"$ref": "#/components/schemas/Problem"}
    document = {
        "paths": {
            "/api/v1/x": {
                "post": {
                    "security": [{"ClientToken": []}],
                    "requestBody": {},
                    "responses": {
                        200: {"description": "ok"},
                        409: {
                            "description": "c",
                            "content": {"application/json": {"schema": problem}},
                        },
                    },
                }
            },
            "/api/v1/open": {"get": {"responses": {200: {"description": "ok"}}}},
        }
    }

    declared = problems_declared(document)["paths"]

    responses = declared["/api/v1/x"]["post"]["responses"]
    assert list(responses[409]["content"]) == ["application/problem+json"]
    assert responses[409]["description"] == "c"
    assert {413, 401, 429} <= set(responses)
    assert list(responses[200]) == ["description"]
    # an operation without a token answers no 401, 403 or 429
    assert not {401, 403, 429} & set(declared["/api/v1/open"]["get"]["responses"])
