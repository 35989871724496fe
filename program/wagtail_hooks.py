"""The programme's screens in the Wagtail admin, registered area by area."""

from .admin.attendance import register_attendance
from .admin.grading import register_grading

register_grading()
register_attendance()
