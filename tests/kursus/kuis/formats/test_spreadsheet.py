import io
import time
import zipfile
from decimal import Decimal

import pytest

from kursus.kuis.formats import ParsedPair, QuestionFileError, parse_questions

from ....core.xlsx_files import (
    MAIN_NS,
    SHEET_PART,
    inline_row,
    sheet_xml,
    streamed,
    with_parts,
    with_shared_strings,
    workbook_bytes,
)

HEADER = ["tipe", "judul", "pertanyaan", "poin", "opsi_a", "opsi_b", "opsi_c", "kunci"]


def csv_bytes(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def test_indonesian_semicolon_csv_with_bom_and_multiline_cell(data_file):
    # when
    result = parse_questions(data_file("soal-indonesia.csv"), fmt="csv")

    # then
    assert [(q.line, q.kind) for q in result.questions] == [
        (2, "single"),
        (3, "multiple"),
        (6, "truefalse"),  # the multi-line cell and an empty row come before it
        (7, "short"),
        (8, "matching"),
        (9, "single"),  # the alias "pg"
    ]
    single, multiple, true_false, short, matching, alias = result.questions
    assert single.name == "Kategori skor 72"
    assert single.general_feedback == "Ambang rawan tinggi provinsi 68,5-100."
    assert [(o.text, o.fraction, o.feedback) for o in single.options] == [
        ("Rawan rendah", Decimal(0), "Di bawah 21,7."),
        ("Rawan sedang", Decimal(0), ""),
        ("Rawan tinggi", Decimal(1), ""),
        ("Tidak rawan", Decimal(0), ""),
    ]
    assert (
        multiple.text == "Pilih sumber data resmi untuk indikator IKP.<br>\nBoleh lebih dari satu."
    )
    assert multiple.points == Decimal("2.5")
    assert [o.fraction for o in multiple.options] == [
        Decimal("0.3333"),
        Decimal("0.3333"),
        Decimal(-1),
        Decimal("0.3333"),
    ]
    assert true_false.name == "IKP adalah alat deteksi dini kerawanan pemilu."
    assert [o.fraction for o in true_false.options] == [1, 0]
    assert [o.text for o in short.options] == ["7/2024", "7 tahun 2024"]
    assert matching.pairs[0] == ParsedPair(
        "Pencegahan, Parmas dan Humas", "IKP dan pemetaan kerawanan"
    )
    assert matching.pairs[-1] == ParsedPair("", "Penyelesaian sengketa proses")
    assert [o.fraction for o in alias.options] == [0, 1, 0]


def test_comma_csv_and_xlsx_give_the_same_questions():
    rows = [
        HEADER,
        [
            "pilihan_tunggal",
            "",
            "Waktu pemungutan suara dimulai pukul?",
            1,
            "06.00",
            "07.00",
            "",
            "B",
        ],
        ["benar_salah", "", "KPPS beranggotakan 7 orang.", 2, "", "", "", "salah"],
    ]
    as_csv = "\n".join(",".join(str(cell) for cell in row) for row in rows).encode()

    from_csv = parse_questions(as_csv, fmt="csv").questions
    from_xlsx = parse_questions(workbook_bytes(rows), fmt="xlsx").questions

    assert from_csv == from_xlsx
    assert [q.kind for q in from_xlsx] == ["single", "truefalse"]
    assert from_xlsx[1].points == Decimal(2)
    assert [o.fraction for o in from_xlsx[1].options] == [0, 1]


def test_xlsx_cells_of_other_types_are_read_as_text():
    rows = [
        ["Tipe", "Pertanyaan", "Poin", "Opsi A", "Opsi B", "Opsi C", "Kunci"],
        ["pilihan_tunggal", "Jumlah provinsi di Indonesia?", 1.5, 34, 38, 37.5, "b"],
        ["benar_salah", "Kabupaten berkode 01-69.", None, None, None, None, True],
    ]

    result = parse_questions(workbook_bytes(rows), fmt="xlsx")

    first, second = result.questions
    assert first.points == Decimal("1.5")
    assert [o.text for o in first.options] == ["34", "38", "37.5"]
    assert second.points == Decimal(1)
    assert [o.fraction for o in second.options] == [1, 0]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        pytest.param("esai,,Jelaskan,1,,,,", "tipe", "tipe 'esai' tidak dikenal", id="type"),
        pytest.param("pilihan_tunggal,,,1,a,b,,A", "pertanyaan", "kosong", id="no-text"),
        pytest.param("pilihan_tunggal,,Soal,satu,a,b,,A", "poin", "poin 'satu'", id="points"),
        pytest.param("pilihan_tunggal,,Soal,1,a,b,,", "kunci", "kunci kosong", id="no-key"),
        pytest.param("pilihan_tunggal,,Soal,1,a,b,,C", "kunci", "'C' bukan huruf", id="key"),
        pytest.param("pilihan_tunggal,,Soal,1,a,b,c,A;B", "kunci", "satu kunci", id="two-keys"),
        pytest.param("pilihan_tunggal,,Soal,1,a,,c,A", "opsi_b", "opsi kosong", id="gap"),
        pytest.param("pilihan_tunggal,,Soal,1,a,,,A", "opsi_b", "dua opsi", id="one-option"),
        pytest.param("benar_salah,,Soal,1,,,,mungkin", "kunci", "benar atau salah", id="tf"),
        pytest.param("benar_salah,,Soal,1,ya,,,benar", "opsi_a", "kosongkan", id="tf-options"),
        pytest.param("isian_singkat,,Soal,1,,,, | ", "kunci", "pisahkan", id="short"),
        pytest.param("menjodohkan,,Soal,1,a => 1,b,,", "opsi_b", "'kiri => kanan'", id="pair"),
        pytest.param("menjodohkan,,Soal,1,a => 1,,,", "opsi_b", "dua pasangan", id="one-pair"),
        pytest.param("menjodohkan,,Soal,1,a => 1,b => 2,,A", "kunci", "kosongkan", id="key-pairs"),
    ],
)
def test_invalid_row_names_line_and_column(row, column, words):
    content = csv_bytes(",".join(HEADER), "pilihan_tunggal,,Soal benar,1,a,b,,A", row)

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt="csv")

    assert caught.value.line == 3
    assert caught.value.column == column
    assert str(caught.value).startswith(f"Baris 3, kolom '{column}': ")
    assert words in str(caught.value)


