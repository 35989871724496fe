"""Attendance's own records beside the skeleton's `Attendance` row: the per-session key of the
rotating check-in codes, the audit of every change, and the uploaded meeting reports with the
lines a facilitator still has to resolve by hand."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .sessions import Attendance


class SessionCheckinKey(models.Model):
    """The secret from which a session's rotating QR tokens and typed codes are derived; made
    when a facilitator first shows the code. Never shown, logged or sent anywhere."""

    session = models.OneToOneField(
        "program.CohortSession",
        on_delete=models.CASCADE,
        related_name="checkin_key",
        verbose_name=_("sesi"),
    )
    secret = models.CharField(_("kunci rahasia"), max_length=64)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("kunci kode hadir")
        verbose_name_plural = _("kunci kode hadir")

    def __str__(self):
        return str(self.session_id)


class AttendanceChange(models.Model):
    """One change of a participant's attendance at a session: who, when, from what to what,
    and why. Written by manual marking and by report imports (a learner's own check-in is
    recorded on the attendance row itself)."""

    session = models.ForeignKey(
        "program.CohortSession",
        on_delete=models.CASCADE,
        related_name="attendance_changes",
        verbose_name=_("sesi"),
    )
    participant = models.ForeignKey(
        "program.Participant",
        on_delete=models.CASCADE,
        related_name="attendance_changes",
        verbose_name=_("peserta"),
    )
    old_status = models.CharField(
        _("kehadiran semula"), max_length=8, choices=Attendance.Status.choices, blank=True
    )
    new_status = models.CharField(
        _("kehadiran baru"), max_length=8, choices=Attendance.Status.choices
    )
    source = models.CharField(_("dicatat dari"), max_length=8, choices=Attendance.Source.choices)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )
    changed_at = models.DateTimeField(_("waktu perubahan"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat kehadiran")
        verbose_name_plural = _("riwayat kehadiran")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["session", "changed_at"], name="program_attchg_sess_at"),
        ]

    def __str__(self):
        return f"{self.session_id} · {self.participant_id}: {self.old_status} -> {self.new_status}"


class ParticipantReport(models.Model):
    """One upload of an online meeting's participant report (Zoom's CSV) for a session."""

    session = models.ForeignKey(
        "program.CohortSession",
        on_delete=models.CASCADE,
        related_name="participant_reports",
        verbose_name=_("sesi"),
    )
    original_name = models.CharField(_("nama berkas"), max_length=255)
    min_share_percent = models.PositiveSmallIntegerField(
        _("kehadiran minimum (% lama sesi)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    overwrite_manual = models.BooleanField(_("menimpa catatan fasilitator"), default=False)
    rows_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    matched_count = models.PositiveIntegerField(_("peserta dikenali"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("laporan peserta rapat daring")
        verbose_name_plural = _("laporan peserta rapat daring")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.original_name


class ParticipantReportLine(models.Model):
    """A row of an uploaded report: whom it was matched to, or why not (then the facilitator
    assigns it or ignores it; nothing is recorded for it until then). Its time in the meeting
    is kept so that a person's rows are merged again when one of them is assigned by hand."""

    class Match(models.TextChoices):
        EMAIL = "email", _("Email")
        NIP = "nip", _("NIP")
        NAME = "name", _("Nama")
        MANUAL = "manual", _("Dipilih fasilitator")
        UNMATCHED = "unmatched", _("Tidak dikenali")
        AMBIGUOUS = "ambiguous", _("Nama sama dengan beberapa peserta")
        IGNORED = "ignored", _("Diabaikan")

    report = models.ForeignKey(
        ParticipantReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("laporan")
    )
    line = models.PositiveIntegerField(_("baris"))
    name = models.CharField(_("nama"), max_length=300, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    guest = models.BooleanField(_("tamu"), default=False)
    joined_at = models.DateTimeField(_("bergabung"))
    left_at = models.DateTimeField(_("keluar"))
    match = models.CharField(_("dikenali dengan"), max_length=10, choices=Match.choices)
    participant = models.ForeignKey(
        "program.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("peserta"),
    )
    # Ambiguous lines: the participants sharing the name, offered first.
    candidates = models.JSONField(_("calon peserta"), default=list, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )

    class Meta:
        verbose_name = _("baris laporan peserta")
        verbose_name_plural = _("baris laporan peserta")
        ordering = ["report", "line"]
        indexes = [
            models.Index(fields=["report", "match"], name="program_rptline_report_match"),
        ]

    def __str__(self):
        return f"{self.report_id}:{self.line}"

    @property
    def is_open(self) -> bool:
        return self.match in (self.Match.UNMATCHED, self.Match.AMBIGUOUS)

    @property
    def reason(self) -> str:
        """How the line was matched, or why it waits for the facilitator (a guest's email is
        never trusted: see report_match)."""
        if self.guest and self.is_open:
            return _("Bergabung sebagai tamu: cocokkan manual")
        return self.get_match_display()
