from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Blended programmes: a curriculum of courses run as cohorts with live sessions,
    attendance, assessed presentations, a weighted final grade and one certificate. Sits
    above kursus (it reads courses, quizzes and completions) and below laporan."""

    name = "program"
    verbose_name = _("Program")

    def ready(self):
        # Registers this app's tasks in every process (web included), so that services can
        # queue them by name through lms.core.outbox without importing the tasks module.
        from . import tasks  # noqa: F401
