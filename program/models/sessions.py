"""The cohort's timetable: live sessions in a room, online, or both."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CohortSession(models.Model):
    """A session of a cohort's timetable: who speaks, when, where or on which meeting link,
    and which provincial team presents (then it is an assessed presentation)."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Daring")
        ROOM = "room", _("Tatap muka")
        HYBRID = "hybrid", _("Hibrida")

    cohort = models.ForeignKey(
        "program.Cohort",
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("angkatan"),
    )
    title = models.CharField(_("judul sesi"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    speakers = models.TextField(
        _("narasumber"), blank=True, help_text=_("Satu nama per baris, bila bukan pengguna LMS.")
    )
    speaker_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("narasumber (pengguna LMS)"),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    mode = models.CharField(_("bentuk"), max_length=8, choices=Mode.choices, default=Mode.HYBRID)
    meeting_url = models.URLField(
        _("tautan rapat daring"),
        blank=True,
        help_text=_(
            "Zoom, Google Meet atau tautan lain; hanya tampil bagi peserta angkatan, "
            "menjelang sesi dimulai."
        ),
    )
    venue = models.CharField(_("tempat"), max_length=200, blank=True)
    presenting_team = models.ForeignKey(
        "program.PresentingTeam",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("tim penyaji"),
    )

    class Meta:
        verbose_name = _("sesi")
        verbose_name_plural = _("sesi")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="program_cohortsession_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["cohort", "starts_at"], name="program_sess_cohort_start")]

    def __str__(self):
        return self.title

    @property
    def speaker_names(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Sesi harus selesai setelah dimulai.")
        if self.mode in (self.Mode.ONLINE, self.Mode.HYBRID) and not self.meeting_url:
            errors["meeting_url"] = _("Sesi daring atau hibrida memerlukan tautan rapat.")
        if self.mode in (self.Mode.ROOM, self.Mode.HYBRID) and not self.venue:
            errors["venue"] = _("Sesi tatap muka atau hibrida memerlukan tempat.")
        if errors:
            raise ValidationError(errors)
