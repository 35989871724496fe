import datetime
import random
import string
import struct
import time
import tracemalloc

import pytest

from lms.core.spreadsheets import (
    SpreadsheetError,
    SpreadsheetLimits,
    csv_rows,
    has_control_characters,
    invisible_character,
    spreadsheet_rows,
    xlsx_rows,
)

from .xlsx_files import (
    MAIN_NS,
    SHEET_PART,
    inline_row,
    shared_strings_xml,
    sheet_xml,
    streamed,
    with_parts,
    with_shared_strings,
    workbook_bytes,
)

MB = 1024 * 1024


def limits(**overrides) -> SpreadsheetLimits:
    return SpreadsheetLimits.from_settings(**overrides)


def refusal(source, *, filename="berkas.xlsx", **overrides) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as caught:
        list(spreadsheet_rows(source, filename=filename, limits=limits(**overrides)))
    return caught.value


# What a good file gives -----------------------------------------------------------------------


def test_xlsx_rows_carry_their_sheet_numbers_and_skip_absent_rows():
    content = workbook_bytes([["nama", "poin"], [], ["Ahmad", 3], [None, None, "C"]])

    assert list(xlsx_rows(content)) == [
        (1, ["nama", "poin"]),
        (3, ["Ahmad", 3]),
        (4, [None, None, "C"]),
    ]


def test_xlsx_shared_strings_are_read():
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>')
    content = with_shared_strings(workbook_bytes([["x"]]), shared_strings_xml("dua", "satu"), sheet)

    assert list(xlsx_rows(content)) == [(1, ["satu", "dua"])]


def test_dates_and_numbers_are_read_as_openpyxl_reads_them():
    when = datetime.datetime(2026, 4, 17, 9, 30)
    content = workbook_bytes([["tanggal", "jam", "nilai"], [when, datetime.time(7, 0), 2.5]])

    assert list(xlsx_rows(content))[1] == (2, [when, datetime.time(7, 0), 2.5])


def test_a_workbook_bloated_with_styles_is_refused_at_once():
    # openpyxl itself would spend minutes building one object per style
    rng = random.Random(1)
    styles = "".join(
        f'<xf numFmtId="{rng.randint(0, 200)}" fontId="0" xfId="{rng.randint(0, 99_999)}"/>'
        for _ in range(100_000)
    )
    part = f'<styleSheet xmlns="{MAIN_NS}"><cellXfs>{styles}</cellXfs></styleSheet>'
    content = with_parts(workbook_bytes([["x"]]), {"xl/styles.xml": part.encode()})

    started = time.process_time()
    error = refusal(content)

    assert time.process_time() - started < 2
    assert "Bagian xl/styles.xml berkas XLSX" in error.message
    assert "batasnya 4,0 MB" in error.message


def test_a_sheet_that_declares_a_huge_range_is_read_by_its_rows_alone():
    # The dimension claims every cell of Excel's grid; openpyxl's read-only rows would be
    # 16,384 wide and a million long.
    sheet = sheet_xml(
        inline_row(1, "nama") + inline_row(2, "Ahmad"), before='<dimension ref="A1:XFD1048576"/>'
    )
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet})

    started = time.process_time()
    rows = list(xlsx_rows(content))

    assert rows == [(1, ["nama"]), (2, ["Ahmad"])]
    assert time.process_time() - started < 2


def test_csv_rows_with_semicolons_a_bom_and_a_quoted_line_break():
    content = '\ufeffnama;jabatan\r\nAhmad;"Staf\r\nPencegahan"\r\n\r\nSiti;Operator\r\n'.encode()

    rows = list(csv_rows(content, delimiter=lambda header: ";"))

    assert rows == [
        (1, ["nama", "jabatan"]),
        (2, ["Ahmad", "Staf\r\nPencegahan"]),
        (4, []),
        (5, ["Siti", "Operator"]),
    ]


# Rows, blank ones included --------------------------------------------------------------------


def test_twenty_million_blank_rows_are_refused_at_once():
    # given: a small file whose last row is number 20,000,000 (everything above it blank)
    sheet = sheet_xml(inline_row(1, "nama") + inline_row(20_000_000, "x"))
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet})
    assert len(content) < 20_000

    # when
    started = time.process_time()
    error = refusal(content)

    # then
    assert time.process_time() - started < 2
    assert "lebih dari 200000 baris (baris kosong ikut dihitung)" in error.message
    assert error.line == 20_000_000


def test_a_million_empty_row_elements_are_refused_within_seconds():
    rows = b"".join(b'<row r="%d"/>' % n for n in range(2, 1_000_002))
    head, tail = sheet_xml("|").split(b"|")
    content = with_parts(
        workbook_bytes([["x"]]),
        {SHEET_PART: streamed(head + inline_row(1, "nama").encode(), rows, 1, tail)},
    )
    assert len(content) < 3 * MB

    started = time.process_time()
    error = refusal(content)

    assert time.process_time() - started < 5
    assert "baris kosong ikut dihitung" in error.message
    assert error.line == 200_001


