"""The respondent's form, built from a questionnaire's questions (saved or, in a preview,
not yet saved)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CHOICE, LIKERT, LIKERT_LABELS

TEXT_MAX = 2000


def question_field_name(question, position: int) -> str:
    # A preview's unsaved questions have no id yet: their place names them.
    return f"q{question.pk}" if question.pk else f"new{position}"


class AnswerForm(forms.Form):
    """One field per question, grouped by section (`self.sections`)."""

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        position = 0
        for section in questionnaire.sections.all():
            names = []
            for question in section.questions.all():
                position += 1
                name = question_field_name(question, position)
                self.fields[name] = self._field(question)
                self.fields[name].question = question
                names.append(name)
            self.sections.append((section, names))

    @staticmethod
    def _field(question) -> forms.Field:
        messages = {"required": _("Pertanyaan ini wajib dijawab.")}
        label = question.text
        if question.kind == LIKERT:
            return forms.TypedChoiceField(
                label=label,
                choices=[(str(v), text) for v, text in LIKERT_LABELS],
                coerce=int,
                widget=forms.RadioSelect,
                required=question.required,
                error_messages={**messages, "invalid_choice": _("Pilih salah satu nilai 1-5.")},
            )
        if question.kind == CHOICE:
            options = question.option_list
            return forms.ChoiceField(
                label=label,
                choices=[(option, option) for option in options],
                widget=forms.RadioSelect,
                required=question.required,
                error_messages={**messages, "invalid_choice": _("Pilih salah satu pilihan.")},
            )
        return forms.CharField(
            label=label,
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=TEXT_MAX,
            required=question.required,
            strip=True,
            error_messages={
                **messages,
                "max_length": _("Jawaban paling panjang %(limit_value)d karakter."),
            },
        )

    def answers(self) -> list[tuple]:
        """(question, value, text) of every question answered, after validation."""
        result = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            question = field.question
            if question.kind == LIKERT:
                result.append((question, int(value), ""))
            else:
                result.append((question, None, str(value)))
        return result

    def section_rows(self):
        """[(section, [bound field, ...]), ...] for the template."""
        return [(section, [self[name] for name in names]) for section, names in self.sections]
