"""The programme's screens in the Wagtail admin, registered area by area."""

from .admin.curriculum import register_curriculum

register_curriculum()
