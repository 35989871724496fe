from decimal import Decimal

import pytest

from kursus.kuis.formats import ParsedPair, QuestionFileError, parse_questions


def parse(text: str):
    return parse_questions(text.encode("utf-8"), fmt="gift")


def options(question):
    return [(o.text, o.fraction, o.feedback) for o in question.options]


def test_sample_file_gives_every_supported_kind(data_file):
    # when
    result = parse_questions(data_file("soal-lengkap.gift"), fmt="gift")

    # then
    by_name = {q.name: q for q in result.questions}
    assert [q.kind for q in result.questions] == [
        "single",
        "single",
        "multiple",
        "truefalse",
        "truefalse",
        "truefalse",
        "short",
        "matching",
        "single",
        "short",
    ]
    waktu = by_name["Waktu pemungutan suara"]
    assert waktu.line == 7
    assert waktu.points == Decimal(2)
    assert waktu.text == "Waktu pemungutan suara di TPS dimulai dan diakhiri pada pukul?"
    assert options(waktu) == [
        ("07.00\u201313.00 waktu setempat", Decimal(1), "Benar, sesuai PKPU 25/2023."),
        ("06.00\u201312.00", Decimal(0), "Terlalu pagi."),
        ("07.00\u201314.00", Decimal("0.5"), "Jam mulai benar, jam selesai salah."),
        ("08.00\u201314.00", Decimal(0), ""),
    ]
    assert waktu.general_feedback == (
        "Pemungutan suara berlangsung pukul 07.00\u201313.00 waktu setempat."
    )
    ikp = by_name["IKP 2024"]
    assert ikp.text == (
        "<p>Berapa jumlah <b>dimensi</b>, subdimensi, dan indikator IKP Pemilu 2024?</p>"
    )
    assert [o.fraction for o in ikp.options] == [0, 1, 0, 0]
    larangan = by_name["Larangan PTPS"]
    assert [o.fraction for o in larangan.options] == [
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal(-1),
        Decimal(-1),
    ]
    assert larangan.options[2].feedback == "Keberatan adalah wewenang PTPS."


def test_true_false_feedback_goes_to_the_option_it_answers(data_file):
    # GIFT writes {T#shown when wrong#shown when right}
    result = parse_questions(data_file("soal-lengkap.gift"), fmt="gift")
    by_name = {q.name: q for q in result.questions}

    assert options(by_name["PSU"]) == [
        ("Benar", Decimal(1), "Tepat."),
        ("Salah", Decimal(0), "Salah: batasnya 10 hari."),
    ]
    ad_hoc = by_name["Bawaslu Kabupaten/Kota bersifat ad hoc."]
    assert [(o.text, o.fraction) for o in ad_hoc.options] == [
        ("Benar", Decimal(0)),
        ("Salah", Decimal(1)),
    ]
    kpps = by_name["Rasio: KPPS"]
    assert kpps.general_feedback == "Ketua KPPS adalah KPPS 1."
    assert [o.fraction for o in kpps.options] == [1, 0]


def test_short_answer_matching_and_missing_word(data_file):
    result = parse_questions(data_file("soal-lengkap.gift"), fmt="gift")
    by_name = {q.name: q for q in result.questions}

    assert options(by_name["Walidata"]) == [
        ("Walidata", Decimal(1), ""),
        ("Pusdatin Bawaslu", Decimal(1), "Pusdatin bertindak sebagai walidata."),
    ]
    assert by_name["Kode wilayah"].pairs == [
        ParsedPair("32", "Provinsi"),
        ParsedPair("32.04", "Kabupaten"),
        ParsedPair("32.73", "Kota"),
    ]
    assert by_name["Kode wilayah"].general_feedback.startswith("Digit ketiga")
    missing_word = next(q for q in result.questions if q.line == 44)
    assert missing_word.text == (
        "Pemilih DPK dapat memberikan suara mulai pukul _____ selama surat suara masih tersedia."
    )
    assert missing_word.kind == "single"
    assert missing_word.name.startswith("Pemilih DPK dapat memberikan suara")


def test_escapes_and_plain_format(data_file):
    result = parse_questions(data_file("soal-lengkap.gift"), fmt="gift")
    escaped = next(q for q in result.questions if q.name == "Escape")

    assert escaped.text == "Tanda {kurung} dan = tetap &lt;teks&gt;."


def test_unsupported_types_are_skipped_with_reasons(data_file):
    result = parse_questions(data_file("soal-lengkap.gift"), fmt="gift")

    assert [(s.line, s.name, s.reason) for s in result.skipped] == [
        (48, "Esai", "Tipe soal esai tidak didukung"),
        (50, "Numerik", "Tipe soal numerik tidak didukung"),
        (52, "Catatan", "Deskripsi tanpa bagian jawaban {…} tidak diimpor"),
    ]


