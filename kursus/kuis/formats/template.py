"""The spreadsheet template trainers download (`fixtures/quiz/templat-soal.csv` and `.xlsx`).

Built here from the same column list the parser reads, so the template cannot drift from what
the importer accepts; a test checks that the committed files are what these functions build.
The CSV uses semicolons and a UTF-8 BOM because that is what Excel set to the Indonesian locale
opens correctly with a double click; the XLSX works in any locale and is the one to recommend.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

TEMPLATE_COLUMNS = (
    "tipe",
    "judul",
    "pertanyaan",
    "poin",
    "opsi_a",
    "opsi_b",
    "opsi_c",
    "opsi_d",
    "opsi_e",
    "opsi_f",
    "kunci",
    "umpan_balik",
)
TYPE_NAMES = (
    "pilihan_tunggal",
    "pilihan_ganda_kompleks",
    "benar_salah",
    "isian_singkat",
    "menjodohkan",
)


def template_rows() -> list[dict]:
    """One example question per type, about election supervision."""
    return [
        {
            "tipe": "pilihan_tunggal",
            "judul": "Waktu pemungutan suara",
            "pertanyaan": "Waktu pemungutan suara di TPS dimulai dan diakhiri pada pukul?",
            "poin": Decimal(1),
            "opsi_a": "06.00-12.00",
            "opsi_b": "07.00-13.00 waktu setempat",
            "opsi_c": "08.00-14.00",
            "opsi_d": "07.00-15.00",
            "kunci": "B",
            "umpan_balik": "Pemungutan suara berlangsung pukul 07.00-13.00 waktu setempat.",
        },
        {
            "tipe": "pilihan_ganda_kompleks",
            "judul": "Larangan Pengawas TPS",
            "pertanyaan": "Pilih semua perbuatan yang dilarang bagi Pengawas TPS.",
            "poin": Decimal(2),
            "opsi_a": "Membantu KPPS mengisi formulir hasil penghitungan",
            "opsi_b": "Menyampaikan keberatan",
            "opsi_c": "Melihat ke dalam bilik suara",
            "opsi_d": "Melapor ke PKD",
            "kunci": "A,C",
        },
        {
            "tipe": "benar_salah",
            "judul": "Batas waktu PSU",
            "pertanyaan": (
                "PSU di TPS wajib dilaksanakan paling lama 10 hari setelah hari pemungutan suara."
            ),
            "poin": Decimal(1),
            "kunci": "benar",
        },
        {
            "tipe": "isian_singkat",
            "judul": "Pemeriksa data",
            "pertanyaan": (
                "Dalam Satu Data Bawaslu, pihak yang memeriksa data sebelum dipublikasikan "
                "disebut ..."
            ),
            "poin": Decimal(1),
            "kunci": "walidata | wali data",
        },
        {
            "tipe": "menjodohkan",
            "judul": "Jenis kode wilayah",
            "pertanyaan": "Jodohkan kode wilayah dengan jenis daerahnya.",
            "poin": Decimal("1.5"),
            "opsi_a": "32 => Provinsi",
            "opsi_b": "32.04 => Kabupaten",
            "opsi_c": "32.73 => Kota",
            "umpan_balik": "Digit ketiga dan keempat 71-99 menandakan kota.",
        },
    ]


def build_template_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in template_rows():
        writer.writerow([_csv_value(row.get(column, "")) for column in TEMPLATE_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Soal"
    sheet.append(TEMPLATE_COLUMNS)
    for row in template_rows():
        sheet.append([_xlsx_value(row.get(column, "")) for column in TEMPLATE_COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    widths = {"A": 24, "B": 26, "C": 60, "D": 7, "K": 14, "L": 45}
    for letter in "ABCDEFGHIJKL":
        sheet.column_dimensions[letter].width = widths.get(letter, 30)
        if letter != "D":
            # Text, so that Excel keeps "32.10" or "1/2" as typed instead of a number or date.
            sheet.column_dimensions[letter].number_format = "@"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    types = DataValidation(type="list", formula1='"' + ",".join(TYPE_NAMES) + '"', allow_blank=True)
    types.error = _("Pilih salah satu tipe dari daftar.")
    sheet.add_data_validation(types)
    types.add("A2:A2001")

    guide = workbook.create_sheet("Petunjuk")
    guide.append([_("Kolom"), _("Isi")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column, text in column_guide():
        guide.append([column, text])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 110
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_guide() -> list[tuple[str, str]]:
    """What each column takes, for the "Petunjuk" sheet (the README has the same table)."""
    return [
        (
            "tipe",
            _(
                "Wajib. pilihan_tunggal, pilihan_ganda_kompleks, benar_salah, isian_singkat atau "
                "menjodohkan."
            ),
        ),
        (
            "judul",
            _(
                "Opsional. Judul singkat soal di bank soal; jika kosong diambil dari awal "
                "pertanyaan."
            ),
        ),
        ("pertanyaan", _("Wajib. Teks soal (teks biasa; baris baru dipertahankan).")),
        (
            "poin",
            _(
                "Opsional, bawaan 1. Angka lebih dari 0 sampai 1000, dibulatkan ke dua desimal; "
                "tulis 1,5 atau 1.5."
            ),
        ),
        (
            "opsi_a … opsi_f",
            _(
                "Pilihan jawaban untuk pilihan_tunggal dan pilihan_ganda_kompleks (paling sedikit "
                "dua, diisi berurutan tanpa lompatan). Untuk menjodohkan: satu pasangan per kolom, "
                "ditulis 'kiri => kanan'. Kosongkan untuk benar_salah dan isian_singkat. Kolom "
                "opsi_g sampai opsi_j boleh ditambahkan."
            ),
        ),
        (
            "kunci",
            _(
                "Wajib diisi kecuali untuk menjodohkan. pilihan_tunggal: satu huruf (B). "
                "pilihan_ganda_kompleks: beberapa huruf (A,C). benar_salah: benar atau salah. "
                "isian_singkat: jawaban yang diterima, dipisah | (walidata | wali data). Pada "
                "pilihan_ganda_kompleks opsi yang benar berbagi nilai 100% dan opsi yang salah "
                "berbagi -100%, sehingga mencentang semua opsi tidak mendapat nilai."
            ),
        ),
        ("umpan_balik", _("Opsional. Umpan balik umum yang tampil setelah soal dijawab.")),
        (
            "umpan_balik_a … _f",
            _("Opsional (tambahkan kolomnya bila perlu). Umpan balik untuk tiap opsi pilihan."),
        ),
    ]


def _csv_value(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value or None
