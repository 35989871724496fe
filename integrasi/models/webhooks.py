"""Webhooks: the addresses Admin LMS registers, the events written in the transaction that
caused them (the outbox), one delivery per address and event, and each attempt to send it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.organisasi.models import OrgUnit


class EventType(models.TextChoices):
    """What a receiver may subscribe to; `ping` is only the admin's test message."""

    COURSE_COMPLETED = "course.completed", _("Kursus diselesaikan")
    CERTIFICATE_ISSUED = "certificate.issued", _("Sertifikat terbit")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Sertifikat dicabut")
    EMPLOYEE_CHANGED = "employee.changed", _("Data pegawai berubah")
    PING = "ping", _("Pesan uji")


SUBSCRIBABLE_EVENTS = [e for e in EventType if e != EventType.PING]


class WebhookEndpoint(models.Model):
    """An address of another system (HR) that is told of events about the people of its unit
    subtree. The secret that signs each message is shown once, when it is made, and kept
    encrypted (`integrasi.webhooks.signing`)."""

    name = models.CharField(_("nama penerima"), max_length=120, unique=True)
    url = models.URLField(
        _("alamat penerima"),
        max_length=500,
        help_text=_("Alamat https yang menerima pesan; pengalihan alamat tidak diikuti."),
    )
    events = models.JSONField(_("jenis kejadian"), default=list, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cakupan unit"),
        help_text=_("Hanya kejadian tentang pegawai unit ini dan jajaran di bawahnya."),
    )
    secret_encrypted = models.TextField(_("rahasia (terenkripsi)"), blank=True, editable=False)
    secret_hint = models.CharField(_("awalan rahasia"), max_length=16, blank=True, editable=False)
    secret_created_at = models.DateTimeField(_("rahasia dibuat"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("penerima webhook")
        verbose_name_plural = _("penerima webhook")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def event_labels(self) -> list[str]:
        return [str(EventType(e).label) for e in self.events if e in EventType.values]


class WebhookEvent(models.Model):
    """Something happened that receivers may be told of: written in the same transaction as
    the change itself. The payload holds ids, codes and dates, and of a person only the NIP,
    the name and the unit code; never a secret."""

    uuid = models.UUIDField(_("ID kejadian"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("jenis kejadian"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("isi"), default=dict)
    created_at = models.DateTimeField(_("waktu kejadian"), db_index=True)

    class Meta:
        verbose_name = _("kejadian webhook")
        verbose_name_plural = _("kejadian webhook")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.type} {self.uuid}"

    def envelope(self) -> dict:
        """The JSON object a receiver gets: the same for every attempt and every receiver."""
        return {
            "id": str(self.uuid),
            "type": self.type,
            "created_at": self.created_at.isoformat(),
            "data": self.payload,
        }


class WebhookDelivery(models.Model):
    """One event for one receiver: the row that says whether it arrived, is still being
    tried or was given up. It is the truth the sender and the sweeper work from."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        DELIVERED = "delivered", _("Terkirim")
        RETRYING = "retrying", _("Gagal, akan dicoba lagi")
        FAILED = "failed", _("Gagal, berhenti mencoba")

    DUE = (Status.PENDING, Status.RETRYING)

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("penerima"),
    )
    event = models.ForeignKey(
        WebhookEvent,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("kejadian"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("jumlah percobaan"), default=0)
    # Failed attempts in a row since the last success or resend: the backoff's exponent.
    failures = models.PositiveSmallIntegerField(_("gagal berturut-turut"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    # Set by the attempt that holds the row; a crashed worker's claim runs out.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # When a message for it was last published: the sweeper does not publish it again soon.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The first attempt of the current round (a resend starts a new one): retries stop a day
    # (LMS_WEBHOOK_RETRY_HOURS) after it.
    first_attempt_at = models.DateTimeField(_("percobaan pertama"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("percobaan terakhir"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(
        _("kode jawaban terakhir"), null=True, blank=True
    )
    last_error = models.CharField(_("kesalahan terakhir"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="integrasi_webhookdelivery_unique_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "retrying"]),
                name="integrasi_whdelivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="integrasi_whdelivery_ep"),
        ]

    def __str__(self):
        return f"{self.endpoint_id}/{self.event_id}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: when, how long, what the receiver answered. Of the
    answer's body only a short excerpt is kept."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("pengiriman"),
    )
    number = models.PositiveIntegerField(_("percobaan ke"))
    at = models.DateTimeField(_("waktu"))
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"), default=0)
    response_code = models.PositiveSmallIntegerField(_("kode jawaban"), null=True, blank=True)
    error = models.CharField(_("kesalahan"), max_length=200, blank=True)
    response_excerpt = models.CharField(_("awal jawaban"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("percobaan kirim")
        verbose_name_plural = _("percobaan kirim")
        ordering = ["delivery", "number", "pk"]
        indexes = [models.Index(fields=["delivery", "number"], name="integrasi_whattempt_num")]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300
