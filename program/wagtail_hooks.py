"""The programme's screens in the Wagtail admin, registered area by area."""

from .admin.sessions import register_sessions

register_sessions()
