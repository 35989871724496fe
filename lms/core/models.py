from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery message to publish once the transaction that wrote it commits: the intent
    outlives a broker that is down (see `lms.core.outbox`)."""

    task = models.CharField(_("tugas"), max_length=200)
    args = models.JSONField(_("argumen"), default=list)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # Not to be published before this (a delayed message); the sweeper also waits a grace
    # period after it, for the publish that follows the commit.
    available_at = models.DateTimeField(_("tersedia pada"), default=timezone.now)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("kesalahan terakhir"), blank=True)

    class Meta:
        verbose_name = _("pesan outbox")
        verbose_name_plural = _("pesan outbox")
        indexes = [
            models.Index(
                fields=["available_at"],
                condition=Q(sent_at__isnull=True),
                name="core_outbox_unsent",
            ),
            models.Index(
                fields=["sent_at"], condition=Q(sent_at__isnull=False), name="core_outbox_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r}"
