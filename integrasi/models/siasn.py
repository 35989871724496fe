"""The SIASN connector's records: which SIASN training type each course category (and the
programmes) maps to, one record per completion sent (or to send), and one audit row per call.

Nothing here holds a credential or a token: those live in the environment and in the memory
of the process that calls SIASN (integrasi/siasn/client.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SiasnTrainingType(models.Model):
    """Which SIASN training type ("jenis diklat") a completion is sent as: one row per
    course category, and one row for every programme (a programme has no category)."""

    class AppliesTo(models.TextChoices):
        CATEGORY = "category", _("Kategori kursus")
        PROGRAMME = "programme", _("Semua program")

    applies_to = models.CharField(
        _("berlaku untuk"),
        max_length=16,
        choices=AppliesTo.choices,
        default=AppliesTo.CATEGORY,
    )
    category = models.ForeignKey(
        "kursus.CourseCategory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kategori kursus"),
        help_text=_("Kosongkan bila baris ini berlaku untuk semua program."),
    )
    jenis_diklat_id = models.CharField(
        _("ID jenis diklat SIASN"),
        max_length=20,
        help_text=_(
            "Angka dari daftar jenis diklat SIASN, misalnya 3 Diklat Teknis, 4 Workshop, "
            "7 Sosialisasi, 8 Bimbingan Teknis, 9 Seminar, 10 Magang."
        ),
    )
    label = models.CharField(
        _("nama jenis diklat"),
        max_length=120,
        help_text=_("Nama jenis diklat sebagaimana tertulis di SIASN, misalnya Diklat Teknis."),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("jenis diklat SIASN")
        verbose_name_plural = _("jenis diklat SIASN")
        ordering = ["applies_to", "category__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(applies_to="category") & Q(category__isnull=False))
                | (Q(applies_to="programme") & Q(category__isnull=True)),
                name="integrasi_siasntrainingtype_category_iff_applies_to_category",
                violation_error_message=_(
                    "Pilih kategori kursus, atau kosongkan kategori bila baris ini untuk program."
                ),
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(category__isnull=False),
                name="integrasi_siasntrainingtype_one_per_category",
                violation_error_message=_("Kategori ini sudah dipetakan."),
            ),
            models.UniqueConstraint(
                fields=["applies_to"],
                condition=Q(applies_to="programme"),
                name="integrasi_siasntrainingtype_one_for_programmes",
                violation_error_message=_("Jenis diklat untuk program sudah ada."),
            ),
        ]

    def __str__(self):
        target = self.category.name if self.category_id else self.AppliesTo.PROGRAMME.label
        return f"{target} \N{RIGHTWARDS ARROW} {self.label} ({self.jenis_diklat_id})"


class SiasnRecord(models.Model):
    """One completion of one person (a course or a programme, the certificate's subject) to
    be recorded in SIASN, and how far it got. Unique per person and subject: a certificate
    reissued for the same completion points this row at the new certificate and never makes
    a second one, so SIASN never gets the completion twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")
        NEEDS_FIX = "needs_fix", _("Perlu perbaikan")
        # Not for SIASN: its JP is recorded there already (a programme and the courses of
        # its curriculum); the reason says where.
        SKIPPED = "skipped", _("Tidak dikirim")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="siasn_records",
        verbose_name=_("pegawai"),
    )
    subject = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kursus atau program"),
    )
    certificate = models.ForeignKey(
        "sertifikat.Certificate",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sertifikat"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.TextField(_("keterangan"), blank=True)
    # SIASN's own id of the person (pnsOrangId), looked up by NIP once, or set by HR.
    pns_orang_id = models.CharField(_("ID pegawai di SIASN"), max_length=64, blank=True)
    # HR may override the training type of this one record ("Perbaiki & kirim ulang").
    jenis_diklat_id = models.CharField(_("ID jenis diklat SIASN"), max_length=20, blank=True)
    training_label = models.CharField(_("nama jenis diklat"), max_length=120, blank=True)
    # The fields of the last course record sent (no credential ever goes in here).
    payload = models.JSONField(_("data yang dikirim"), default=dict, blank=True)
    # Every certificate number a save was sent with whose answer never came: a later lookup
    # of the person's SIASN records matches any of them (a reissue changes the number).
    sent_numbers = models.JSONField(
        _("nomor sertifikat yang pernah dikirim"), default=list, blank=True
    )
    # SIASN's id of the saved record ("riwayat"): once set, the record is never saved again;
    # only the document upload may still be due.
    siasn_record_id = models.CharField(_("ID riwayat di SIASN"), max_length=64, blank=True)
    # A save was sent whose answer never came (timeout, dropped connection): SIASN may have
    # it, so the next attempt reads the person's records before saving again.
    save_unconfirmed = models.BooleanField(_("penyimpanan belum terkonfirmasi"), default=False)
    document_uploaded = models.BooleanField(_("sertifikat terunggah"), default=False)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    lease_until = models.DateTimeField(_("sedang dikirim hingga"), null=True, blank=True)
    # Written at each claim: every write of that send filters on it, so a send that
    # outlived its lease (another run took the record) changes nothing and stops.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("terakhir dikirim"), null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengiriman SIASN")
        verbose_name_plural = _("pengiriman SIASN")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject"], name="integrasi_siasnrecord_one_per_completion"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="integrasi_siasn_due"),
        ]

    def __str__(self):
        return f"{self.certificate.full_name} \N{EM DASH} {self.certificate.course_title}"


class SiasnSendLog(models.Model):
    """One call to SIASN for a record (finding the person, saving the record, uploading the
    certificate): what was sent (the fields; a document by name and SHA-256, never its
    bytes; never a credential), what came back (status and an excerpt), the outcome."""

    class Step(models.TextChoices):
        PERSON = "person", _("Cari pegawai")
        LOOKUP = "lookup", _("Periksa riwayat")
        SAVE = "save", _("Simpan riwayat kursus")
        UPLOAD = "upload", _("Unggah sertifikat")

    class Outcome(models.TextChoices):
        OK = "ok", _("Berhasil")
        RETRY = "retry", _("Gagal sementara")
        REJECTED = "rejected", _("Ditolak SIASN")

    record = models.ForeignKey(
        SiasnRecord, on_delete=models.CASCADE, related_name="logs", verbose_name=_("pengiriman")
    )
    step = models.CharField(_("langkah"), max_length=16, choices=Step.choices)
    request = models.JSONField(_("permintaan"), default=dict, blank=True)
    status_code = models.PositiveSmallIntegerField(_("kode status"), null=True, blank=True)
    response_excerpt = models.TextField(_("jawaban"), blank=True)
    outcome = models.CharField(_("hasil"), max_length=16, choices=Outcome.choices)
    error = models.TextField(_("kesalahan"), blank=True)
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"), default=0)
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("log pengiriman SIASN")
        verbose_name_plural = _("log pengiriman SIASN")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_step_display()} {self.status_code or '-'} {self.outcome}"
