"""Settings of the live server and worker that the browser journeys drive.

The test suite's settings (fast password hashing, mail kept in the process, a demo signing
key made on first use), served as production serves them (DEBUG off, whitenoise), except
that whitenoise finds static files where they are instead of after `collectstatic`.
"""

from lms.settings.test import *  # noqa: F403
from lms.settings.test import env

WHITENOISE_USE_FINDERS = True
# The address certificates print under their QR code and in their verification link.
WAGTAILADMIN_BASE_URL = env("LMS_E2E_BASE_URL", default="http://127.0.0.1:8000")
ROOT_URLCONF = "tests.e2e.urls"
