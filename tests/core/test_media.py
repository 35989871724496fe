"""Uploaded files are never served as active content: nosniff everywhere, downloads for anything
that is not an image, and Wagtail's own image upload refuses SVG, polyglots and pixel bombs."""

import importlib
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches, re_path, resolve, reverse
from PIL import Image, ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile

from lms.core.media import media_serve, media_urlpatterns
from lms.core.storage import S3MediaStorage
from tests.core.images import png_header_only

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'

pytestmark = pytest.mark.django_db  # the middleware looks up the site

# The development route, as `lms.urls` adds it when DEBUG is on (see the test at the end).
urlpatterns = [re_path(r"^media/(?P<path>.*)$", media_serve)]


def png(size=(4, 3)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_file(media_root):
    def put(path: str, content: bytes) -> str:
        target = media_root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return f"/media/{path}"

    return put


# The development server's /media/


@pytest.mark.urls(__name__)
def test_an_image_is_served_inline_with_nosniff(client, media_file):
    url = media_file("original_images/peta.png", png())

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("original_images/poc.html", png() + SCRIPT),  # the polyglot the old import stored
        ("original_images/logo.svg", SVG),
        ("impor-pegawai/2026/01/pegawai.csv", b"nama,email\n"),
        ("sertifikat/00001.pdf", b"%PDF-1.7"),
        ("original_images/tanpa-ekstensi", SCRIPT),
    ],
)
def test_anything_else_is_a_download_that_cannot_run(client, media_file, path, content):
    url = media_file(path, content)

    response = client.get(url)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == content


@pytest.mark.urls(__name__)
def test_an_html_file_named_png_is_not_sniffed_into_a_page(client, media_file):
    url = media_file("original_images/bukan-gambar.png", SCRIPT)

    response = client.get(url)

    assert response["Content-Type"] == "image/png"  # declared, never sniffed into text/html
    assert response["X-Content-Type-Options"] == "nosniff"


def test_lms_urls_serve_media_through_this_view_when_debug_is_on(settings):
    import lms.urls

    settings.DEBUG = True
    try:
        urls = importlib.reload(lms.urls)
        match = resolve("/media/original_images/poc.html", urlconf=urls)
    finally:
        settings.DEBUG = False
        importlib.reload(lms.urls)
        clear_url_caches()

    assert match.func is media_serve
    assert match.kwargs["path"] == "original_images/poc.html"


def test_there_is_no_media_route_without_debug():
    with override_settings(DEBUG=False):
        assert media_urlpatterns() == []


# Wagtail documents (/dokumen/)


def test_a_document_that_is_not_a_pdf_downloads_with_nosniff(client):
    document = get_document_model().objects.create(
        title="Catatan", file=ContentFile(SCRIPT, name="catatan.txt")
    )

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_pdf_document_opens_inline_but_may_embed_nothing(client):
    document = get_document_model().objects.create(
        title="Modul", file=ContentFile(b"%PDF-1.7\n", name="modul.pdf")
    )

    response = client.get(document.url)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


# S3-compatible object storage


@pytest.fixture
def bucket():
    return S3MediaStorage(
        bucket_name="lms-media",
        endpoint_url="https://objects.example.test",
        region_name="id-jkt-1",
        addressing_style="path",
        access_key="AKIDEXAMPLE",
        secret_key="not-a-real-secret",
        default_acl=None,
        querystring_auth=True,
    )


@pytest.mark.parametrize(
    "name", ["original_images/poc.html", "documents/modul.pdf", "impor-pegawai/pegawai.csv"]
)
def test_s3_objects_that_are_not_images_are_stored_and_linked_as_downloads(bucket, name):
    parameters = bucket._get_write_parameters(name, ContentFile(b"x", name=name))
    url = bucket.url(name)

    assert parameters["ContentDisposition"] == "attachment"
    assert "response-content-disposition=attachment" in url
    assert "X-Amz-Signature=" in url


def test_s3_images_stay_images(bucket):
    parameters = bucket._get_write_parameters("original_images/peta.png")

    assert parameters["ContentType"] == "image/png"
    assert "ContentDisposition" not in parameters
    assert "response-content-disposition" not in bucket.url("original_images/peta.png")


# Wagtail's own image upload


@pytest.fixture
def image_upload(client, admin_lms):
    client.force_login(admin_lms)

    def upload(name: str, content: bytes):
        return client.post(
            reverse("wagtailimages:add"),
            {
                "title": name,
                "file": SimpleUploadedFile(name, content),
                "collection": Collection.get_first_root_node().pk,
            },
        )

    return upload


def test_the_admin_accepts_a_png(image_upload):
    response = image_upload("peta.png", png())

    assert response.status_code == 302
    assert get_image_model().objects.get().file.name.endswith("peta.png")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("poc.html", png() + SCRIPT),
        ("logo.png", SVG),
        ("bom.png", png_header_only(20_000, 20_000)),
        ("besar.png", png_header_only(12_000, 12_000)),
        ("lebar.png", png_header_only(10_000, 6_000)),  # 60 megapixels: Wagtail's own limit is 128
    ],
)
def test_the_admin_refuses_svg_polyglots_and_pixel_bombs(image_upload, name, content):
    response = image_upload(name, content)

    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


# Every admin path that takes an image file stores it re-encoded (lms.core.image_forms)


