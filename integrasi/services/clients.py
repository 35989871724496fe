"""Service clients' tokens: made here, shown once to Admin LMS, stored as a digest."""

import secrets

from django.db import transaction
from django.utils import timezone

from ..models import ServiceClient
from ..models.clients import token_digest

# Every token starts with this, so that a secret scanner (or a person) recognises one.
TOKEN_PREFIX = "lmsb_"  # noqa: S105 (a marker, not a secret)


@transaction.atomic
def client_token_issue(*, client: ServiceClient) -> str:
    """Give `client` a new token and return it: the only time it is seen. A token it had
    before stops working at once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client.token_digest = token_digest(token)
    client.token_prefix = token[: len(TOKEN_PREFIX) + 4]
    client.token_created_at = timezone.now()
    client.save(update_fields=["token_digest", "token_prefix", "token_created_at"])
    return token


@transaction.atomic
def client_token_revoke(*, client: ServiceClient) -> ServiceClient:
    """Take `client`'s token away: every call with it is refused from now on."""
    client.token_digest = None
    client.token_prefix = ""
    client.save(update_fields=["token_digest", "token_prefix"])
    return client
