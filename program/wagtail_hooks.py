"""The programme's screens in the Wagtail admin, registered area by area."""

from .admin.attendance import register_attendance

register_attendance()
