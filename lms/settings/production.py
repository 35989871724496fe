"""Production: adds security, never features. Everything else comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, STORAGES, env

# Values that are public (in this repository or Django's docs) or placeholders an operator
# may leave in: a site signed with one of them lets anyone forge sessions, password-reset
# links and the MFA secrets' encryption key.
# Every literal key that appears anywhere in the repository is listed here.
KNOWN_SECRET_KEYS = {
    DEV_SECRET_KEY,
    "test-secret-key-not-for-production-3f1e9a",  # lms/settings/test.py
    "collectstatic-only-build-value-never-used-at-run-time-4f8a2c9e",  # an old Dockerfile
    "bench-" + "x" * 50,  # an old bench/certificates.py
    "x7!kq2" * 10,  # old deploy tests
    "change-me",  # .env.example
    "changeme",
    "secret",
}
PLACEHOLDER_MARKS = ("change-me", "changeme", "change_me", "insecure", "your-secret")
# Django's own deploy check (security.W009) asks for 50 characters and 5 different ones; a
# key from get_random_secret_key() or secrets.token_urlsafe(50) has 30 or more different
# ones, so 20 refuses hand-typed patterns ("bench-xxxx...") without refusing a random key.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 20


def secret_key_problem(key: str) -> str | None:
    """Why `key` may not sign a production site, or None."""
    lowered = key.strip().lower()
    if not lowered:
        return "it is empty"
    if key in KNOWN_SECRET_KEYS or lowered in KNOWN_SECRET_KEYS:
        return "it is a published example or development value"
    if any(mark in lowered for mark in PLACEHOLDER_MARKS) or lowered.startswith("django-insecure"):
        return "it looks like a placeholder"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has fewer than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return None


DEBUG = False
# Read as it is: django-environ would take a random key starting with "$" for a reference.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is not fit for production: {problem}. Set it to a long random "
        "value kept secret, e.g. the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Media storage as base.py chose it (disk or S3); static files compressed and cache-busted.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Behind one HTTPS proxy (see the README): the client address is the one it saw.
LMS_TRUSTED_PROXY_COUNT = env.int("LMS_TRUSTED_PROXY_COUNT", default=1)
ALLAUTH_TRUSTED_PROXY_COUNT = LMS_TRUSTED_PROXY_COUNT
