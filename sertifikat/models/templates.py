"""Certificate templates: what a certificate looks like, chosen per course."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

DEFAULT_NUMBER_FORMAT = "{NNNNN}/SERT/LMS-BAWASLU/{MM}/{YYYY}"
DEFAULT_FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik. "
    "Keaslian dokumen dapat diperiksa dengan memindai kode QR atau membuka alamat verifikasi "
    "yang tercantum. Sesuai Pasal 5 ayat (1) Undang-Undang Nomor 11 Tahun 2008 tentang "
    "Informasi dan Transaksi Elektronik, dokumen elektronik dan/atau hasil cetaknya merupakan "
    "alat bukti hukum yang sah."
)
DEFAULT_BODY = (
    "telah menyelesaikan kursus daring {kursus} ({kode_kursus}) pada Learning Management "
    "System Badan Pengawas Pemilihan Umum dengan beban belajar {jp} jam pelajaran (JP), "
    "dinyatakan selesai pada tanggal {tanggal_selesai}."
)
# What a body text may say, each replaced by the frozen value of the certificate.
BODY_PLACEHOLDERS = {
    "nama": _("nama peserta"),
    "nip": _("NIP"),
    "jabatan": _("jabatan"),
    "unit": _("unit kerja"),
    "kursus": _("judul kursus"),
    "kode_kursus": _("kode kursus"),
    "jp": _("jumlah JP"),
    "tanggal_selesai": _("tanggal selesai"),
    "nilai": _("nilai akhir"),
    "angkatan": _("angkatan program"),
    "periode": _("periode angkatan"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_NUMBER_TOKEN = re.compile(r"\{(N+|MM|YYYY|KODE)\}")


def validate_body_text(value: str) -> None:
    unknown = sorted({m for m in _PLACEHOLDER.findall(value) if m not in BODY_PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Penanda tidak dikenal: %(names)s. Yang tersedia: %(known)s."),
            params={
                "names": ", ".join(f"{{{n}}}" for n in unknown),
                "known": ", ".join(f"{{{n}}}" for n in BODY_PLACEHOLDERS),
            },
        )


def validate_number_format(value: str) -> None:
    if not re.search(r"\{N+\}", value):
        raise ValidationError(_("Format nomor harus memuat nomor urut, misalnya {NNNNN}."))
    # The serial restarts every year and a number is unique across years: without the year
    # in it, the second year's first number would repeat the first year's.
    if "{YYYY}" not in value:
        raise ValidationError(
            _(
                "Format nomor harus memuat tahun {YYYY}: nomor urut dimulai lagi dari 1 setiap "
                "tahun, jadi tanpa tahun nomor tahun berikutnya akan sama dengan nomor tahun ini."
            )
        )
    leftover = _NUMBER_TOKEN.sub("", value)
    if "{" in leftover or "}" in leftover:
        raise ValidationError(_("Penanda yang tersedia hanya {NNNNN}, {MM}, {YYYY} dan {KODE}."))


def format_number(template: str, *, serial: int, year: int, month: int, course_code: str) -> str:
    """`{NNNNN}/SERT/LMS-BAWASLU/{MM}/{YYYY}` with serial 7 in November 2026 gives
    `00007/SERT/LMS-BAWASLU/11/2026`; the run of N sets the zero padding."""

    def token(match: re.Match) -> str:
        name = match.group(1)
        if name == "MM":
            return f"{month:02d}"
        if name == "YYYY":
            return f"{year:04d}"
        if name == "KODE":
            return course_code
        return f"{serial:0{len(name)}d}"

    return _NUMBER_TOKEN.sub(token, template)


class CertificateTemplate(ClusterableModel):
    """The look and wording of a certificate. Certificates freeze the version they were
    rendered with; editing a template changes only certificates rendered afterwards."""

    class Layout(models.TextChoices):
        A4_LANDSCAPE = "a4-landscape", _("A4 mendatar (landscape)")
        A4_PORTRAIT = "a4-portrait", _("A4 tegak (portrait)")

    name = models.CharField(_("nama templat"), max_length=120, unique=True)
    is_default = models.BooleanField(
        _("templat bawaan"),
        default=False,
        help_text=_("Dipakai kursus yang tidak memilih templat sendiri."),
    )
    layout = models.CharField(
        _("tata letak"), max_length=16, choices=Layout.choices, default=Layout.A4_LANDSCAPE
    )
    background_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gambar latar"),
        help_text=_("Opsional; tanpa gambar latar dipakai bingkai bawaan."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("Opsional; tanpa logo dipakai logo LMS Bawaslu."),
    )
    issuer_name = models.CharField(
        _("nama lembaga"),
        max_length=200,
        default="Badan Pengawas Pemilihan Umum Republik Indonesia",
    )
    issuer_unit = models.CharField(
        _("unit penyelenggara"),
        max_length=200,
        blank=True,
        default="Pusat Penelitian, Pengembangan, Pendidikan, dan Pelatihan",
    )
    title_text = models.CharField(_("judul"), max_length=80, default="SERTIFIKAT")
    subtitle_text = models.CharField(
        _("subjudul"), max_length=160, blank=True, default="Pelatihan Daring Pengawas Pemilu"
    )
    recipient_intro = models.CharField(
        _("pengantar penerima"), max_length=120, default="diberikan kepada"
    )
    body_text = models.TextField(
        _("teks isi"),
        default=DEFAULT_BODY,
        validators=[validate_body_text],
        help_text=_(
            "Penanda yang diganti nilai sertifikat: {nama}, {nip}, {jabatan}, {unit}, "
            "{kursus}, {kode_kursus}, {jp}, {tanggal_selesai}, {nilai}; untuk sertifikat "
            "program juga {angkatan} dan {periode}."
        ),
    )
    place_of_issue = models.CharField(_("tempat terbit"), max_length=80, default="Jakarta")
    footer_text = models.TextField(_("teks kaki"), blank=True, default=DEFAULT_FOOTER)
    number_format = models.CharField(
        _("format nomor"),
        max_length=80,
        default=DEFAULT_NUMBER_FORMAT,
        validators=[validate_number_format],
        help_text=_(
            "{NNNNN}: nomor urut per tahun (jumlah N = jumlah digit), {MM}: bulan, "
            "{YYYY}: tahun, {KODE}: kode kursus."
        ),
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("is_default"), FieldPanel("layout")],
            heading=_("Templat"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldPanel("background_image"),
                FieldPanel("issuer_name"),
                FieldPanel("issuer_unit"),
                FieldPanel("title_text"),
                FieldPanel("subtitle_text"),
                FieldPanel("recipient_intro"),
                FieldPanel("body_text"),
            ],
            heading=_("Isi"),
        ),
        MultiFieldPanel(
            [FieldPanel("place_of_issue"), FieldPanel("number_format"), FieldPanel("footer_text")],
            heading=_("Penerbitan"),
        ),
        InlinePanel("signatories", label=_("Penanda tangan"), min_num=1, max_num=3),
    ]

    class Meta:
        verbose_name = _("templat sertifikat")
        verbose_name_plural = _("templat sertifikat")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="sertifikat_certificatetemplate_one_default",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = (
                CertificateTemplate.objects.filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
        if self.is_default:
            CertificateTemplate.objects.filter(is_default=True).exclude(pk=self.pk).update(
                is_default=False
            )
        super().save(*args, **kwargs)


class CertificateSignatory(Orderable):
    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("nama"), max_length=120)
    position = models.CharField(_("jabatan"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gambar tanda tangan"),
        help_text=_("Opsional; tanpa gambar dicetak blok tanda tangan elektronik."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("position"),
        FieldPanel("nip"),
        FieldPanel("signature_image"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("penanda tangan")
        verbose_name_plural = _("penanda tangan")

    def __str__(self):
        return f"{self.name} ({self.position})"
