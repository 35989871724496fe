import base64
import xml.etree.ElementTree as ET
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

from kursus.kuis.formats import (
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    export_gift,
    export_moodlexml,
    parse_questions,
)


def encoded(fmt: str, color: str) -> bytes:
    """A small image as the importer stores it: written by Pillow, so re-encoding keeps it."""
    buffer = BytesIO()
    Image.new("RGB", (3, 2), color).save(buffer, fmt)
    return buffer.getvalue()


PNG = encoded("PNG", "teal")
GIF = encoded("GIF", "orange")


def bank() -> list[ParsedQuestion]:
    """One question of every kind, with the characters each format has to escape."""
    return [
        ParsedQuestion(
            line=1,
            kind="single",
            name="Rentang skor: rawan {tinggi}",
            text='<p>Skor IKP = 72 ~ kategori? <a href="https://bawaslu.go.id/#ikp">IKP</a></p>',
            points=Decimal("2.5"),
            general_feedback="<p>Ambang 68,5-100 #provinsi</p>",
            options=[
                ParsedOption("Rawan rendah", Decimal(0), "Di bawah 21,7"),
                ParsedOption("Rawan tinggi", Decimal(1), "Tepat: ≥ 68,5"),
                ParsedOption("%Rawan sedang", Decimal("0.25")),
                ParsedOption("[Tidak] rawan", Decimal("-0.5")),
            ],
        ),
        ParsedQuestion(
            line=2,
            kind="multiple",
            name="Larangan PTPS",
            text="Pilih semua yang <em>dilarang</em>:\nbaris kedua",
            options=[
                ParsedOption("Membantu mengisi formulir", Decimal("0.3333"), "Ya"),
                ParsedOption("Melihat bilik suara", Decimal("0.3333")),
                ParsedOption("Mengintimidasi pemilih", Decimal("0.3333")),
                ParsedOption("Menyampaikan keberatan", Decimal(-1), "Itu wewenang PTPS"),
            ],
        ),
        ParsedQuestion(
            line=3,
            kind="truefalse",
            name="PSU",
            text="PSU paling lama 10 hari.",
            options=[
                ParsedOption("Benar", Decimal(1), "Tepat"),
                ParsedOption("Salah", Decimal(0), "Batasnya 10 hari"),
            ],
        ),
        ParsedQuestion(
            line=4,
            kind="truefalse",
            name="Bawaslu Kab/Kota ad hoc",
            text="Bawaslu Kabupaten/Kota bersifat ad hoc.",
            options=[ParsedOption("Benar", Decimal(0)), ParsedOption("Salah", Decimal(1))],
        ),
        ParsedQuestion(
            line=5,
            kind="short",
            name="Peraturan",
            text="Satu Data Bawaslu diatur Perbawaslu nomor ... (nomor/tahun)",
            options=[
                ParsedOption("7/2024", Decimal(1)),
                ParsedOption("7 = tujuh \\ 2024", Decimal(1), "Diterima"),
            ],
        ),
        ParsedQuestion(
            line=6,
            kind="matching",
            name="Kode wilayah",
            text="Jodohkan kode -&gt; jenis daerah.",
            general_feedback="71-99 = kota",
            pairs=[
                ParsedPair("32", "Provinsi"),
                ParsedPair("32.04", "Kabupaten -> bukan kota"),
                ParsedPair("<b>32.73</b>", "Kota"),
                ParsedPair("", "Kecamatan"),
            ],
        ),
        ParsedQuestion(
            line=7,
            kind="single",
            name="Peta",
            text='<p>Perhatikan peta.</p><img src="@@PLUGINFILE@@/peta%20ikp.png" alt="peta">',
            options=[
                ParsedOption('<img src="@@PLUGINFILE@@/jawaban.gif">', Decimal(1)),
                ParsedOption("Tidak ada", Decimal(0)),
            ],
            images={"peta ikp.png": PNG, "jawaban.gif": GIF},
        ),
    ]


def comparable(question: ParsedQuestion, *, images: bool = True) -> ParsedQuestion:
    question.line = 0
    if not images:
        question.images = {}
    return question


