"""`manage.py check --deploy` must be clean under production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "lms.bawaslu.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # The signing key production is configured with, not the demo key `make run` may have
        # left in this checkout (which sertifikat.W003 would rightly report). The database
        # is empty, so no certificate template is read (sertifikat.W001/W002: see
        # tests/sertifikat/test_demo_parts.py).
        "LMS_CERT_SIGNING_P12": str(tmp_path / "signing" / "production.p12"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _import_production_settings(secret_key: str | None) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DJANGO_ALLOWED_HOSTS="lms.bawaslu.go.id", CELERY_BROKER_URL="memory://")
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, "-c", "import lms.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _env_example_secret_key() -> str:
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith("DJANGO_SECRET_KEY="):
            return line.split("=", 1)[1]
    raise AssertionError(".env.example lists no DJANGO_SECRET_KEY")


@pytest.mark.parametrize(
    "secret_key",
    [
        None,
        "",
        "   ",
        "change-me",
        "CHANGE-ME",
        "dev-insecure-key-change-me-9c1f0e7a2b4d4f7e8a6c",
        "test-secret-key-not-for-production-3f1e9a",
        "change-me-" + "9c1f0e7a2b4d4f7e8a6c" * 3,
        "django-insecure-" + "k2#x9!m" * 8,
        "tooShort-9c1f0e7a2b4d4f7e8a6c",
        "abcd" * 20,
        # Published in the repository: the Dockerfile's former build-only key and the
        # certificate bench's worker key; and a long hand-typed pattern of few characters.
        "collectstatic-only-build-value-never-used-at-run-time-4f8a2c9e",
        "bench-" + "x" * 50,
        "x7!kq2" * 10,
        "abcdefghij" * 6,
    ],
)
def test_production_refuses_to_start_with_a_known_or_weak_secret_key(secret_key):
    result = _import_production_settings(secret_key)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not fit for production" in result.stderr


def test_production_refuses_the_env_example_secret_key():
    result = _import_production_settings(_env_example_secret_key())

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not fit for production" in result.stderr


def test_production_starts_with_a_long_random_secret_key():
    result = _import_production_settings(secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stderr


def test_production_starts_with_a_django_generated_secret_key():
    from django.core.management.utils import get_random_secret_key

    key = get_random_secret_key()
    result = _import_production_settings(key)

    assert result.returncode == 0, result.stderr


def test_a_secret_key_starting_with_a_dollar_is_read_as_it_is():
    # django-environ would take "$..." for a reference to another variable (and so, empty)
    key = "$" + secrets.token_urlsafe(50)
    probe = "import lms.settings.production as s, os; print(s.SECRET_KEY == os.environ['K'])"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SECRET_KEY=key,
        K=key,
        DJANGO_ALLOWED_HOSTS="lms.bawaslu.go.id",
        CELERY_BROKER_URL="memory://",
    )

    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_gives_allauth_the_same_proxy_count():
    probe = (
        "import lms.settings.production as s; "
        "print(s.LMS_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="lms.bawaslu.go.id",
        CELERY_BROKER_URL="memory://",
        LMS_TRUSTED_PROXY_COUNT="2",
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.split() == ["2", "2"], result.stderr