def test_rows_that_go_back_are_refused():
    sheet = sheet_xml(inline_row(5, "a") + inline_row(5, "b"))

    error = refusal(with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet}))

    assert "rusak" in error.message


def test_csv_rows_past_the_limit_count_blank_lines():
    content = b"nama\n" + b"\n" * 10 + b"Ahmad\n"

    error = refusal(content, filename="pegawai.csv", max_rows=10)

    assert error.line == 11
    assert "lebih dari 10 baris" in error.message


# Cells and columns ----------------------------------------------------------------------------


def test_an_over_long_cell_is_refused_with_its_row_and_column():
    sheet = sheet_xml(inline_row(1, "nama", "x") + inline_row(2, "Ahmad", "y" * 40_000))

    error = refusal(with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet}))

    assert (error.line, error.column) == (2, "B")
    assert "40000 karakter; batasnya 32767" in error.message


def test_content_beyond_the_column_limit_is_refused_but_formatting_is_not():
    far = '<row r="1"><c r="A1" t="inlineStr"><is><t>nama</t></is></c><c r="ZZ1" s="1"/></row>'
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet_xml(far)})
    assert list(xlsx_rows(content)) == [(1, ["nama"])]

    filled = far.replace('<c r="ZZ1" s="1"/>', '<c r="ZZ1"><v>1</v></c>')
    error = refusal(with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet_xml(filled)}))

    assert error.line == 1
    assert "paling banyak 64 kolom" in error.message


