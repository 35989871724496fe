"""The client behind the proxies: one answer for every rate limit and every log line."""

import ipaddress

from django.conf import settings
from django.http.request import split_domain_port


def _clean_address(value: str) -> str | None:
    """An IP address as text, without a port or IPv6 brackets; None if it is not one."""
    value = value.strip()
    host, port = split_domain_port(value)
    if host and port:
        value = host.removeprefix("[").removesuffix("]")
    elif value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address. Behind LMS_TRUSTED_PROXY_COUNT proxies that each append the
    address they saw to X-Forwarded-For, it is the entry that many places from the end: the
    one the outermost trusted proxy saw. Entries before it are whatever the client sent and are
    never trusted. Without that many entries (a request that bypassed the proxy) or with a
    malformed one, it is the peer address."""
    proxies = settings.LMS_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = _clean_address(forwarded[-proxies])
            if address:
                return address
    peer = request.META.get("REMOTE_ADDR") or ""
    return _clean_address(peer) if peer else None
