from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Blended programmes: a curriculum of courses run as cohorts with live sessions,
    attendance, assessed presentations, a weighted final grade and one certificate. Sits
    above kursus (it reads courses, quizzes and completions) and below laporan."""

    name = "program"
    verbose_name = _("Program")

    def ready(self):
        # Registers this app's tasks in every process (web included), so that its services can
        # queue them by name through lms.core.outbox without importing the tasks module.
        from kursus.catalogue import register_catalogue_section
        from kursus.services import register_enrollment_rule

        from . import tasks  # noqa: F401
        from .models.pages import register_preview_data
        from .selectors.curriculum import programme_enrollment_blockers, programme_preview_data
        from .views.curriculum import catalogue_programmes

        register_enrollment_rule(programme_enrollment_blockers)
        register_catalogue_section(catalogue_programmes)
        register_preview_data(programme_preview_data)
