from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .validators import validate_nip


class OrgUnit(MP_Node):
    """A unit of the supervisory hierarchy: Bawaslu RI, a province, a regency or city, and
    below them the ad hoc bodies, which need no schema change to be added."""

    class Level(models.TextChoices):
        PUSAT = "pusat", _("Pusat")
        PROVINSI = "provinsi", _("Provinsi")
        KABKOTA = "kabkota", _("Kabupaten/Kota")
        KECAMATAN = "kecamatan", _("Kecamatan (ad hoc)")
        KELURAHAN = "kelurahan", _("Kelurahan/Desa (ad hoc)")
        TPS = "tps", _("TPS (ad hoc)")
        LUAR_NEGERI = "luar_negeri", _("Luar negeri (ad hoc)")

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.CharField(_("tingkat"), max_length=16, choices=Level.choices)
    # When the unit was added or renamed: what other systems ask for ("changed since").
    updated_at = models.DateTimeField(_("diubah"), auto_now=True, db_index=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit organisasi")
        verbose_name_plural = _("unit organisasi")
        permissions = [("view_unit_reports", _("Dapat melihat laporan unit dan bawahannya"))]

    def __str__(self):
        return self.name


class Employee(models.Model):
    """The profile of a person who learns here: what a certificate and a report need."""

    class EmploymentType(models.TextChoices):
        PNS = "pns", _("PNS")
        PPPK = "pppk", _("PPPK")
        NON_ASN = "non_asn", _("Non-ASN")
        AD_HOC = "ad_hoc", _("Ad hoc")

    NIP_REQUIRED = (EmploymentType.PNS, EmploymentType.PPPK)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="employee",
        verbose_name=_("akun"),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        null=True,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 angka; wajib untuk PNS dan PPPK."),
    )
    employment_type = models.CharField(
        _("jenis pegawai"), max_length=16, choices=EmploymentType.choices
    )
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="employees", verbose_name=_("unit kerja")
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nip"],
                condition=Q(nip__isnull=False),
                name="organisasi_employee_unique_nip",
            ),
            models.CheckConstraint(
                condition=~Q(employment_type__in=["pns", "pppk"]) | Q(nip__isnull=False),
                name="organisasi_employee_nip_required_for_asn",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "is_active"]),
            # Covering (on PostgreSQL): the course report looks each enrolment's employee up by
            # user, for the unit, the active flag and the name, from the index alone.
            models.Index(
                fields=["user"],
                include=["unit", "is_active", "full_name"],
                name="organisasi_employee_user_cov",
            ),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.nip:
            self.nip = None
        if self.employment_type in self.NIP_REQUIRED and not self.nip:
            raise ValidationError({"nip": _("NIP wajib diisi untuk PNS dan PPPK.")})

    @property
    def nip_display(self) -> str:
        return self.nip or "-"


class EmployeeImport(models.Model):
    """One upload of an employee file, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang diproses")
        REJECTED = "rejected", _("Ditolak")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    file = models.FileField(_("berkas"), upload_to="impor-pegawai/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris diperiksa"), default=0)
    created_count = models.PositiveIntegerField(_("pegawai baru"), default=0)
    updated_count = models.PositiveIntegerField(_("pegawai diperbarui"), default=0)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai diproses"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor pegawai")
        verbose_name_plural = _("impor pegawai")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.REJECTED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)
