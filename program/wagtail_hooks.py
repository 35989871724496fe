"""The programme's screens in the Wagtail admin, registered area by area, in the "Program"
menu group."""

from django.utils.translation import gettext_lazy as _

from .admin.attendance import register_attendance
from .admin.cohorts import register_cohorts
from .admin.curriculum import register_curriculum
from .admin.grading import register_grading
from .admin.menu import register_program_menu
from .admin.sessions import register_sessions, session_admin_link_add

register_program_menu()
register_curriculum()
register_cohorts()
register_sessions()
register_attendance()
register_grading()

session_admin_link_add(_("Kode hadir"), "program_attendance:code", "view")
session_admin_link_add(_("Daftar hadir"), "program_attendance:sheet", "list-ul")
