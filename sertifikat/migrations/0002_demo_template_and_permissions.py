"""The default certificate template (so a course can issue certificates from the first
start) and Admin LMS's permissions on certificates."""

from django.db import migrations

from lms.migration_support import ensure_permissions

ADMIN_PERMISSIONS = [
    "view_certificate",
    "view_certificatetemplate",
    "add_certificatetemplate",
    "change_certificatetemplate",
    "view_verificationlog",
    "view_certificatearchive",
    "add_certificatearchive",
]

BODY = (
    "telah menyelesaikan kursus daring {kursus} ({kode_kursus}) pada Learning Management "
    "System Badan Pengawas Pemilihan Umum dengan beban belajar {jp} jam pelajaran (JP), "
    "dinyatakan selesai pada tanggal {tanggal_selesai}."
)
FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik. "
    "Keaslian dokumen dapat diperiksa dengan memindai kode QR atau membuka alamat verifikasi "
    "yang tercantum. Sesuai Pasal 5 ayat (1) Undang-Undang Nomor 11 Tahun 2008 tentang "
    "Informasi dan Transaksi Elektronik, dokumen elektronik dan/atau hasil cetaknya merupakan "
    "alat bukti hukum yang sah."
)


def create(apps, schema_editor):
    Template = apps.get_model("sertifikat", "CertificateTemplate")
    Signatory = apps.get_model("sertifikat", "CertificateSignatory")
    if not Template.objects.exists():
        template = Template.objects.create(
            name="Sertifikat LMS Bawaslu (bawaan)",
            is_default=True,
            layout="a4-landscape",
            issuer_name="Badan Pengawas Pemilihan Umum Republik Indonesia",
            issuer_unit="Pusat Penelitian, Pengembangan, Pendidikan, dan Pelatihan",
            title_text="SERTIFIKAT",
            subtitle_text="Pelatihan Daring Pengawas Pemilu",
            recipient_intro="diberikan kepada",
            body_text=BODY,
            place_of_issue="Jakarta",
            footer_text=FOOTER,
            number_format="{NNNNN}/SERT/LMS-BAWASLU/{MM}/{YYYY}",
        )
        # A fictional signatory for the demo: replace with the real official in the admin.
        Signatory.objects.create(
            template=template,
            sort_order=0,
            name="Dr. Contoh Nama Pejabat, S.H., M.H.",
            position="Kepala Pusat Penelitian, Pengembangan, Pendidikan, dan Pelatihan",
            nip="197001011995031001",
        )
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Admin LMS").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="sertifikat", codename__in=ADMIN_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sertifikat", "0001_initial"),
        ("organisasi", "0002_roles"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
