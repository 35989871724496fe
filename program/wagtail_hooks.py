"""The programme's screens in the Wagtail admin, registered area by area."""

from .admin.cohorts import register_cohorts
from .admin.menu import register_program_menu

register_program_menu()
register_cohorts()
