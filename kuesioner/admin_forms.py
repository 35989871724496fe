"""The builder's form: a questionnaire that has been answered keeps its questions."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Respondent

LOCKED_MESSAGE = _(
    "Kuesioner ini sudah diisi responden: bagian dan pertanyaannya tidak dapat ditambah, "
    "dihapus atau diubah. Judul, pengantar dan status aktif tetap dapat diubah. Untuk "
    "mengubah pertanyaan, salin kuesioner ini menjadi versi baru."
)


def _structure_changed(formset) -> bool:
    for form in formset.forms:
        if getattr(form, "instance", None) is not None and form.instance.pk is None:
            if form.has_changed():  # a new row
                return True
            continue
        # The formsets are cleaned after this form: read the raw "delete" box.
        if formset.can_delete and "DELETE" in form.fields and form["DELETE"].data:
            return True
        if form.has_changed():
            return True
        for child in getattr(form, "formsets", {}).values():
            if _structure_changed(child):
                return True
    return False


class QuestionnaireForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if (
            instance.pk
            and Respondent.objects.filter(questionnaire_id=instance.pk).exists()
            and any(_structure_changed(formset) for formset in self.formsets.values())
        ):
            raise ValidationError(LOCKED_MESSAGE)
        return cleaned
