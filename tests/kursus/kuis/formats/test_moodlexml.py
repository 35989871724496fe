import base64
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

from kursus.kuis.formats import ParsedPair, QuestionFileError, parse_questions

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def picture(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    """What an image shows: its format, its size and its pixels."""
    with Image.open(BytesIO(data)) as image:
        return image.format, image.size, image.convert("RGBA").tobytes()


def encoded(fmt: str, color: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (3, 2), color).save(buffer, fmt)
    return buffer.getvalue()


def parse(xml: str):
    return parse_questions(xml.encode("utf-8"), fmt="moodlexml")


def question_xml(body: str, qtype: str = "multichoice") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="{qtype}">\n'
        f"<name><text>Soal</text></name>\n"
        f'<questiontext format="html"><text>Teks soal</text></questiontext>\n{body}\n'
        "</question>\n</quiz>\n"
    )


def test_sample_file_gives_every_supported_kind(data_file):
    # when
    result = parse_questions(data_file("soal-lengkap.xml"), fmt="moodlexml")

    # then
    kinds = [(q.line, q.kind, q.name) for q in result.questions]
    assert kinds == [
        (11, "single", "Kategori skor 72"),
        (56, "multiple", "Sumber data IKP"),
        (87, "truefalse", "IKP deteksi dini"),
        (113, "short", "Peraturan Satu Data"),
        (140, "matching", "Dimensi pemetaan Pilkada"),
    ]
    single, multiple, true_false, short, matching = result.questions
    assert single.points == Decimal(2)
    assert single.general_feedback == "<p>Ambang rawan tinggi provinsi adalah 68,5\u2013100.</p>"
    assert [(o.text, o.fraction) for o in single.options] == [
        ("<p>Rawan rendah</p>", Decimal(0)),
        ("<p>Rawan sedang</p>", Decimal(0)),
        ("<p>Rawan tinggi</p>", Decimal(1)),
        ("<p><a>Tidak rawan</a></p>", Decimal(0)),  # javascript: link removed
    ]
    assert single.options[2].feedback == "<p>Tepat.</p>"
    assert [o.fraction for o in multiple.options] == [Decimal("0.3333")] * 3 + [Decimal(-1)]
    assert multiple.options[3].feedback == "Bukan sumber resmi."
    assert [(o.text, o.fraction, o.feedback) for o in true_false.options] == [
        ("Benar", Decimal(1), "Benar, IKP berfungsi sebagai early warning system."),
        ("Salah", Decimal(0), "Coba baca lagi Modul 1."),
    ]
    # the zero-credit answer only carried feedback and is not an accepted answer
    assert [o.text for o in short.options] == ["7/2024", "7 tahun 2024"]
    assert matching.points == Decimal(3)
    assert matching.pairs == [
        ParsedPair("<p>Aceh</p>", "Sosial politik"),
        ParsedPair("<p>Kepulauan Riau</p>", "Pencalonan"),
        ParsedPair("<p>Papua</p>", "Pungut hitung"),
        ParsedPair("", "Partisipasi"),
    ]


def test_embedded_files_become_images_and_html_is_sanitised(data_file):
    result = parse_questions(data_file("soal-lengkap.xml"), fmt="moodlexml")

    question = result.questions[0]
    assert list(question.images) == ["peta ikp.png"]
    assert picture(question.images["peta ikp.png"]) == picture(PNG)
    assert question.text == (
        "<p>Dalam IKP 2024, provinsi dengan skor 72 termasuk kategori apa?</p>"
        '<p><img src="@@PLUGINFILE@@/peta%20ikp.png" alt="Peta IKP"></p>'
    )


def test_unsupported_types_are_skipped_and_categories_ignored(data_file):
    result = parse_questions(data_file("soal-lengkap.xml"), fmt="moodlexml")

    assert [(s.line, s.name, s.reason) for s in result.skipped] == [
        (179, "Esai strategi pencegahan", "Tipe soal esai tidak didukung"),
        (190, "Jumlah indikator", "Tipe soal numerik tidak didukung"),
        (201, "Cloze tahapan", "Tipe soal cloze (jawaban tersemat) tidak didukung"),
        (211, "Pengantar bagian B", "Tipe soal deskripsi tidak didukung"),
    ]


def test_malformed_xml_names_the_parser_line():
    xml = '<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n<name><text>x</name>\n'

    with pytest.raises(QuestionFileError) as caught:
        parse(xml)

    assert caught.value.line == 4
    assert str(caught.value) == (
        "Baris 4: XML tidak valid: tag penutup tidak cocok dengan tag pembuka."
    )