@pytest.mark.parametrize(
    ("gift", "line", "words"),
    [
        pytest.param(
            "::A:: Soal pertama {=a ~b}\n\n// komentar\nSoal kedua {\n=a\n~b\n",
            4,
            "'}' tidak ditemukan",
            id="unclosed-brace",
        ),
        pytest.param(
            "Soal pertama {=a ~b}\n\nSoal kedua =a ~b}\n", 3, "'{' tidak ditemukan", id="no-open"
        ),
        pytest.param("Soal {=a ~b}\n\n{=a ~b}\n", 3, "tanpa teks soal", id="answer-no-question"),
        pytest.param(
            "Soal {\n=a\n~%abc%b\n}\n", 3, "bobot '%abc%' tidak valid", id="bad-weight-text"
        ),
        pytest.param("Soal {\n=a\n~%150%b\n}\n", 3, "bobot '%150%'", id="weight-over-100"),
        pytest.param("Soal {\n=a\n~%50 b\n}\n", 3, "bobot", id="weight-unclosed"),
        pytest.param(
            "Soal pertama {=a ~b}\nSoal kedua {=c ~d}\n", 2, "satu bagian jawaban", id="two-blocks"
        ),
        pytest.param("::Judul tanpa tutup Soal {=a ~b}\n", 1, "'::'", id="unclosed-title"),
        pytest.param("Soal {\nx =a ~b\n}\n", 2, "diawali '='", id="text-before-marker"),
        pytest.param("Cocokkan {\n=a -> 1\n=b\n}\n", 3, "'=kiri -> kanan'", id="pair-no-arrow"),
        pytest.param("Soal {~a ~b ~c}\n", 1, "tidak memiliki opsi yang benar", id="no-right"),
        pytest.param("Soal {=%50%a ~b ~c}\n", 1, "opsi bernilai 100%", id="single-no-full"),
        pytest.param("Soal {~%50%a ~%20%b ~c}\n", 1, "harus 100%", id="weights-not-100"),
        pytest.param("Soal {=a}\n\nSoal {~a}\n", 3, "dua opsi", id="one-option"),
        pytest.param("Cocokkan {=a -> 1 =-> 2}\n", 1, "dua pasangan", id="one-pair"),
        pytest.param("// poin: dua\nSoal {=a ~b}\n", 1, "poin 'dua'", id="bad-points"),
    ],
)
def test_syntax_errors_reject_the_file_with_the_line(gift, line, words):
    with pytest.raises(QuestionFileError) as caught:
        parse(gift)

    assert caught.value.line == line
    assert str(caught.value).startswith(f"Baris {line}: ")
    assert words in str(caught.value)


def test_invalid_utf8_names_the_line():
    content = b"Soal satu {=a ~b}\n\nSoal dua \xff\xfe {=a ~b}\n"

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt="gift")

    assert caught.value.line == 3
    assert "UTF-8" in str(caught.value)


def test_weights_and_kind_rules():
    result = parse(
        "Dua benar {~%50%a ~%50%b ~%-100%c}\n\n"
        "Satu penuh {~%100%a ~b ~c}\n\n"
        "Satu penuh dengan penalti {~%100%a ~%-50%b ~%-50%c}\n\n"
        "Tunggal dengan nilai sebagian {=a ~%33.33333%b ~%-25%c}\n\n"
        "Koma desimal {~%33,5%a ~%66,5%b ~c}\n"
    )

    assert [q.kind for q in result.questions] == [
        "multiple",
        "single",
        "multiple",
        "single",
        "multiple",
    ]
    assert [o.fraction for o in result.questions[3].options] == [
        Decimal(1),
        Decimal("0.3333"),
        Decimal("-0.25"),
    ]
    assert [o.fraction for o in result.questions[4].options] == [
        Decimal("0.335"),
        Decimal("0.665"),
        Decimal(0),
    ]


def test_short_answers_with_partial_credit_or_wildcards_are_skipped():
    result = parse(
        "::Sebagian:: Lembaga pengawas pemilu? {=Bawaslu =%50%Panwaslu}\n\n"
        "::Wildcard:: Lembaga pengawas pemilu? {=Bawa*}\n\n"
        "::Umpan balik salah:: Lembaga pengawas pemilu? {=Bawaslu =%0%KPU#Itu penyelenggara.}\n"
    )

    assert [(s.name, s.reason) for s in result.skipped] == [
        ("Sebagian", "Isian singkat dengan nilai sebagian (misalnya =%50%) tidak didukung"),
        ("Wildcard", "Jawaban isian singkat dengan karakter pengganti '*' tidak didukung"),
    ]
    assert [o.text for o in result.questions[0].options] == ["Bawaslu"]


def test_text_formats_and_sanitising():
    result = parse(
        '::HTML::[html]<p onclick="x()">Soal <script>alert(1)</script>'
        '<a href="javascript:alert(1)">tautan</a></p>{=<b>ya</b> ~tidak}\n\n'
        "::Moodle::Baris satu\\nbaris <i>dua</i>{TRUE}\n\n"
        "::Markdown::[markdown]**Tebal** dan *miring* `kode`{T}\n\n"
        "::Plain::[plain]<b>tidak tebal</b>{T}\n"
    )

    html, moodle, markdown, plain = result.questions
    assert html.text == "<p>Soal <a>tautan</a></p>"
    assert html.options[0].text == "<b>ya</b>"
    assert moodle.text == "Baris satu<br>\nbaris <i>dua</i>"
    assert markdown.text == "<p><strong>Tebal</strong> dan <em>miring</em> <code>kode</code></p>"
    assert plain.text == "&lt;b&gt;tidak tebal&lt;/b&gt;"


def test_comments_and_category_lines_are_not_questions():
    result = parse(
        "// hanya komentar\n\n$CATEGORY: $course$/Bimtek\n\n"
        "// komentar di atas soal\nSoal {\n// komentar di tengah jawaban\n=a\n~b\n}\n"
    )

    assert len(result.questions) == 1
    assert result.questions[0].line == 6
    assert result.skipped == []


def test_points_comment_sets_points():
    result = parse("// poin: 2,5\nSoal {=a ~b}\n\nSoal dua {=a ~b}\n")

    assert [q.points for q in result.questions] == [Decimal("2.5"), Decimal(1)]