def test_a_row_of_a_million_cells_is_refused_without_holding_them():
    head, tail = sheet_xml('<row r="1">|</row>').split(b"|")
    content = with_parts(
        workbook_bytes([["x"]]), {SHEET_PART: streamed(head, b'<c s="1"/>', 1_000_000, tail)}
    )

    tracemalloc.start()
    try:
        # past the zip checks (the ratio would refuse this one), to reach the sheet itself
        error = refusal(content, max_compression_ratio=10_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert "kolom" in error.message
    assert peak < 30 * MB


def test_csv_cell_and_line_limits():
    long_cell = b'nama\n"' + b"x" * 200 + b'"\n'
    assert refusal(long_cell, filename="a.csv", max_cell_chars=100).line == 2

    long_line = b"nama\nAhmad\n" + b"y" * 300 + b"\n"
    error = refusal(long_line, filename="a.csv", max_line_chars=100)
    assert error.line == 3
    assert "batasnya 100 karakter per baris" in error.message


def test_csv_that_is_not_utf8_names_the_line():
    content = b"nama\nAhmad\nSiti Aminah\n" + "Dédé\n".encode("latin-1")

    error = refusal(content, filename="pegawai.csv")

    assert error.line == 4
    assert "bukan teks UTF-8" in error.message


def test_malformed_csv_is_refused_with_its_line():
    # A quoted field that never ends grows past the csv module's own field limit.
    content = b'nama\n"' + (b"x" * 1000 + b"\n") * 200

    error = refusal(content, filename="pegawai.csv")

    assert error.line == 2
    assert "tidak dapat dibaca" in error.message


# The zip --------------------------------------------------------------------------------------


def test_a_100_mb_shared_string_is_refused_before_it_is_loaded():
    # given: one shared string of 100 MB, compressed to a small file
    head = f'<sst xmlns="{MAIN_NS}" count="1"><si><t>'.encode()
    strings = streamed(head, b"A" * MB, 100, b"</t></si></sst>")
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    content = with_shared_strings(workbook_bytes([["x"]]), strings, sheet)
    assert len(content) < 1 * MB

    # when
    tracemalloc.start()
    try:
        error = refusal(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # then: refused by name, and nothing near its size was ever held
    assert "xl/sharedStrings.xml" in error.message
    assert peak < 10 * MB


@pytest.mark.parametrize(
    ("chunk", "size"),
    [
        (b"A" * 1_000_000, "95,4 MB"),  # under the sheet's limit and the total
        (b"A" * MB, "100,0 MB"),  # past the total as well
        (b"A" * 300_000, "28,6 MB"),
    ],
)
def test_a_huge_shared_strings_part_is_refused_with_the_shared_strings_limit(chunk, size):
    head = f'<sst xmlns="{MAIN_NS}" count="1"><si><t>'.encode()
    strings = streamed(head, chunk, 100, b"</t></si></sst>")
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    content = with_shared_strings(workbook_bytes([["x"]]), strings, sheet)

    error = refusal(content)

    assert error.message == (
        f"Bagian xl/sharedStrings.xml berkas XLSX {size} setelah diekstrak; batasnya 16,0 MB."
    )


def test_shared_strings_past_their_own_limit_are_refused():
    rng = random.Random(7)
    text = "".join(rng.choices(string.ascii_letters, k=2 * MB))
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    content = with_shared_strings(workbook_bytes([["x"]]), shared_strings_xml(text), sheet)

    error = refusal(content, max_shared_strings_bytes=1 * MB)

    assert "xl/sharedStrings.xml" in error.message
    assert "batasnya 1,0 MB" in error.message


def test_a_zip_bomb_member_is_refused_before_unpacking():
    bomb = streamed(b"", b"\0" * MB, 300, b"")
    content = with_parts(workbook_bytes([["x"]]), {"xl/media/bom.bin": bomb})
    assert len(content) < 1 * MB

    started = time.process_time()
    error = refusal(content)

    assert time.process_time() - started < 2
    # Not the sheet: held to the limit of the parts other than the sheet.
    assert "xl/media/bom.bin berkas XLSX 300,0 MB setelah diekstrak; batasnya 16,0" in error.message


def test_parts_that_unpack_past_the_total_are_refused():
    rng = random.Random(5)
    parts = {
        f"xl/media/gambar{n}.bin": rng.randbytes(MB) for n in range(3)
    }  # incompressible, each under every other limit
    content = with_parts(workbook_bytes([["x"]]), parts)

    error = refusal(content, max_unpacked_bytes=2 * MB)

    assert "setelah diekstrak; batasnya 2,0 MB" in error.message


def test_a_part_compressed_past_the_ratio_is_refused():
    blank = streamed(b"", b" " * MB, 5, b"")
    content = with_parts(workbook_bytes([["x"]]), {"docProps/custom.xml": blank})

    error = refusal(content)

    assert "docProps/custom.xml" in error.message
    assert "batasnya 100 kali" in error.message


def test_every_part_but_the_first_sheet_is_held_to_the_shared_strings_limit():
    # openpyxl loads every other part whole; only the sheet read here is streamed.
    rng = random.Random(3)
    text = "".join(rng.choices(string.ascii_letters, k=2 * MB))
    content = with_parts(
        workbook_bytes([["x"]]), {"xl/worksheets/sheet2.xml": sheet_xml(inline_row(1, text))}
    )

    error = refusal(content, max_shared_strings_bytes=1 * MB)

    assert "xl/worksheets/sheet2.xml" in error.message


def test_a_member_that_lies_about_its_size_is_refused():
    # given: the sheet's declared size patched down to 100 bytes, its data far larger
    rows = "".join(inline_row(n, "x" * 50) for n in range(1, 50_000))
    content = bytearray(with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet_xml(rows)}))
    name = SHEET_PART.encode()
    # local header: size at 22, name at 30; central directory: size at 24, name at 46
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = content.find(signature)
        while start != -1:
            if content[start + name_at : start + name_at + len(name)] == name:
                struct.pack_into("<I", content, start + size_at, 100)
            start = content.find(signature, start + 4)

    # when / then: zipfile reads no more than declared, and its CRC check refuses the part
    tracemalloc.start()
    try:
        error = refusal(bytes(content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert "rusak" in error.message
    assert peak < 10 * MB


def test_broken_sheet_xml_is_refused():
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet_xml(inline_row(1, "a"))[:-40]})

    error = refusal(content)

    assert "rusak" in error.message


def test_a_file_that_is_not_a_zip_is_refused():
    assert "tidak dapat dibaca" in refusal(b"PK\x03\x04 bukan zip").message


def test_the_file_size_limit():
    error = refusal(b"nama\n" + b"x\n" * 1000, filename="a.csv", max_file_bytes=1000)

    assert "lebih besar dari batas" in error.message


def test_control_characters():
    assert has_control_characters("Ahmad\x00")
    assert has_control_characters("\x1b[31m")
    assert has_control_characters("\ud800")
    assert not has_control_characters("Siti\tAminah\r\n")
    assert not has_control_characters("Ni Luh Putu Ayu Wéndé")
    # One-line values: a tab or a line break is a control character too.
    assert has_control_characters("Siti\tAminah", line_breaks_allowed=False)
    assert has_control_characters("Siti\nAminah", line_breaks_allowed=False)
    assert not has_control_characters("Ni Luh Putu Ayu Wéndé", line_breaks_allowed=False)


def test_invisible_characters():
    assert invisible_character("Ahmad\u202eignaS") == "\u202e"  # right-to-left override
    assert invisible_character("Ahmad\u200bFauzi") == "\u200b"  # zero-width space
    assert invisible_character("\ufeffAhmad") == "\ufeff"  # byte order mark
    assert invisible_character("Staf\u2029Umum") == "\u2029"  # paragraph separator
    assert invisible_character("Ni Luh Putu Ayu Wéndé\u00a0") is None
    assert invisible_character("محمد") is None  # right-to-left script itself is fine