def test_gift_round_trip_keeps_every_kind():
    # given
    original = bank()

    # when
    again = parse_questions(export_gift(original).encode("utf-8"), fmt="gift")

    # then
    assert again.skipped == []
    assert [q.fingerprint() for q in again.questions] == [q.fingerprint() for q in original]
    assert [comparable(q) for q in again.questions] == [
        comparable(q, images=False) for q in original
    ]


def test_moodlexml_round_trip_keeps_every_kind_and_images():
    original = bank()

    again = parse_questions(export_moodlexml(original).encode("utf-8"), fmt="moodlexml")

    assert again.skipped == []
    assert [q.fingerprint() for q in again.questions] == [q.fingerprint() for q in original]
    assert [comparable(q) for q in again.questions] == [comparable(q) for q in original]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("soal-lengkap.gift", "gift"),
        ("soal-lengkap.xml", "moodlexml"),
        ("soal-lengkap.aiken.txt", "aiken"),
        ("soal-indonesia.csv", "csv"),
    ],
)
def test_every_sample_file_round_trips_through_both_exporters(data_file, name, fmt):
    parsed = parse_questions(data_file(name), fmt=fmt).questions
    fingerprints = [q.fingerprint() for q in parsed]

    via_gift = parse_questions(export_gift(parsed).encode(), fmt="gift").questions
    via_xml = parse_questions(export_moodlexml(parsed).encode(), fmt="moodlexml").questions

    assert [q.fingerprint() for q in via_gift] == fingerprints
    assert [q.fingerprint() for q in via_xml] == fingerprints
    assert [q.points for q in via_gift] == [q.points for q in parsed]


def test_moodlexml_export_embeds_images_next_to_the_text_that_shows_them():
    question = bank()[-1]
    question.images["lampiran.pdf"] = b"%PDF-1.4"
    root = ET.fromstring(export_moodlexml([question]))  # noqa: S314 (our own output)

    question = root.find("question")
    text_files = {f.get("name"): f for f in question.find("questiontext").findall("file")}
    answer_files = [f.get("name") for f in question.find("answer").findall("file")]
    assert set(text_files) == {"peta ikp.png", "lampiran.pdf"}  # shown there, or shown nowhere
    assert base64.b64decode(text_files["peta ikp.png"].text) == PNG
    assert text_files["peta ikp.png"].get("encoding") == "base64"
    assert answer_files == ["jawaban.gif"]


def test_gift_export_is_readable_text():
    gift = export_gift(bank()[:1])

    assert gift.splitlines()[:3] == [
        "// poin: 2.5",
        "::Rentang skor\\: rawan \\{tinggi\\}::[html]<p>Skor IKP \\= 72 \\~ kategori? "
        '<a href\\="https\\://bawaslu.go.id/\\#ikp">IKP</a></p>{',
        "~Rawan rendah#Di bawah 21,7",
    ]


def test_fingerprint_is_stable_and_ignores_presentation():
    # given
    question = bank()[1]
    reordered = bank()[1]
    reordered.options.reverse()
    reordered.name = "Nama lain"
    reordered.points = Decimal(5)
    reordered.options[0].feedback = "Umpan balik lain"
    reordered.text = "Pilih   semua yang <em>dilarang</em>: baris kedua"

    # then
    assert question.fingerprint() == reordered.fingerprint()
    assert len(question.fingerprint()) == 64
    assert question.fingerprint() == bank()[1].fingerprint()


def test_fingerprint_changes_with_what_is_asked_or_what_is_right():
    base = bank()[0]
    other_text, other_answer, other_kind = bank()[0], bank()[0], bank()[0]
    other_text.text += " (2024)"
    other_answer.options[0].fraction = Decimal("0.5")
    other_kind.kind = "multiple"

    fingerprints = {q.fingerprint() for q in (base, other_text, other_answer, other_kind)}

    assert len(fingerprints) == 4


def test_short_answer_fingerprint_ignores_case_as_grading_does():
    upper, lower = bank()[4], bank()[4]
    lower.options = [ParsedOption(o.text.lower(), o.fraction) for o in lower.options]

    assert upper.fingerprint() == lower.fingerprint()
