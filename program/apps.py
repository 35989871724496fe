from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Blended programmes: a curriculum of courses run as cohorts with live sessions,
    attendance, assessed presentations, a weighted final grade and one certificate. Sits
    above kursus (it reads courses, quizzes and completions) and below laporan."""

    name = "program"
    verbose_name = _("Program")

    def ready(self):
        # Tasks are registered in every process (web included): services queue them by name
        # through lms.core.outbox without importing the tasks module.
        from kursus.catalogue import register_catalogue_section
        from kursus.services import register_enrollment_rule

        from . import tasks  # noqa: F401
        from .dashboard import register_cohort_dashboard
        from .models.pages import register_preview_data
        from .questionnaires import register_questionnaire_contexts
        from .receivers import connect_cohort_receivers
        from .selectors.curriculum import programme_enrollment_blockers, programme_preview_data
        from .views.curriculum import catalogue_programmes

        # Curriculum: the order between clusters binds cohort participants' enrolments, the
        # catalogue lists programmes, an editor's preview shows the curriculum being edited.
        register_enrollment_rule(programme_enrollment_blockers)
        register_catalogue_section(catalogue_programmes)
        register_preview_data(programme_preview_data)
        # Cohorts: people placed in a nominated unit join its cohorts; the learner dashboard
        # has its "Angkatan saya" section.
        connect_cohort_receivers()
        register_cohort_dashboard()
        # Questionnaires: the programme's questionnaire contexts are told to kuesioner.
        register_questionnaire_contexts()
