"""Writes of the integration, by concern."""

from .clients import TOKEN_PREFIX, client_token_issue, client_token_revoke

__all__ = ["TOKEN_PREFIX", "client_token_issue", "client_token_revoke"]
