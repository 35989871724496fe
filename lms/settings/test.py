"""The test suite: fast hashing, eager Celery for unit tests, mail kept in memory."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_URL, DATABASES, env, filesystem_broker_options

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-3f1e9a"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Unit tests run tasks in-process; tests marked `realworker` start a real worker instead.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Apart from `make run`'s folder, so that a running dev worker never takes test messages.
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(
        Path(env("CELERY_FILESYSTEM_BROKER_DIR", default=str(BASE_DIR / "var" / "test-broker")))
    )

# Unit tests keep the cache in memory; the browser journeys, whose server and worker are
# processes of their own, share one (see the Makefile's test-e2e).
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://lms-test")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "lms.core.cache.RedisCache"
CACHES["default"]["VERSION"] = 2

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by a test sees the same rows.
    # LMS_TEST_DB_NAME lets two test runs on one checkout keep apart.
    DATABASES["default"]["TEST"] = {
        "NAME": env("LMS_TEST_DB_NAME", default=str(BASE_DIR / "var" / "test-db.sqlite3"))
    }

WAGTAILADMIN_BASE_URL = "http://testserver"

# Certificates: a demo signing key of the test suite's own, made on first use.
LMS_CERT_SIGNING_P12 = env.path(
    "LMS_CERT_SIGNING_P12", default=BASE_DIR / "var" / "test-signing" / "demo-signing.p12"
)
LMS_CERT_SIGNING_AUTOCREATE = True
LMS_CERT_RETRY_BACKOFF_SECONDS = env.int("LMS_CERT_RETRY_BACKOFF_SECONDS", default=1)
