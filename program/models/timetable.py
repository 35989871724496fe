"""What the timetable keeps besides the sessions: each learner's private calendar feed and
the record of the reminder sent before each session."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A learner's private iCalendar address (/program/kalender/<token>.ics), read by calendar
    apps without signing in. Only the random `key` is stored: the rest of the token is an HMAC
    of it under the site's secret key, so the address can be shown again on "Kalender saya"
    while a copy of the database alone does not reveal it. A new key revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("pengguna"),
    )
    key = models.CharField(_("kunci"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("kalender pribadi")
        verbose_name_plural = _("kalender pribadi")

    def __str__(self):
        return f"{self.user_id}"


class SessionReminder(models.Model):
    """The email reminding one participant of one session, written before it is sent so that
    a retry, a second run or a lost broker message never sends it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        SENT = "sent", _("Terkirim")
        SKIPPED = "skipped", _("Tidak dikirim")
        FAILED = "failed", _("Gagal")

    session = models.ForeignKey(
        "program.CohortSession",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("sesi"),
    )
    participant = models.ForeignKey(
        "program.Participant",
        on_delete=models.CASCADE,
        related_name="session_reminders",
        verbose_name=_("peserta"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    error = models.TextField(_("galat"), blank=True)

    class Meta:
        verbose_name = _("pengingat sesi")
        verbose_name_plural = _("pengingat sesi")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                name="program_sessionreminder_unique_session_participant",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="program_remind_sess_status"),
        ]

    def __str__(self):
        return f"{self.session_id} · {self.participant_id}: {self.status}"
