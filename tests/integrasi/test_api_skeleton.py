import pytest

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "LMS Bawaslu API"


def test_a_token_is_stored_as_a_digest_only(make_service_client):
    service_client, token = make_service_client("32")

    assert token.startswith("lmsb_")
    assert token not in (service_client.token_digest or "")
    assert service_client.token_prefix == token[:9]
    assert bearer(token)["Authorization"].endswith(token)
