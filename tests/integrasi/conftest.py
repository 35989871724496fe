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
