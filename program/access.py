"""Who may run the programme's cohorts in the admin (cohorts, sessions, attendance, grading):
Admin LMS and trainers (Pengajar)."""

from lms.akun.roles import PENGAJAR, user_has_role, user_is_admin_lms


def user_may_run_cohorts(user) -> bool:
    return user.is_authenticated and (user_is_admin_lms(user) or user_has_role(user, PENGAJAR))
