from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Blended programmes: a curriculum of courses run as cohorts with live sessions,
    attendance, assessed presentations, a weighted final grade and one certificate. Sits
    above kursus (it reads courses, quizzes and completions) and below laporan."""

    name = "program"
    verbose_name = _("Program")
