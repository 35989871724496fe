"""Assessed presentations and the final grade: the programme's rubric, a cohort's named
assessors, assessors' scores of a presenting team's session, peer ratings, and audited
corrections of a participant's grade components."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class RubricCriterion(ClusterableModel):
    """One criterion of a programme's presentation rubric ("Penguasaan materi", 30 %); the
    weights of a programme's criteria total 100."""

    programme = models.ForeignKey(
        "program.ProgrammePage",
        on_delete=models.CASCADE,
        related_name="rubric_criteria",
        verbose_name=_("program"),
    )
    title = models.CharField(_("kriteria"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    weight = models.DecimalField(
        _("bobot (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Bobot semua kriteria satu program harus berjumlah 100."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    panels = [
        FieldPanel("programme"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("weight"),
        FieldPanel("order"),
        InlinePanel("levels", label=_("Tingkat"), min_num=2),
    ]

    class Meta:
        verbose_name = _("kriteria rubrik presentasi")
        verbose_name_plural = _("rubrik presentasi")
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"], name="program_rubriccriterion_unique_title"
            )
        ]

    def __str__(self):
        return self.title


class RubricLevel(Orderable):
    """A level of a criterion: its score (1..4), label and description."""

    criterion = ParentalKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField(_("skor"), validators=[MinValueValidator(1)])
    label = models.CharField(_("sebutan"), max_length=80, help_text=_("Misalnya Sangat baik."))
    description = models.TextField(_("keterangan"), blank=True)

    panels = [FieldPanel("score"), FieldPanel("label"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("tingkat")
        verbose_name_plural = _("tingkat")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "score"], name="program_rubriclevel_unique_score"
            )
        ]

    def __str__(self):
        return f"{self.score} - {self.label}"


class CohortAssessor(models.Model):
    """A named panel member who may score a cohort's presentations without being a trainer."""

    cohort = models.ForeignKey(
        "program.Cohort",
        on_delete=models.CASCADE,
        related_name="assessors",
        verbose_name=_("angkatan"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohort_assessments",
        verbose_name=_("penilai"),
    )

    class Meta:
        verbose_name = _("penilai angkatan")
        verbose_name_plural = _("penilai angkatan")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"], name="program_cohortassessor_unique_cohort_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.cohort_id}"


class PresentationScore(models.Model):
    """One assessor's score set of one team's presentation in one session; saving again
    updates it."""

    session = models.ForeignKey(
        "program.CohortSession",
        on_delete=models.CASCADE,
        related_name="presentation_scores",
        verbose_name=_("sesi"),
    )
    team = models.ForeignKey(
        "program.PresentingTeam",
        on_delete=models.CASCADE,
        related_name="presentation_scores",
        verbose_name=_("tim penyaji"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("penilai"),
    )
    comment = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("nilai presentasi")
        verbose_name_plural = _("nilai presentasi")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "team", "assessor"],
                name="program_presentationscore_unique_assessor",
            )
        ]

    def __str__(self):
        return f"{self.session_id} · {self.team_id} · {self.assessor_id}"


class PresentationScoreItem(models.Model):
    """The level an assessor chose for one criterion."""

    score = models.ForeignKey(PresentationScore, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["score", "criterion"], name="program_presentationscoreitem_unique"
            )
        ]

    def __str__(self):
        return f"{self.score_id} · {self.criterion_id}: {self.level_id}"


class PeerRating(models.Model):
    """A participant's rating (1-5) of the team presenting a session. The rater is stored
    only so that each person rates once and may change their rating until the cohort
    closes; no screen and no export shows who rated what, only the aggregate."""

    session = models.ForeignKey(
        "program.CohortSession",
        on_delete=models.CASCADE,
        related_name="peer_ratings",
        verbose_name=_("sesi"),
    )
    team = models.ForeignKey(
        "program.PresentingTeam",
        on_delete=models.CASCADE,
        related_name="peer_ratings",
        verbose_name=_("tim penyaji"),
    )
    rater = models.ForeignKey(
        "program.Participant", on_delete=models.CASCADE, related_name="+", verbose_name=_("penilai")
    )
    rating = models.PositiveSmallIntegerField(
        _("nilai"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("penilaian sesama peserta")
        verbose_name_plural = _("penilaian sesama peserta")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "rater"], name="program_peerrating_unique_session_rater"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="program_peerrating_rating_range",
            ),
        ]

    def __str__(self):
        # Never the rater: ratings are anonymous to everyone reading them.
        return f"{self.session_id} · {self.team_id}: {self.rating}"


class GradeOverride(models.Model):
    """A correction of one grade component of a participant, with its reason: the latest per
    component wins, the earlier ones stay as its history."""

    class Component(models.TextChoices):
        POSTTEST = "posttest", _("Post-test")
        PARTICIPATION = "participation", _("Nilai presentasi dan partisipasi")
        ATTENDANCE = "attendance", _("Kehadiran (%)")

    participant = models.ForeignKey(
        "program.Participant",
        on_delete=models.CASCADE,
        related_name="grade_overrides",
        verbose_name=_("peserta"),
    )
    component = models.CharField(_("komponen"), max_length=16, choices=Component.choices)
    old_value = models.DecimalField(
        _("nilai semula"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("nilai baru"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reason = models.TextField(_("alasan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dikoreksi oleh"),
    )
    created_at = models.DateTimeField(_("dikoreksi pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("koreksi nilai")
        verbose_name_plural = _("koreksi nilai")
        ordering = ["participant", "component", "created_at", "pk"]
        indexes = [
            models.Index(fields=["participant", "component"], name="program_override_part_comp")
        ]

    def __str__(self):
        return f"{self.participant_id} · {self.component}: {self.new_value}"
