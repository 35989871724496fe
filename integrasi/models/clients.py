import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.organisasi.models import OrgUnit


class Scope(models.TextChoices):
    """What a service client may do. Reads are limited to the client's unit subtree."""

    READ_EMPLOYEES = "units_employees:read", _("Baca unit dan pegawai")
    WRITE_EMPLOYEES = "employees:write", _("Ubah data pegawai")
    READ_RECORDS = "records:read", _("Baca catatan belajar, JP dan sertifikat")
    WRITE_ENROLMENTS = "enrolments:write", _("Daftarkan peserta dan penugasan wajib")


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256. A token is 256 random bits, so a plain hash is
    as strong as a slow one and lets every request find its client by an indexed lookup."""
    return hashlib.sha256(token.encode()).hexdigest()


class ServiceClient(models.Model):
    """Another system (HR, SIASN's operators, a Bawaslu application) that calls the API with
    a bearer token. The token is shown once, when it is made; only its digest is kept."""

    name = models.CharField(_("nama aplikasi"), max_length=120, unique=True)
    description = models.TextField(_("keterangan"), blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cakupan unit"),
        help_text=_("Aplikasi hanya melihat unit ini beserta seluruh jajaran di bawahnya."),
    )
    scopes = models.JSONField(_("hak akses"), default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("batas permintaan per menit"), default=600
    )
    token_prefix = models.CharField(_("awalan token"), max_length=16, blank=True, editable=False)
    token_digest = models.CharField(
        _("sidik token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    token_created_at = models.DateTimeField(_("token dibuat"), null=True, blank=True)
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
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("aplikasi klien")
        verbose_name_plural = _("aplikasi klien")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or ())


# What a status code of the call log means, for an admin who does not read HTTP.
STATUS_MEANINGS = {
    200: _("berhasil"),
    201: _("dibuat"),
    400: _("permintaan salah"),
    401: _("token tidak sah"),
    403: _("hak akses kurang"),
    404: _("tidak ditemukan"),
    405: _("cara panggil tidak didukung"),
    409: _("belum dapat dilayani"),
    410: _("sudah tidak berlaku"),
    413: _("isi terlalu besar"),
    415: _("jenis isi salah"),
    422: _("data tidak sah"),
    429: _("terlalu banyak permintaan"),
    500: _("kesalahan sistem"),
}


class ApiCall(models.Model):
    """One call to the API: who, what, how it ended, how long it took. Never the body, the
    query string or a header: they may carry personal data or a token."""

    client = models.ForeignKey(
        ServiceClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("aplikasi klien"),
    )
    method = models.CharField(_("metode"), max_length=8)
    path = models.CharField(_("alamat"), max_length=300)
    status = models.PositiveSmallIntegerField(_("kode status"))
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    # A log row refers to nothing an editor uses: without this, Wagtail's reference index
    # would read and write its own table (in a transaction) after every call's INSERT.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("log panggilan API")
        verbose_name_plural = _("log panggilan API")
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"], name="integrasi_apicall_client_at")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"

    @property
    def client_label(self) -> str:
        """The client's name, or what a call without a valid token was."""
        return self.client.name if self.client_id else str(_("Tanpa token / tidak dikenal"))

    @property
    def status_label(self) -> str:
        """The status code with its meaning in words ("404 · tidak ditemukan")."""
        meaning = STATUS_MEANINGS.get(self.status)
        return f"{self.status} · {meaning}" if meaning else str(self.status)
