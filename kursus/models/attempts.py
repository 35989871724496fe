"""What a learner may still do on a quiz beyond its settings: their current round of attempts,
the trainer's overrides (extra attempts, more time, a later deadline) with their history, and
their requests for another chance."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .quiz import QuizPage


class AttemptAllowance(models.Model):
    """One learner's standing on one quiz where it differs from the quiz's settings. The row
    is also the lock that starting an attempt takes, so that two clicks open one round."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempt_allowances"
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="allowances")
    round = models.PositiveSmallIntegerField(_("putaran"), default=1)
    attempts_before = models.PositiveSmallIntegerField(
        _("percobaan pada putaran sebelumnya"), default=0
    )
    extra_attempts = models.PositiveSmallIntegerField(_("tambahan percobaan"), default=0)
    extra_minutes = models.PositiveSmallIntegerField(_("tambahan waktu (menit)"), default=0)
    closes_at = models.DateTimeField(_("batas akhir khusus"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kesempatan peserta")
        verbose_name_plural = _("kesempatan peserta")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"], name="kursus_attemptallowance_unique_learner"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.quiz}"


class AttemptOverride(models.Model):
    """One change a trainer made to a learner's allowance: the audit trail."""

    class Kind(models.TextChoices):
        EXTRA_ATTEMPTS = "attempts", _("Tambahan percobaan")
        EXTRA_TIME = "time", _("Tambahan waktu")
        DEADLINE = "deadline", _("Batas akhir baru")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempt_overrides"
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    amount = models.PositiveSmallIntegerField(_("jumlah"), null=True, blank=True)
    closes_at = models.DateTimeField(_("batas akhir"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=255)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("perubahan kesempatan")
        verbose_name_plural = _("riwayat perubahan kesempatan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["quiz", "user"], name="kursus_override_quiz_user")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user} · {self.quiz}"


class AttemptRequest(models.Model):
    """A learner's request, after their last failed attempt, for another chance: one open at a
    time, closed when a trainer grants an extra attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu pelatih")
        GRANTED = "granted", _("Dikabulkan")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempt_requests"
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempt_requests")
    attempts_used = models.PositiveSmallIntegerField(_("percobaan terpakai"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    resolved_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)
    override = models.ForeignKey(
        AttemptOverride, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("permintaan kesempatan")
        verbose_name_plural = _("permintaan kesempatan")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Once per dead end: one request for a given number of attempts used.
            models.UniqueConstraint(
                fields=["user", "quiz", "attempts_used"],
                name="kursus_attemptrequest_once_per_stage",
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="pending"),
                name="kursus_attemptrequest_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "quiz"], name="kursus_attemptrequest_status")]

    def __str__(self):
        return f"{self.user} · {self.quiz}"
