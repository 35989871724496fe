"""The Likert scale every questionnaire uses, and the kinds of question."""

from django.utils.translation import gettext_lazy as _

LIKERT_LABELS = (
    (1, _("Sangat tidak setuju")),
    (2, _("Tidak setuju")),
    (3, _("Ragu-ragu")),
    (4, _("Setuju")),
    (5, _("Sangat setuju")),
)

LIKERT = "likert"
CHOICE = "choice"
TEXT = "text"
