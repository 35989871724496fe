"""Questionnaires and their answers.

A questionnaire is built in the admin as ordered sections of ordered questions (modelcluster
children, edited in one form). Who answered and what they answered are kept apart:

- `Respondent`: that a person answered a questionnaire for a context, and on which date; one
  row per (questionnaire, context, person), which makes a double submission count once.
- `ResponseSet` and `Answer`: what was answered, with a random UUID as primary key, the
  questionnaire and the context only; no person, no date or time, no sequence number.
  Nothing in these rows orders them or points at a `Respondent` (a date here would: on a
  day a context has a single respondent, joining on it names the person).

A questionnaire that has been answered is locked: its sections and questions cannot be
added, removed or changed (the admin form refuses it); the title, introduction and "active"
flag stay editable. A new version is made with "Salin" (`questionnaire_copy`).
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin

from .choices import CHOICE, LIKERT, LIKERT_LABELS, TEXT

__all__ = ["LIKERT_LABELS"]

# A context: a short plain string the caller gives, "<app>.<what>:<id>".
CONTEXT_RE = r"^[a-z_]+\.[a-z_]+:[0-9]+$"
validate_context = RegexValidator(CONTEXT_RE, _("Konteks kuesioner tidak dikenal."))


class Questionnaire(PreviewableMixin, ClusterableModel):
    """An evaluation form ("Evaluasi penyelenggaraan pelatihan"): sections of questions."""

    title = models.CharField(_("judul"), max_length=200)
    intro = models.TextField(
        _("pengantar"), blank=True, help_text=_("Tampil di atas pertanyaan bagi responden.")
    )
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Kuesioner tidak aktif tidak dapat diisi.")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("intro"), FieldPanel("is_active")],
            heading=_("Identitas"),
        ),
        InlinePanel("sections", label=_("Bagian"), min_num=1),
    ]

    class Meta:
        verbose_name = _("kuesioner")
        verbose_name_plural = _("kuesioner")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_preview_template(self, request, mode_name):
        return "kuesioner/preview.html"

    def get_preview_context(self, request, mode_name):
        from .forms import AnswerForm

        context = super().get_preview_context(request, mode_name)
        context["form"] = AnswerForm(questionnaire=self)
        context["questionnaire"] = self
        return context


class Section(Orderable, ClusterableModel):
    """A titled group of questions ("Materi", "Narasumber: Dr. Rahmat", "Penyelenggaraan")."""

    questionnaire = ParentalKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("judul bagian"), max_length=200)

    panels = [FieldPanel("title"), InlinePanel("questions", label=_("Pertanyaan"), min_num=1)]

    class Meta(Orderable.Meta):
        verbose_name = _("bagian")
        verbose_name_plural = _("bagian")

    def __str__(self):
        return self.title


class Question(Orderable):
    class Kind(models.TextChoices):
        LIKERT = LIKERT, _("Skala 1-5 (sangat tidak setuju - sangat setuju)")
        CHOICE = CHOICE, _("Pilihan tunggal")
        TEXT = TEXT, _("Isian bebas")

    section = ParentalKey(Section, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("pertanyaan"), max_length=500)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices, default=Kind.LIKERT)
    options = models.TextField(
        _("pilihan jawaban"),
        blank=True,
        help_text=_("Untuk pilihan tunggal: satu pilihan per baris."),
    )
    required = models.BooleanField(_("wajib diisi"), default=True)

    panels = [
        FieldPanel("text"),
        FieldPanel("kind"),
        FieldPanel("options"),
        FieldPanel("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("pertanyaan")
        verbose_name_plural = _("pertanyaan")

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.kind == self.Kind.CHOICE and len(self.option_list) < 2:
            raise ValidationError(
                {"options": _("Pilihan tunggal memerlukan sekurang-kurangnya dua pilihan.")}
            )


class Respondent(models.Model):
    """That `user` answered `questionnaire` for `context`, on a date: who, never what."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+", verbose_name=_("kuesioner")
    )
    context = models.CharField(_("konteks"), max_length=100, validators=[validate_context])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("responden"),
    )
    answered_on = models.DateField(_("tanggal mengisi"))

    class Meta:
        verbose_name = _("responden")
        verbose_name_plural = _("responden")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "context", "user"],
                name="kuesioner_respondent_unique_questionnaire_context_user",
            )
        ]
        indexes = [models.Index(fields=["context", "questionnaire"], name="kuesioner_resp_ctx")]

    def __str__(self):
        return f"{self.user_id} · {self.context}"


class ResponseSet(models.Model):
    """One anonymous submission: what, never who (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+", verbose_name=_("kuesioner")
    )
    context = models.CharField(_("konteks"), max_length=100, validators=[validate_context])

    class Meta:
        verbose_name = _("jawaban kuesioner")
        verbose_name_plural = _("jawaban kuesioner")
        indexes = [models.Index(fields=["questionnaire", "context"], name="kuesioner_rset_ctx")]

    def __str__(self):
        return f"{self.questionnaire_id} · {self.context}"


class Answer(models.Model):
    """The answer to one question: a Likert value (1-5), the chosen option's text, or text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        ResponseSet, on_delete=models.CASCADE, related_name="answers", verbose_name=_("jawaban")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("pertanyaan")
    )
    value = models.PositiveSmallIntegerField(_("nilai"), null=True, blank=True)
    text = models.TextField(_("jawaban"), blank=True)

    class Meta:
        verbose_name = _("jawaban pertanyaan")
        verbose_name_plural = _("jawaban pertanyaan")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="kuesioner_answer_unique_response_question"
            )
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value if self.value is not None else self.text}"
