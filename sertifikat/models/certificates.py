"""Issued certificates, their numbering, verification checks and bulk ZIP jobs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CertificateCounter(models.Model):
    """The last serial number given out in a year. Incremented under a row lock inside the
    transaction that numbers a certificate (`sertifikat.numbering`), so numbers are unique
    and gapless even under concurrent issue."""

    year = models.PositiveSmallIntegerField(_("tahun"), primary_key=True)
    last_serial = models.PositiveIntegerField(_("nomor urut terakhir"), default=0)

    class Meta:
        verbose_name = _("penghitung nomor sertifikat")
        verbose_name_plural = _("penghitung nomor sertifikat")

    def __str__(self):
        return f"{self.year}: {self.last_serial}"


class Certificate(models.Model):
    """One certificate of one person for one subject: the Wagtail page it certifies (a
    course, later a programme). What is printed is frozen here when the row is created; the
    number is given by the worker just before the first render; the PDF is rendered once
    from these fields and stored."""

    # A record, not content: Wagtail's reference index ("where is this used") would gain a row
    # per certificate for its course and template, written inside every course completion.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Sedang dibuat")
        ISSUED = "issued", _("Terbit")
        FAILED = "failed", _("Gagal dibuat")
        REVOKED = "revoked", _("Dicabut")
        REPLACED = "replaced", _("Diganti")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("pegawai"),
    )
    subject = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("yang disertifikasi"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # Given together by the worker, in a short transaction before the first render
    # (`sertifikat.numbering`): None while the certificate waits for it.
    number = models.CharField(_("nomor"), max_length=80, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun nomor"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("nomor urut"), null=True, blank=True)
    code = models.CharField(_("kode verifikasi"), max_length=19, unique=True)
    # The day of the request, then the day the number was given (what the PDF prints).
    issued_on = models.DateField(_("tanggal terbit"))

    # The frozen snapshot: what the certificate says, whatever changes later.
    full_name = models.CharField(_("nama"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    unit_name = models.CharField(_("unit kerja"), max_length=200, blank=True)
    course_code = models.CharField(_("kode kursus"), max_length=20)
    course_title = models.CharField(_("judul kursus"), max_length=255)
    jp = models.PositiveSmallIntegerField(_("JP"))
    completed_on = models.DateField(_("tanggal selesai"))
    final_score = models.DecimalField(
        _("nilai akhir"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # A programme's certificate also prints its run (the cohort, "Angkatan I 2026"), the
    # run's dates, and, on a second page, what the curriculum was: one line per course.
    edition = models.CharField(_("angkatan"), max_length=120, blank=True)
    period_start = models.DateField(_("periode mulai"), null=True, blank=True)
    period_end = models.DateField(_("periode selesai"), null=True, blank=True)
    items = models.JSONField(_("daftar materi"), default=list, blank=True)
    template = models.ForeignKey(
        "sertifikat.CertificateTemplate",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("templat"),
    )
    template_version = models.PositiveIntegerField(_("versi templat"))
    template_snapshot = models.JSONField(_("isi templat"), default=dict, editable=False)

    # The rendered file. `generation` grows with each regeneration; a render message for an
    # older generation is stale and does nothing.
    generation = models.PositiveIntegerField(_("generasi"), default=1)
    pdf = models.FileField(_("berkas PDF"), upload_to="sertifikat/", max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    render_requested_at = models.DateTimeField(_("diminta dibuat"), null=True, blank=True)
    # Render attempts started (a worker that died mid-render counted too): bounded by
    # LMS_CERT_RENDER_MAX_ATTEMPTS, after which the certificate is marked failed.
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    # No render attempt before this (the backoff after one): a redelivered message and the
    # sweeper both wait for it.
    render_next_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    # Times the sweeper sent the render again since the last attempt started: each re-send
    # waits twice as long as the one before, so that a long queue (a bulk regeneration) is
    # not taken for lost messages minute after minute.
    render_sweeps = models.PositiveSmallIntegerField(_("dikirim ulang"), default=0)
    error = models.TextField(_("kesalahan"), blank=True)
    issued_at = models.DateTimeField(_("terbit pada"), null=True, blank=True)
    notified_at = models.DateTimeField(_("email terkirim"), null=True, blank=True)

    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_reason = models.TextField(_("alasan pencabutan"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicabut oleh"),
    )
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("diganti oleh"),
    )
    replaced_at = models.DateTimeField(_("diganti pada"), null=True, blank=True)
    replacement_reason = models.TextField(_("alasan penggantian"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        ordering = ["-created_at"]
        constraints = [
            # One certificate in force per person and subject; replaced ones stay as history.
            models.UniqueConstraint(
                fields=["user", "subject"],
                condition=~Q(status="replaced"),
                name="sertifikat_certificate_one_current_per_user_subject",
            ),
            models.UniqueConstraint(
                fields=["year", "serial"], name="sertifikat_certificate_unique_year_serial"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "render_requested_at"], name="sertifikat_status_req"),
            models.Index(fields=["subject", "status"], name="sertifikat_subject_status"),
            models.Index(fields=["user", "status"], name="sertifikat_user_status"),
        ]

    def __str__(self):
        return self.number_label

    @property
    def number_label(self) -> str:
        """The number; while a pending certificate waits for one, says so; a dash for one
        that will not get one now (failed, revoked or replaced before its numbering)."""
        if self.number:
            return self.number
        if self.status == self.Status.PENDING:
            return str(_("(menunggu nomor)"))
        return "\N{EN DASH}"

    @property
    def has_curriculum(self) -> bool:
        """A certificate of a programme run: it has an edition or a curriculum to print."""
        return bool(self.edition or self.items)

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def verification_path(self) -> str:
        return reverse("sertifikat:verify", args=[self.code])

    @property
    def download_path(self) -> str:
        return reverse("sertifikat:download", args=[self.code])

    @property
    def has_file(self) -> bool:
        return bool(self.pdf) and self.status in (
            self.Status.ISSUED,
            self.Status.REVOKED,
            self.Status.REPLACED,
        )


class VerificationLog(models.Model):
    """Every verification check, for Admin LMS: who asked about which code, and the answer."""

    wagtail_reference_index_ignore = True  # a record, written on every public check

    class Result(models.TextChoices):
        VALID = "valid", _("Sah")
        REVOKED = "revoked", _("Dicabut")
        REPLACED = "replaced", _("Diganti")
        PENDING = "pending", _("Belum terbit")
        NOT_FOUND = "not_found", _("Tidak ditemukan")

    class Channel(models.TextChoices):
        PAGE = "page", _("Halaman")
        API = "api", _("API JSON")

    checked_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    query = models.CharField(_("kode atau nomor yang diperiksa"), max_length=120)
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        verbose_name=_("sertifikat"),
    )
    result = models.CharField(_("hasil"), max_length=16, choices=Result.choices)
    channel = models.CharField(_("saluran"), max_length=8, choices=Channel.choices)
    client_address = models.GenericIPAddressField(_("alamat klien"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("log verifikasi")
        verbose_name_plural = _("log verifikasi")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.query} {self.result}"


class CertificateArchive(models.Model):
    """A ZIP of many certificates, built by a Celery job for Admin LMS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Siap diunduh")
        FAILED = "failed", _("Gagal")

    subject = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kursus"),
    )
    unit = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit (beserta jajaran di bawahnya)"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("diminta oleh"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("jumlah sertifikat"), default=0)
    done = models.PositiveIntegerField(_("sudah dimasukkan"), default=0)
    file = models.FileField(_("berkas ZIP"), upload_to="sertifikat/arsip/", blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("arsip sertifikat")
        verbose_name_plural = _("arsip sertifikat")
        ordering = ["-created_at"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        parts = []
        if self.subject_id:
            parts.append(str(self.subject))
        if self.unit_id:
            parts.append(str(self.unit))
        return " · ".join(parts) or str(_("Semua sertifikat"))

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
