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
    # Sessions of a cohort with the same label run side by side (Medan, Bali and Manado on
    # one day); attendance counts the group as one session. Blank: a session of its own.
    parallel_group = models.CharField(
        _("kelompok sesi paralel"),
        max_length=100,
        blank=True,
        help_text=_(
            "Sesi dengan label kelompok yang sama berlangsung bersamaan; peserta cukup "
            "menghadiri salah satunya, dan kehadiran menghitung kelompok itu sebagai satu "
            "sesi. Kosongkan bila sesi ini tidak paralel."
        ),
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
        self.parallel_group = (self.parallel_group or "").strip()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Sesi harus selesai setelah dimulai.")
        if self.mode in (self.Mode.ONLINE, self.Mode.HYBRID) and not self.meeting_url:
            errors["meeting_url"] = _("Sesi daring atau hibrida memerlukan tautan rapat.")
        if self.mode in (self.Mode.ROOM, self.Mode.HYBRID) and not self.venue:
            errors["venue"] = _("Sesi tatap muka atau hibrida memerlukan tempat.")
        if errors:
            raise ValidationError(errors)


class Attendance(models.Model):
    """A participant's attendance at one session: one row per person and session, however
    many times they scanned, joined or were marked. Absent rows are not needed (no row
    means absent) but a facilitator's "absent" is kept to show who decided it."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Hadir")
        LATE = "late", _("Terlambat")
        EXCUSED = "excused", _("Izin")
        ABSENT = "absent", _("Tidak hadir")

    class Source(models.TextChoices):
        QR = "qr", _("Pindai kode QR")
        CODE = "code", _("Kode ketik")
        REPORT = "report", _("Laporan peserta rapat daring")
        MANUAL = "manual", _("Dicatat fasilitator")

    session = models.ForeignKey(
        CohortSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("sesi"),
    )
    participant = models.ForeignKey(
        "program.Participant",
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("peserta"),
    )
    status = models.CharField(_("kehadiran"), max_length=8, choices=Status.choices)
    source = models.CharField(_("dicatat dari"), max_length=8, choices=Source.choices)
    # Online: the total minutes in the meeting from the participant report.
    minutes = models.PositiveIntegerField(_("lama mengikuti (menit)"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("waktu hadir"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                name="program_attendance_unique_session_participant",
            )
        ]
        indexes = [models.Index(fields=["participant", "status"], name="program_att_part_status")]

    def __str__(self):
        return f"{self.session_id} · {self.participant_id}: {self.status}"

    @property
    def counts_as_present(self) -> bool:
        return self.status in (self.Status.PRESENT, self.Status.LATE)
