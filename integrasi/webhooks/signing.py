"""How a webhook message is signed, and how its secret is kept.

Every POST carries these headers:

    Content-Type: application/json
    X-LMS-Event: course.completed              (the event's type)
    X-LMS-Delivery: 4821                       (this delivery's id; the same on a retry)
    X-LMS-Timestamp: 1765152000                (unix seconds when this attempt was signed)
    X-LMS-Signature: v1=<hex>                  (HMAC-SHA256, key = the secret's UTF-8 bytes,
                                                message = timestamp + "." + the raw body)

A receiver checks it in a few lines of Python, on the raw body bytes, before parsing them:

    import hashlib, hmac, time

    def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
        timestamp = headers["X-LMS-Timestamp"]
        if abs(time.time() - int(timestamp)) > tolerance:
            return False  # too old (or a clock far off): possibly replayed
        digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest("v1=" + digest.hexdigest(), headers["X-LMS-Signature"])

The body's `id` (a UUID) names the event: the same on every retry and for every receiver, so
that a receiver which got a message twice can tell. The secret is stored encrypted with a key
derived from SECRET_KEY (as the MFA secrets are, under a label of its own): changing
SECRET_KEY means making every receiver a new secret.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet
from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105 (a marker, not a secret)
SIGNATURE_VERSION = "v1"


def secret_generate() -> str:
    """A new signing secret: 256 random bits, recognisable by its prefix."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _fernet() -> Fernet:
    digest = hashlib.sha256(("lms-webhook:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(encrypted: str) -> str:
    return _fernet().decrypt(encrypted.encode()).decode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The X-LMS-Signature header's value for `body` sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"
