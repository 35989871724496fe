import pytest

from integrasi.models import ServiceClient
from integrasi.models.clients import Scope
from integrasi.services import client_token_issue
from lms.organisasi.models import OrgUnit

ALL_SCOPES = [scope.value for scope in Scope]


@pytest.fixture
def make_service_client(org_tree):
    """A client of unit `code` with `scopes` (all by default) and its token:
    `client, token = make_service_client("32", scopes=[...])`."""

    def make(code: str = "RI", *, scopes=None, name=None, **fields):
        client = ServiceClient.objects.create(
            name=name or f"Klien {code} {ServiceClient.objects.count() + 1}",
            unit=OrgUnit.objects.get(code=code),
            scopes=ALL_SCOPES if scopes is None else list(scopes),
            **fields,
        )
        return client, client_token_issue(client=client)

    return make


def bearer(token: str) -> dict:
    """Headers for the test client's calls: `client.get(url, headers=bearer(token))`."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def webhook_settings(settings):
    """Loopback receivers allowed, and timeouts short enough for a test to wait them out."""
    settings.LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    settings.LMS_WEBHOOK_CONNECT_TIMEOUT_SECONDS = 2.5
    settings.LMS_WEBHOOK_READ_TIMEOUT_SECONDS = 2.5
    return settings


@pytest.fixture
def receiver(webhook_settings):
    """A webhook receiver on loopback that answers 200 (set `.status`/`.delay` to change)."""
    from .webhook_receiver import LoopbackReceiver

    server = LoopbackReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def make_endpoint(org_tree, webhook_settings):
    """A webhook receiver registered for unit `code` and `events` (all by default):
    `endpoint, secret = make_endpoint("32", url=receiver.url)`."""
    from integrasi.models.webhooks import SUBSCRIBABLE_EVENTS
    from integrasi.webhooks.services import webhook_endpoint_create

    def make(code: str = "RI", *, url: str, events=None, name=None, **fields):
        made = webhook_endpoint_create(
            name=name or f"Penerima {code} {url}",
            url=url,
            events=[e.value for e in SUBSCRIBABLE_EVENTS] if events is None else list(events),
            unit=OrgUnit.objects.get(code=code),
            **fields,
        )
        return made.endpoint, made.secret

    return make


@pytest.fixture
def api(client):
    """Calls to the API with a token: `api.get(token, "/api/v1/units/", limit=5)`."""

    class Api:
        def get(self, token, url, **params):
            return client.get(url, params, headers=bearer(token))

        def put(self, token, url, body):
            return client.put(url, body, content_type="application/json", headers=bearer(token))

        def post(self, token, url, body):
            return client.post(url, body, content_type="application/json", headers=bearer(token))

    return Api()


def assert_problem(response, status: int, title: str | None = None) -> dict:
    """`response` is an RFC 9457 problem of `status` (with `title` if given)."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert "Traceback" not in response.content.decode()
    if title is not None:
        assert body["title"] == title
    return body
