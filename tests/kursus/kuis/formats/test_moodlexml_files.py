"""A Moodle XML file from outside: what its embedded files may be, and how large it may grow."""

import base64
import time
import tracemalloc
from io import BytesIO

import pytest
from PIL import Image
from wagtail.images import get_image_model

from kursus.kuis.bank import question_import
from kursus.kuis.formats import MAX_QUESTIONS, QuestionFileError, parse_questions
from kursus.kuis.formats.moodlexml import (
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_EMBEDDED_FILE_BYTES,
    MAX_EMBEDDED_FILES,
)
from kursus.models import Question, QuestionCategory
from tests.core.images import png_header_only

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def encoded(fmt: str, color: str = "teal", size=(4, 3)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def question(name: str, *, file_name: str | None = None, data: bytes = b"", line_text="") -> str:
    embedded = ""
    text = f"Teks {name}"
    if file_name is not None:
        text = f'<p>{line_text}<img src="@@PLUGINFILE@@/{file_name}"></p>'
        embedded = (
            f'<file name="{file_name}" path="/" encoding="base64">'
            f"{base64.b64encode(data).decode()}</file>"
        )
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text><![CDATA[{text}]]></text>{embedded}</questiontext>'
        '<answer fraction="100"><text>ya</text></answer><answer><text>tidak</text></answer>'
        "</question>\n"
    )


def quiz(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "".join(questions) + "</quiz>\n"
    ).encode()


def parse(content: bytes):
    return parse_questions(content, fmt="moodlexml")


def test_html_png_polyglot_named_poc_html_skips_its_question_and_names_the_file():
    # given: the file the attack planted, and a good question beside it
    content = quiz(
        question("Peta", file_name="peta.png", data=encoded("PNG")),
        question("Jebakan", file_name="poc.html", data=encoded("PNG") + SCRIPT),
    )

    # when
    result = parse(content)

    # then
    assert [q.name for q in result.questions] == ["Peta"]
    assert list(result.questions[0].images) == ["peta.png"]
    [skipped] = result.skipped
    assert skipped.name == "Jebakan"
    assert "poc.html" in skipped.reason
    assert "ditolak" in skipped.reason


def test_svg_with_script_skips_its_question():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    result = parse(quiz(question("Logo", file_name="logo.svg", data=svg)))

    assert result.questions == []
    assert "logo.svg" in result.skipped[0].reason


def test_svg_named_png_skips_its_question():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    result = parse(quiz(question("Logo", file_name="logo.png", data=svg)))

    assert result.questions == []
    assert "bukan gambar JPEG, PNG, GIF atau WebP" in result.skipped[0].reason


def test_polyglot_png_is_stored_re_encoded_without_the_page():
    result = parse(quiz(question("Peta", file_name="peta.png", data=encoded("PNG") + SCRIPT)))

    stored = result.questions[0].images["peta.png"]
    assert stored.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"script" not in stored


def test_a_jpeg_named_png_is_stored_as_jpg_and_the_text_follows():
    result = parse(quiz(question("Foto", file_name="foto.png", data=encoded("JPEG"))))

    [parsed] = result.questions
    assert list(parsed.images) == ["foto.jpg"]
    assert parsed.images["foto.jpg"].startswith(b"\xff\xd8")
    assert '<img src="@@PLUGINFILE@@/foto.jpg">' in parsed.text


def test_a_400_megapixel_png_is_refused_fast_with_a_clear_reason():
    content = quiz(question("Bom", file_name="bom.png", data=png_header_only(20_000, 20_000)))

    started = time.process_time()
    result = parse(content)

    assert time.process_time() - started < 2
    assert result.questions == []
    assert "bom.png" in result.skipped[0].reason
    assert "50 megapiksel" in result.skipped[0].reason


def test_a_144_megapixel_png_is_refused_too():
    result = parse(
        quiz(question("Besar", file_name="besar.png", data=png_header_only(12_000, 12_000)))
    )

    assert "12000 x 12000 piksel" in result.skipped[0].reason


def test_an_embedded_file_over_the_cap_is_refused_before_it_is_decoded():
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_EMBEDDED_FILE_BYTES

    result = parse(quiz(question("Besar", file_name="besar.png", data=data)))

    assert result.questions == []
    assert result.skipped[0].reason == "Berkas 'besar.png' terlalu besar (2 MB); batasnya 2 MB."