def polyglot(fmt: str) -> bytes:
    """A valid image of `fmt` with a page after its end, as browsers sniff and Wagtail accepts."""
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, fmt)
    return buffer.getvalue() + SCRIPT


def stored(image) -> bytes:
    with image.file.open("rb") as handle:
        return handle.read()


def assert_clean(image, *, extension: str, fmt: str):
    content = stored(image)
    assert image.file.name.startswith("original_images/")
    assert image.file.name.endswith(f".{extension}")
    assert b"<script" not in content and b"<html" not in content
    with Image.open(BytesIO(content)) as shown:
        assert (shown.format, shown.size) == (fmt, (4, 3))
    assert image.file_size == len(content)  # metadata describes what is stored
    assert (image.width, image.height) == (4, 3)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("x.png", "PNG"),
        ("foto.jpg", "JPEG"),
        ("foto.jpeg", "JPEG"),
        ("a.gif", "GIF"),
        ("b.webp", "WEBP"),
    ],
)
def test_the_admin_stores_a_polyglot_re_encoded_without_its_page(image_upload, name, fmt):
    response = image_upload(name, polyglot(fmt))

    assert response.status_code == 302
    assert_clean(get_image_model().objects.get(), extension=name.rsplit(".", 1)[1], fmt=fmt)


@pytest.fixture
def truncated(monkeypatch):
    """A PNG cut short: its header passes Wagtail's checks, decoding it fails (a 500 before)."""
    # Pillow's default; WeasyPrint turns it on for the whole process when it is imported, and
    # then a truncated image is completed in grey instead (harmless once re-encoded).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    return png((40, 30))[:-40]


def test_the_admin_refuses_a_broken_image_in_indonesian(image_upload, truncated):

    response = image_upload("rusak.png", truncated)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Gambar 'rusak.png' rusak atau terpotong sehingga tidak dapat dibaca."
    ]
    assert not get_image_model().objects.exists()


def test_replacing_the_file_of_an_image_stores_it_re_encoded(client, admin_lms, image_upload):
    image_upload("peta.png", png())
    image = get_image_model().objects.get()

    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "Peta",
            "file": SimpleUploadedFile("x.png", polyglot("PNG")),
            "collection": image.collection_id,
        },
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert_clean(image, extension="png", fmt="PNG")


def test_editing_only_the_title_keeps_the_stored_file(client, admin_lms, image_upload):
    image_upload("peta.png", png())
    image = get_image_model().objects.get()
    before = (image.file.name, stored(image))

    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "Peta baru", "collection": image.collection_id},
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "Peta baru"
    assert (image.file.name, stored(image)) == before


def multiple_upload(client, name: str, content: bytes, **data):
    return client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content), **data},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def test_the_multiple_uploader_stores_a_polyglot_re_encoded(client, admin_lms):
    client.force_login(admin_lms)

    response = multiple_upload(client, "x.png", polyglot("PNG"))

    assert response.json()["success"] is True
    assert_clean(get_image_model().objects.get(), extension="png", fmt="PNG")


def test_the_multiple_uploader_refuses_a_broken_image_in_indonesian(client, admin_lms, truncated):
    client.force_login(admin_lms)

    response = multiple_upload(client, "rusak.png", truncated)

    assert response.json() == {
        "success": False,
        "error_message": "Gambar 'rusak.png' rusak atau terpotong sehingga tidak dapat dibaca.",
    }
    assert not get_image_model().objects.exists()


def test_the_multiple_uploaders_holding_place_keeps_only_the_re_encoded_file(client, admin_lms):
    # given: a title too long for the image, so the upload waits as an UploadedFile for the
    # edit form, and the image is later made from that file, not from the form's
    client.force_login(admin_lms)
    response = multiple_upload(client, "x.png", polyglot("PNG"), title="j" * 300)
    upload_id = response.json()["uploaded_file_id"]
    waiting = UploadedFile.objects.get(pk=upload_id)
    with waiting.file.open("rb") as handle:
        assert b"<script" not in handle.read()

    # when: the edit form is filled in
    response = client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_id]),
        {f"uploaded-image-{upload_id}-title": "Peta"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    # then
    assert response.json()["success"] is True
    assert_clean(get_image_model().objects.get(title="Peta"), extension="png", fmt="PNG")


def test_the_image_chooser_upload_stores_a_polyglot_re_encoded(client, admin_lms):
    client.force_login(admin_lms)

    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Peta",
            "image-chooser-upload-file": SimpleUploadedFile("x.png", polyglot("PNG")),
        },
    )

    assert response.status_code == 200
    assert response.json()["step"] == "chosen"
    assert_clean(get_image_model().objects.get(), extension="png", fmt="PNG")


def test_an_image_is_named_by_its_real_type(image_upload):
    response = image_upload("foto.png", polyglot("JPEG"))  # Wagtail alone refuses the mismatch

    assert response.status_code == 302
    assert_clean(get_image_model().objects.get(), extension="jpg", fmt="JPEG")


def test_an_upload_kept_in_a_temporary_file_is_re_encoded_too(image_upload, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to disk, as large ones do

    response = image_upload("x.png", polyglot("PNG"))

    assert response.status_code == 302
    assert_clean(get_image_model().objects.get(), extension="png", fmt="PNG")