def test_invalid_row_in_xlsx_names_the_sheet_row():
    rows = [HEADER, ["pilihan_tunggal", "", "Soal", 1, "a", "b", "", "A"], [], ["bs", "", "x"]]

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(workbook_bytes(rows), fmt="xlsx")

    assert (caught.value.line, caught.value.column) == (4, "kunci")


@pytest.mark.parametrize(
    ("header", "words"),
    [
        pytest.param("tipe,pertanyaan,opsi_a,opsi_b", "kolom wajib tidak ada", id="missing"),
        pytest.param(
            "tipe,pertanyaan,kunci,jawaban", "kolom 'jawaban' tidak dikenal", id="unknown"
        ),
        pytest.param("tipe,pertanyaan,kunci,Kunci", "muncul dua kali", id="twice"),
    ],
)
def test_bad_header_is_rejected_on_line_1(header, words):
    content = csv_bytes(header, "pilihan_tunggal,Soal,A,a")

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt="csv")

    assert caught.value.line == 1
    assert words in str(caught.value)


def test_semicolon_is_sniffed_even_when_cells_contain_commas():
    content = (
        b"tipe;pertanyaan;opsi_a;opsi_b;kunci\npilihan_tunggal;Pilih, lalu jawab;satu, dua;tiga;A"
    )

    question = parse_questions(content, fmt="csv").questions[0]

    assert question.text == "Pilih, lalu jawab"
    assert [o.text for o in question.options] == ["satu, dua", "tiga"]


def test_multiple_response_fractions_share_100_and_minus_100():
    content = csv_bytes(
        "tipe,pertanyaan,opsi_a,opsi_b,opsi_c,opsi_d,opsi_e,kunci",
        'pilihan_ganda_kompleks,Soal,a,b,c,d,e,"A,C"',
    )

    question = parse_questions(content, fmt="csv").questions[0]

    assert [o.fraction for o in question.options] == [
        Decimal("0.5"),
        Decimal("-0.3333"),
        Decimal("0.5"),
        Decimal("-0.3333"),
        Decimal("-0.3333"),
    ]


def test_file_that_is_not_a_workbook():
    with pytest.raises(QuestionFileError, match="XLSX tidak dapat dibaca"):
        parse_questions(b"PK\x03\x04 bukan zip yang utuh", fmt="xlsx")


def test_xlsx_that_unpacks_too_large_is_refused():
    # given: a real workbook whose sheet part unpacks a thousandfold
    bomb = with_parts(workbook_bytes([HEADER]), {SHEET_PART: b"0" * (60 * 1024 * 1024)})

    with pytest.raises(QuestionFileError, match=r"sheet1\.xml berkas XLSX termampatkan"):
        parse_questions(bomb, fmt="xlsx")


def test_a_zip_that_is_no_workbook_is_refused_without_unpacking_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))

    with pytest.raises(QuestionFileError, match="XLSX tidak dapat dibaca"):
        parse_questions(buffer.getvalue(), fmt="xlsx")


def test_question_xlsx_with_twenty_million_blank_rows_is_refused_at_once():
    # given: a small workbook whose last row is number 20,000,000
    sheet = sheet_xml(
        inline_row(1, "tipe", "pertanyaan", "kunci")
        + inline_row(2, "benar_salah", "KPPS beranggotakan 7 orang.", "benar")
        + inline_row(20_000_000, "benar_salah", "Soal terakhir", "salah")
    )
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet})

    # when
    started = time.process_time()
    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt="xlsx")

    # then
    assert time.process_time() - started < 2
    assert caught.value.line == 20_000_000
    assert "baris kosong ikut dihitung" in str(caught.value)


def test_question_xlsx_with_a_100_mb_shared_string_is_refused():
    head = f'<sst xmlns="{MAIN_NS}" count="1"><si><t>'.encode()
    strings = streamed(head, b"A" * 1024 * 1024, 100, b"</t></si></sst>")
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    content = with_shared_strings(workbook_bytes([["x"]]), strings, sheet)

    with pytest.raises(QuestionFileError, match=r"xl/sharedStrings\.xml"):
        parse_questions(content, fmt="xlsx")


def test_question_cell_with_a_nul_byte_is_refused_with_its_row_and_column():
    content = csv_bytes(",".join(HEADER), "pilihan_tunggal,,Soal\x00 rusak,1,a,b,,A")

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt="csv")

    assert (caught.value.line, caught.value.column) == (2, "pertanyaan")
    assert "karakter kendali" in str(caught.value)


def test_question_csv_cell_past_the_cell_limit_is_refused(settings):
    settings.LMS_IMPORT_MAX_CELL_CHARS = 500
    content = csv_bytes(",".join(HEADER), "pilihan_tunggal,," + "x" * 600 + ",1,a,b,,A")

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt="csv")

    assert str(caught.value).startswith("Baris 2, kolom 'C': sel berisi 600 karakter")