def test_billion_laughs_is_refused_within_bounded_time_and_memory():
    entities = ['<!ENTITY a0 "ha">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 30)
    ]
    content = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n' + "\n".join(entities) + "\n]>\n"
        "<quiz><question type='truefalse'><name><text>&a29;</text></name></question></quiz>"
    ).encode()

    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(QuestionFileError, match="DOCTYPE"):
            parse(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert time.process_time() - started < 1
    assert peak < 5 * 1024 * 1024


def test_more_questions_than_the_limit_stop_the_parse_at_the_first_one_too_many():
    content = quiz(*(question(f"Soal {n}") for n in range(MAX_QUESTIONS + 1)))

    with pytest.raises(QuestionFileError) as caught:
        parse(content)

    assert f"lebih dari {MAX_QUESTIONS} soal" in str(caught.value)
    assert caught.value.line == MAX_QUESTIONS + 3  # the declaration, <quiz>, then one per line


def test_categories_do_not_count_as_questions():
    categories = "<question type='category'><category><text>x</text></category></question>\n"

    result = parse(quiz(categories * (MAX_QUESTIONS + 1), question("Soal")))

    assert [q.name for q in result.questions] == ["Soal"]


def test_a_file_of_empty_elements_is_refused_with_bounded_memory():
    content = b"<quiz>" + b"<a/>" * (MAX_ELEMENTS + 10) + b"</quiz>"

    tracemalloc.start()
    try:
        with pytest.raises(QuestionFileError, match="elemen XML"):
            parse(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 100 * 1024 * 1024


def test_deep_nesting_is_refused():
    content = b"<quiz>" + b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH + b"</quiz>"

    with pytest.raises(QuestionFileError, match=f"lebih dari {MAX_DEPTH} tingkat"):
        parse(content)


def test_a_question_link_to_an_uploaded_file_is_dropped():
    text = (
        '<a href="@@PLUGINFILE@@/poc.html">unduh</a> <a href="/media/original_images/poc.html">'
        'lihat</a> <a href="https://bawaslu.go.id/ikp">IKP</a>'
    )
    content = quiz(question("Tautan").replace("Teks Tautan", text))

    [parsed] = parse(content).questions

    assert parsed.text == '<a>unduh</a> <a>lihat</a> <a href="https://bawaslu.go.id/ikp">IKP</a>'


def one_bit_png(width: int, height: int) -> bytes:
    """A real, decodable 1-bit PNG: 7000 x 7000 (49 megapixels) compresses to about 6 KB."""
    buffer = BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_25_images_of_49_megapixels_refuse_the_file_within_seconds_and_save_nothing(media_root):
    # given: the attack, 25 questions each with a 49-megapixel PNG of a few kilobytes; every
    # image alone is under the 50-megapixel limit, together they are 1225 megapixels
    bomb = one_bit_png(7000, 7000)
    content = quiz(
        *(question(f"Soal {n}", file_name=f"peta-{n}.png", data=bomb) for n in range(25))
    )
    assert len(content) < 300 * 1024

    # when
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(QuestionFileError) as caught:
            question_import(content=content, fmt="moodlexml", category="Bom gambar")
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # then: refused at the third image (2 x 49 = 98 megapixels fit), naming the limit, the
    # image, its question and its line; nothing is saved
    message = str(caught.value)
    assert "batas total 100 megapiksel per berkas" in message
    assert "'peta-2.png' di soal 'Soal 2'" in message
    assert caught.value.line == 5  # the declaration, <quiz>, then one question per line
    assert not QuestionCategory.objects.exists()
    assert not Question.objects.exists()
    assert not get_image_model().objects.exists()
    assert not (media_root / "original_images").exists()
    print(f"refused in {elapsed:.2f} s, Python heap peak {peak / 1024 / 1024:.1f} MB")
    assert elapsed < 10  # decoding all 25 took 7-40 s; the refusal decodes two
    assert peak < 50 * 1024 * 1024


@pytest.mark.django_db
def test_several_images_under_the_budget_still_import(media_root):
    # given: five 16-megapixel images, 80 megapixels in all
    image = one_bit_png(4000, 4000)
    content = quiz(
        *(question(f"Soal {n}", file_name=f"peta-{n}.png", data=image) for n in range(5))
    )

    # when
    report = question_import(content=content, fmt="moodlexml", category="Peta")

    # then
    assert [q.title for q in report.created] == [f"Soal {n}" for n in range(5)]
    assert report.skipped == []
    images = get_image_model().objects.order_by("id")
    assert [(i.width, i.height) for i in images] == [(4000, 4000)] * 5


def test_the_total_budget_is_the_setting(settings):
    settings.LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS = 1_500_000
    image = one_bit_png(1000, 1000)

    assert len(parse(quiz(question("A", file_name="a.png", data=image))).questions) == 1
    with pytest.raises(QuestionFileError, match="batas total 1,5 megapiksel"):
        parse(quiz(*(question(n, file_name=f"{n}.png", data=image) for n in "AB")))


def test_an_image_refused_on_its_own_spends_nothing_of_the_budget():
    # given: a 144-megapixel header (skipped, never decoded) before two images of 49 megapixels
    content = quiz(
        question("Besar", file_name="besar.png", data=png_header_only(12_000, 12_000)),
        *(
            question(f"Peta {n}", file_name="peta.png", data=one_bit_png(7000, 7000))
            for n in (1, 2)
        ),
    )

    result = parse(content)

    assert [q.name for q in result.questions] == ["Peta 1", "Peta 2"]
    assert [q.name for q in result.skipped] == ["Besar"]


def test_more_embedded_files_than_the_cap_refuse_the_file_before_decoding_the_last():
    tiny = encoded("PNG")
    content = quiz(
        *(
            question(f"Soal {n}", file_name=f"f-{n}.png", data=tiny)
            for n in range(MAX_EMBEDDED_FILES + 1)
        )
    )

    with pytest.raises(QuestionFileError) as caught:
        parse(content)

    assert f"lebih dari {MAX_EMBEDDED_FILES} gambar tersemat" in str(caught.value)
    assert f"'f-{MAX_EMBEDDED_FILES}.png' di soal 'Soal {MAX_EMBEDDED_FILES}'" in str(caught.value)
    assert caught.value.line == MAX_EMBEDDED_FILES + 3
