"""The attack from the issue, through the admin page: a Moodle XML file that plants an HTML/PNG
polyglot, an SVG with script or a pixel bomb as a Wagtail image. Only real raster images are
stored, re-encoded and named by their type; the rest is named in the report, never a 500."""

import base64
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from kursus.models import Question
from tests.core.images import png_header_only

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def encoded(fmt: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, fmt)
    return buffer.getvalue()


def question(title: str, file_name: str, data: bytes) -> str:
    return (
        f'<question type="truefalse"><name><text>{title}</text></name>'
        '<questiontext format="html"><text><![CDATA[<p>Lihat gambar '
        f'<img src="@@PLUGINFILE@@/{file_name}"> <a href="@@PLUGINFILE@@/{file_name}">unduh</a>'
        f'</p>]]></text><file name="{file_name}" encoding="base64">'
        f"{base64.b64encode(data).decode()}</file></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>\n'
    )


def import_page(client, user, content: bytes):
    client.force_login(user)
    return client.post(
        reverse("kursus_bank:import"),
        {
            "file": SimpleUploadedFile("bank.xml", content),
            "fmt": "moodlexml",
            "new_category": "Impor gambar",
        },
    )


def test_only_real_images_reach_the_media_folder(client, trainer, media_root):
    # given: the polyglot, an SVG with script, a JPEG named .png, and two pixel bombs
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        + question("Polyglot", "poc.html", encoded("PNG") + SCRIPT)
        + question("Logo", "logo.svg", SVG)
        + question("Foto", "foto.png", encoded("JPEG"))
        + question("Bom", "bom.png", png_header_only(20_000, 20_000))
        + question("Besar", "besar.png", png_header_only(12_000, 12_000))
        + "</quiz>\n"
    ).encode()

    # when
    response = import_page(client, trainer, content)

    # then: the page answers and names every refused file
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 soal baru" in page
    for name in ("poc.html", "logo.svg", "bom.png", "besar.png"):
        assert f"&#x27;{name}&#x27;" in page, name
    assert "melebihi batas 50 megapiksel" in page
    # only the JPEG was stored, as a JPEG named .jpg
    [image] = get_image_model().objects.all()
    assert image.file.name.startswith("original_images/foto")
    assert image.file.name.endswith(".jpg")
    with image.file.open("rb") as stored:
        assert stored.read(3) == b"\xff\xd8\xff"
    stored_names = [p.name for p in media_root.rglob("*") if p.is_file()]
    assert not any(name.endswith((".html", ".svg")) for name in stored_names)
    # and the question shows the image but links to no uploaded file
    [saved] = Question.objects.filter(category__name="Impor gambar")
    assert f'<img src="{image.file.url}">' in saved.text
    assert "<a>unduh</a>" in saved.text
