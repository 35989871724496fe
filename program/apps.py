from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Blended programmes: a curriculum of courses run as cohorts with live sessions,
    attendance, assessed presentations, a weighted final grade and one certificate. Sits
    above kursus (it reads courses, quizzes and completions) and below laporan."""

    name = "program"
    verbose_name = _("Program")

    def ready(self):
        # Cohorts: register the notification task in every process (services queue it by
        # name), let people placed in a nominated unit join its cohorts, and give the learner
        # dashboard its "Angkatan saya" section.
        from . import tasks  # noqa: F401
        from .dashboard import register_cohort_dashboard
        from .receivers import connect_cohort_receivers

        connect_cohort_receivers()
        register_cohort_dashboard()
