"""Reading uploaded CSV and XLSX files row by row, within limits.

An upload is untrusted: a 600 KB XLSX can declare twenty million blank rows, unpack to
gigabytes, or carry one shared string of 100 MB. Every importer (employees, question files)
reads through here, so that one set of limits (`LMS_IMPORT_MAX_*` in the settings) holds for
all of them, and a file past a limit is refused with an Indonesian message naming it.

An XLSX is inspected as a zip before any large part of it is read: once the small parts that
name the first worksheet are read (each held to METADATA_MAX_BYTES), the size of each part
against its own limit, the total and the compression ratios its directory declares (which
zipfile enforces while reading) are checked. openpyxl, in read-only mode, finds that sheet; its
shared strings, its date styles and the sheet itself are streamed, the sheet cell by cell with
openpyxl's own cell reader. Rows are counted by their number in the sheet, so blank rows count
and a gap is never filled in.

    for line, values in spreadsheet_rows(upload, filename="pegawai.xlsx"):
        ...  # line: the row's number in the sheet (CSV: its first line); values: a list
"""

from collections.abc import Callable
from typing import BinaryIO

from django.utils.translation import gettext as _

from .common import Rows, SpreadsheetError, SpreadsheetLimits, column_letter
from .csv_files import csv_rows
from .text import INVISIBLE_CATEGORIES, has_control_characters, invisible_character
from .xlsx_files import xlsx_rows

__all__ = [
    "INVISIBLE_CATEGORIES",
    "Rows",
    "SpreadsheetError",
    "SpreadsheetLimits",
    "column_letter",
    "csv_rows",
    "has_control_characters",
    "invisible_character",
    "spreadsheet_rows",
    "xlsx_rows",
]


def spreadsheet_rows(
    source: bytes | BinaryIO,
    *,
    filename: str,
    limits: SpreadsheetLimits | None = None,
    csv_delimiter: str | Callable[[str], str] = ",",
) -> Rows:
    """The rows of a CSV or XLSX file, chosen by its name; raise SpreadsheetError otherwise."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return xlsx_rows(source, limits=limits)
    if name.endswith(".csv"):
        return csv_rows(source, limits=limits, delimiter=csv_delimiter)
    raise SpreadsheetError(_("Format berkas harus CSV atau XLSX."))
