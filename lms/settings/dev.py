"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
LMS_CERT_SIGNING_AUTOCREATE = env.bool("LMS_CERT_SIGNING_AUTOCREATE", default=True)
# Webhook receivers on this machine over plain http (a test receiver beside `make run`).
LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = env.bool("LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK", default=True)
