"""Replace Wagtail's placeholder welcome page with our home page and point the site at it."""

from django.db import migrations

BODY = (
    "<h2>Apa yang ada di sini</h2>"
    "<ul>"
    "<li>Kursus mandiri tentang Indeks Kerawanan Pemilu, standar kualitas data, dan bimbingan "
    "teknis pengawasan di TPS, dengan modul, materi, dan kuis.</li>"
    "<li>Catatan jam pelajaran (JP) Anda sepanjang tahun terhadap target 20 JP pengembangan "
    "kompetensi ASN.</li>"
    "<li>Sertifikat elektronik yang dapat diverifikasi siapa pun melalui kode QR.</li>"
    "</ul>"
    "<p>Akun dibuat oleh Admin LMS di unit Anda. Jika belum menerima email undangan, hubungi "
    "pengelola kepegawaian di sekretariat Bawaslu setempat.</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("beranda", "HomePage")

    placeholder_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=placeholder_type, depth=2, slug="home").delete()
    home_type, _ = ContentType.objects.get_or_create(app_label="beranda", model="homepage")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="LMS Bawaslu",
        draft_title="LMS Bawaslu",
        seo_title="LMS Bawaslu: pengembangan kompetensi pengawas pemilu",
        slug="beranda",
        content_type=home_type,
        path=root.path + "0001",
        depth=2,
        numchild=0,
        url_path="/beranda/",
        locale=Locale.objects.order_by("pk").first(),
        live=True,
        lead=(
            "Pusat belajar mandiri bagi jajaran pengawas pemilu, dari Bawaslu RI sampai "
            "Pengawas TPS."
        ),
        body=BODY,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="LMS Bawaslu"
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("beranda", "HomePage").objects.filter(depth=2, slug="beranda").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("beranda", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
