"""Images from outside: only JPEG, PNG, GIF and WebP, re-encoded, named by their real type, and
refused above the pixel budget before a pixel is decoded."""

import time
from io import BytesIO

import pytest
from PIL import Image, ImageFile, PngImagePlugin

from lms.core.images import ImageRefused, image_clean
from tests.core.images import encoded, png_header_only

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


def shown(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(BytesIO(data)) as image:
        return image.format, image.size, image.convert("RGBA").tobytes()


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(ImageRefused) as caught:
        image_clean(data, name=name)
    return caught.value.message


def test_html_png_polyglot_named_html_is_refused():
    message = refusal(encoded("PNG") + SCRIPT, "poc.html")

    assert "poc.html" in message
    assert "ditolak" in message


def test_polyglot_named_png_is_re_encoded_without_its_html():
    # given: a real PNG with a page after its end, and another in a text chunk
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    polyglot = encoded("PNG", pnginfo=info) + SCRIPT

    # when
    clean = image_clean(polyglot, name="peta.png")

    # then
    assert clean.name == "peta.png"
    assert b"script" not in clean.content
    assert clean.content.endswith(b"IEND\xaeB`\x82")
    assert shown(clean.content) == shown(encoded("PNG"))


@pytest.mark.parametrize("name", ["logo.svg", "logo.png", "logo"])
def test_svg_with_script_is_refused_whatever_its_name(name):
    message = refusal(SVG, name)

    assert name in message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 bukan gambar", "lampiran.pdf"),
        (encoded("BMP"), "gambar.png"),
        (encoded("TIFF"), "gambar.jpg"),
        (b"", "kosong.png"),
    ],
)
def test_anything_but_jpeg_png_gif_webp_is_refused(data, name):
    assert name in refusal(data, name)


@pytest.mark.parametrize(
    ("fmt", "name", "stored"),
    [
        ("JPEG", "foto.png", "foto.jpg"),
        ("PNG", "grafik.JPG", "grafik.png"),
        ("GIF", "animasi", "animasi.gif"),
        ("WEBP", "peta.gif", "peta.webp"),
        ("JPEG", "foto.JPEG", "foto.jpeg"),
        ("PNG", "peta ikp.PNG", "peta ikp.png"),
    ],
)
def test_the_stored_name_carries_the_extension_of_the_real_type(fmt, name, stored):
    clean = image_clean(encoded(fmt), name=name)

    assert clean.name == stored
    assert clean.format == fmt
    assert shown(clean.content)[0] == fmt


def test_a_400_megapixel_png_is_refused_before_decoding():
    # given: 20000 x 20000 pixels declared, a few hundred bytes on disk
    bomb = png_header_only(20_000, 20_000)

    # when
    started = time.process_time()
    message = refusal(bomb, "bom.png")

    # then
    assert time.process_time() - started < 1
    assert "bom.png" in message
    assert "50 megapiksel" in message


def test_a_144_megapixel_png_is_refused_with_its_size():
    message = refusal(png_header_only(12_000, 12_000), "besar.png")

    assert "12000 x 12000 piksel" in message
    assert "144,0 megapiksel" in message
    assert "batas 50 megapiksel" in message


def test_the_pixel_budget_is_the_wagtail_setting(settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100

    assert image_clean(encoded("PNG", size=(10, 10)), name="pas.png").width == 10
    assert "10 x 11 piksel" in refusal(encoded("PNG", size=(10, 11)), "lebih.png")


def test_animation_frames_count_against_the_budget(settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100
    frames = [
        Image.new("RGB", (5, 5), color) for color in ("red", "green", "blue", "white", "black")
    ]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=40)

    assert "5 bingkai" in refusal(buffer.getvalue(), "animasi.gif")


def test_an_animated_gif_keeps_its_frames_and_timing():
    frames = [Image.new("RGB", (6, 4), color) for color in ("red", "green", "blue")]
    buffer = BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[50, 60, 70],
        loop=0,
        comment=SCRIPT,
    )

    clean = image_clean(buffer.getvalue(), name="animasi.gif")

    assert b"script" not in clean.content
    with Image.open(BytesIO(clean.content)) as image:
        durations = []
        for index in range(image.n_frames):
            image.seek(index)
            durations.append(image.info["duration"])
    assert durations == [50, 60, 70]


def test_jpeg_metadata_goes_and_the_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010E] = SCRIPT.decode()  # ImageDescription

    clean = image_clean(encoded("JPEG", size=(40, 20), exif=exif.tobytes()), name="foto.jpg")

    assert (clean.width, clean.height) == (20, 40)
    assert b"script" not in clean.content
    with Image.open(BytesIO(clean.content)) as image:
        assert not image.getexif()


def test_a_truncated_image_is_refused(monkeypatch):
    # Pillow's default; WeasyPrint turns it on for the whole process when it is imported, and
    # then a truncated image is completed in grey instead (harmless once re-encoded).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    buffer = BytesIO()
    Image.effect_noise((200, 200), 64).save(buffer, "PNG")

    message = refusal(buffer.getvalue()[: buffer.tell() // 2], "potong.png")

    assert "potong.png" in message
    assert "rusak" in message


def test_a_byte_limit_is_checked_first():
    data = encoded("PNG", size=(300, 300), color="red")

    with pytest.raises(ImageRefused, match=r"'x\.png' terlalu besar"):
        image_clean(data, name="x.png", max_bytes=len(data) - 1)


class Stop(Exception):
    pass


def test_before_decode_hears_the_header_pixels_before_any_pixel_is_decoded():
    # given: a PNG that declares 7000 x 7000 pixels and holds one row, so decoding it would fail
    heard = []

    def budget(pixels: int) -> None:
        heard.append(pixels)
        raise Stop

    # when / then: the budget stops it first, with the pixels from the header
    with pytest.raises(Stop):
        image_clean(png_header_only(7000, 7000), name="peta.png", before_decode=budget)
    assert heard == [49_000_000]


def test_before_decode_counts_every_frame():
    frames = [Image.new("RGB", (6, 4), color) for color in ("red", "green", "blue")]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    heard = []

    clean = image_clean(buffer.getvalue(), name="animasi.gif", before_decode=heard.append)

    assert heard == [6 * 4 * 3]
    assert clean.format == "GIF"


def test_before_decode_is_not_asked_for_an_image_refused_on_its_own():
    heard = []

    with pytest.raises(ImageRefused, match="batas 50 megapiksel"):
        image_clean(png_header_only(12_000, 12_000), name="besar.png", before_decode=heard.append)
    assert heard == []


def test_a_still_png_decoded_in_place_keeps_its_pixels_and_transparency():
    image = Image.new("P", (30, 20), 1)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.paste(0, (0, 0, 10, 20))
    buffer = BytesIO()
    image.save(buffer, "PNG", transparency=0)

    clean = image_clean(buffer.getvalue(), name="x.png")

    assert shown(clean.content) == shown(buffer.getvalue())
    assert shown(clean.content)[2][:4] == b"\x00\x00\x00\x00"  # the transparent pixel
