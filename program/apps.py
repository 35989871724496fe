from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Blended programmes: a curriculum of courses run as cohorts with live sessions,
    attendance, assessed presentations, a weighted final grade and one certificate. Sits
    above kursus (it reads courses, quizzes and completions) and below laporan."""

    name = "program"
    verbose_name = _("Program")

    def ready(self):
        # The tasks are registered in every process (the services queue them by name through
        # the outbox); the questionnaire contexts of programmes are told to kuesioner.
        from . import tasks  # noqa: F401
        from .questionnaires import register_questionnaire_contexts

        register_questionnaire_contexts()
