"""Kept only until the `cert` branch is merged: sertifikat still imports the roles from here.
The roles live in `lms.akun.roles`; the lead points sertifikat (and tests/sertifikat) there at
the merge and deletes this module (removed at merge)."""

from lms.akun.roles import ADMIN_LMS, PENGAJAR, SUPERVISOR  # noqa: F401
from lms.akun.roles import user_is_admin_lms as user_is_admin_lms
