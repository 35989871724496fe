from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KuesionerConfig(AppConfig):
    """Questionnaires (evaluation): the builder, anonymous answers and their results. Sits
    between sertifikat and kursus: the apps above it name what a questionnaire is about (a
    context such as "kursus.course:34") through `kuesioner.registry`, and react to an answer
    through `kuesioner.signals.questionnaire_answered`."""

    name = "kuesioner"
    verbose_name = _("Kuesioner")