def test_billion_laughs_is_refused_before_any_expansion():
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n'
        + "\n".join(entities)
        + "\n]>\n<quiz><question type='essay'><name><text>&lol9;</text></name></question></quiz>"
    )

    with pytest.raises(QuestionFileError) as caught:
        parse(xml)

    assert caught.value.line == 2
    assert "DOCTYPE" in str(caught.value)


def test_external_entity_is_refused():
    xml = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n<quiz></quiz>'

    with pytest.raises(QuestionFileError, match="DOCTYPE"):
        parse(xml)


@pytest.mark.parametrize(
    ("body", "qtype", "line", "words"),
    [
        pytest.param(
            '<answer fraction="abc"><text>ya</text></answer>',
            "multichoice",
            6,
            "fraction 'abc'",
            id="bad-fraction",
        ),
        pytest.param(
            '<answer fraction="150"><text>ya</text></answer>',
            "multichoice",
            6,
            "fraction '150'",
            id="fraction-over-100",
        ),
        pytest.param(
            "<defaultgrade>banyak</defaultgrade>", "multichoice", 6, "defaultgrade", id="grade"
        ),
        pytest.param(
            '<answer fraction="100"><text>ya</text></answer>',
            "multichoice",
            3,
            "dua opsi",
            id="one-option",
        ),
        pytest.param(
            '<answer fraction="100"><text>true</text></answer>',
            "truefalse",
            3,
            "'true' dan 'false'",
            id="truefalse-missing-false",
        ),
        pytest.param(
            '<generalfeedback><text>x</text><file name="a.png" encoding="base64">%%%</file>'
            "</generalfeedback>",
            "multichoice",
            6,
            "base64",
            id="bad-base64",
        ),
        pytest.param(
            '<generalfeedback><text>x</text><file name="../a.png">AA==</file></generalfeedback>',
            "multichoice",
            6,
            "nama berkas",
            id="bad-file-name",
        ),
    ],
)
def test_broken_questions_reject_the_file_with_the_line(body, qtype, line, words):
    with pytest.raises(QuestionFileError) as caught:
        parse(question_xml(body, qtype))

    assert caught.value.line == line
    assert words in str(caught.value)


def test_question_worth_zero_points_is_skipped():
    body = (
        "<defaultgrade>0.0000000</defaultgrade>"
        '<answer fraction="100"><text>ya</text></answer><answer><text>tidak</text></answer>'
    )

    result = parse(question_xml(body))

    assert result.questions == []
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "Soal bernilai 0 poin tidak diimpor")
    ]


def test_fractions_and_points_are_kept_as_the_bank_stores_them():
    body = (
        "<defaultgrade>1.3333333</defaultgrade><single>false</single>"
        '<answer fraction="66.66667"><text>a</text></answer>'
        '<answer fraction="33.33333"><text>b</text></answer>'
        '<answer fraction="-100"><text>c</text></answer>'
    )

    question = parse(question_xml(body)).questions[0]

    assert question.points == Decimal("1.33")
    assert [o.fraction for o in question.options] == [
        Decimal("0.6667"),
        Decimal("0.3333"),
        Decimal(-1),
    ]


def test_root_must_be_quiz():
    with pytest.raises(QuestionFileError, match="<quiz>"):
        parse('<?xml version="1.0"?>\n<questions/>')


def test_same_file_name_with_different_content_is_renamed():
    other = base64.b64encode(encoded("PNG", "red")).decode()
    png = base64.b64encode(encoded("PNG", "blue")).decode()
    body = (
        '<answer fraction="100" format="html">'
        '<text><![CDATA[<img src="@@PLUGINFILE@@/gambar.png">]]></text>'
        f'<file name="gambar.png" encoding="base64">{other}</file></answer>\n'
        '<answer fraction="0"><text>tidak</text></answer>'
    )
    xml = question_xml(body).replace(
        "<text>Teks soal</text>",
        f'<text><![CDATA[<img src="@@PLUGINFILE@@/gambar.png">]]></text>'
        f'<file name="gambar.png" encoding="base64">{png}</file>',
    )

    question = parse(xml).questions[0]

    assert {name: picture(data) for name, data in question.images.items()} == {
        "gambar.png": picture(encoded("PNG", "blue")),
        "gambar-2.png": picture(encoded("PNG", "red")),
    }
    assert question.text == '<img src="@@PLUGINFILE@@/gambar.png">'
    assert question.options[0].text == '<img src="@@PLUGINFILE@@/gambar-2.png">'


def test_latin1_declared_encoding_is_honoured():
    answers = '<answer fraction="100"><text>Ya</text></answer><answer><text>Tidak</text></answer>'
    xml = question_xml(answers).replace("Teks soal", "Pemilu caf\xe9")
    content = xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")

    result = parse_questions(content, fmt="moodlexml")

    assert result.questions[0].text == "Pemilu caf\xe9"
