"""Kirkpatrick level 3: after a cohort closes, the supervisors of its passed participants
are asked whether the participant applies what they learned."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowupRequest(models.Model):
    """One follow-up question to one supervisor about one participant: written before any
    email is sent (the outbox then sends it), so that a broker outage loses nothing and a
    repeated message sends nothing twice (`sent_at`, `reminded_at` are set under a lock
    when the email goes)."""

    cohort = models.ForeignKey(
        "program.Cohort",
        on_delete=models.CASCADE,
        related_name="followup_requests",
        verbose_name=_("angkatan"),
    )
    participant = models.ForeignKey(
        "program.Participant",
        on_delete=models.CASCADE,
        related_name="followup_requests",
        verbose_name=_("peserta"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("atasan"),
    )
    questionnaire = models.ForeignKey(
        "kuesioner.Questionnaire",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kuesioner"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    queued_at = models.DateTimeField(_("email diantrekan"), null=True, blank=True)
    sent_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    reminder_queued_at = models.DateTimeField(_("pengingat diantrekan"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("pengingat dikirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("permintaan tindak lanjut")
        verbose_name_plural = _("permintaan tindak lanjut")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "supervisor"],
                name="program_followuprequest_unique_participant_supervisor",
            )
        ]

    def __str__(self):
        return f"{self.participant_id} → {self.supervisor_id}"

    @property
    def context(self) -> str:
        return f"program.followup:{self.participant_id}"
