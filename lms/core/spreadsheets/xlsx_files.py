"""XLSX uploads: the zip checked against the limits before anything large is unpacked, then
the first worksheet streamed cell by cell (see the package's docstring)."""

import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from .common import (
    Rows,
    SpreadsheetError,
    SpreadsheetLimits,
    _cell_limit_error,
    _column_limit_error,
    _megabytes,
    _row_limit_error,
)

# A member smaller than this is never judged by its compression ratio: small XML compresses
# well and cannot hurt.
RATIO_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# The parts openpyxl itself loads: [Content_Types].xml, the workbook and its relationships.
METADATA_MAX_BYTES = 512 * 1024
# Styles are read only for which of them are dates; a workbook bloated past this many bytes of
# styles (tens of thousands) is refused rather than read for seconds.
STYLES_MAX_BYTES = 4 * 1024 * 1024
# Excel's own width; a row with more cells than this is not a spreadsheet.
MAX_CELLS_PER_ROW = 16_384


def xlsx_rows(source: bytes | BinaryIO, *, limits: SpreadsheetLimits | None = None) -> Rows:
    """The rows of the first worksheet, as lists of cell values (text, numbers, dates, None),
    each with its row number. Rows absent from the sheet are skipped, not filled in."""
    limits = limits or SpreadsheetLimits.from_settings()
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size > limits.max_file_bytes:
        raise SpreadsheetError(
            _("Berkas lebih besar dari batas %(max)s.") % {"max": _megabytes(limits.max_file_bytes)}
        )
    return _xlsx_rows(source, limits)


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError(
        _("Berkas XLSX tidak dapat dibaca; simpan ulang sebagai Excel Workbook (.xlsx).")
    )


def _xlsx_rows(source: BinaryIO, limits: SpreadsheetLimits) -> Rows:
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(source, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable() from exc
    with reader.archive:
        book = _open_workbook(reader, limits)
        yield from _stream_sheet(reader.archive, book, limits)


@dataclass
class _Book:
    """What reading the first sheet needs from the rest of the workbook."""

    sheet_part: str
    shared_strings: list[str]
    date_styles: set[int]
    duration_styles: set[int]
    epoch: object


def _open_workbook(reader, limits: SpreadsheetLimits) -> _Book:
    """Check the zip against the limits before anything is unpacked, let openpyxl (in read-only
    mode) find the first worksheet, then read the shared strings and which styles are dates.

    openpyxl builds an object per XML element of every part it loads, at about a millisecond
    each: a 1 MB styles part takes it ten seconds, a 34 KB one can hold thousands of styles. So
    it reads only the small parts that lead to the sheet (held to METADATA_MAX_BYTES), and
    the shared strings and the styles are streamed here with the C parser, as is the sheet."""
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS

    archive = reader.archive
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(
            _("Berkas XLSX berisi %(count)s bagian; batasnya %(max)s.")
            % {"count": len(members), "max": MAX_ZIP_MEMBERS}
        )
    sizes = {info.filename: info.file_size for info in members}

    def part_size_ok(name: str, limit: int) -> None:
        if sizes.get(name, 0) > limit:
            raise SpreadsheetError(
                _("Bagian %(name)s berkas XLSX %(size)s setelah diekstrak; batasnya %(max)s.")
                % {"name": name[:100], "size": _megabytes(sizes[name]), "max": _megabytes(limit)}
            )

    try:
        part_size_ok(ARC_CONTENT_TYPES, METADATA_MAX_BYTES)
        reader.read_manifest()
        workbook_part = _find_workbook_part(reader.package).PartName[1:]
        part_size_ok(workbook_part, METADATA_MAX_BYTES)
        part_size_ok(get_rels_path(workbook_part), METADATA_MAX_BYTES)
        reader.read_workbook()
        sheet_part = next(
            (
                posixpath.normpath(rel.target)
                for _sheet, rel in reader.parser.find_sheets()
                if "chartsheet" not in rel.Type and posixpath.normpath(rel.target) in sizes
            ),
            None,
        )
        if sheet_part is None:
            raise SpreadsheetError(_("Berkas XLSX tidak berisi lembar kerja."))
        # Each part against the limit that applies to it, before the total and the ratios, so
        # that a refusal names that limit (a 100 MB shared string is past the shared strings'
        # 16 MB, not the sheet's 80 MB). Only the first sheet may be larger: it is the only part
        # read row by row. The parts read so far are held to METADATA_MAX_BYTES.
        part_size_ok(ARC_STYLE, STYLES_MAX_BYTES)
        for name in sizes:
            part_size_ok(
                name,
                limits.max_sheet_bytes if name == sheet_part else limits.max_shared_strings_bytes,
            )
        _check_members(members, limits)
        strings = reader.package.find(SHARED_STRINGS)
        shared_strings = _read_shared_strings(archive, strings.PartName[1:]) if strings else []
        date_styles, duration_styles = _date_styles(archive, sizes)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable() from exc
    return _Book(sheet_part, shared_strings, date_styles, duration_styles, reader.wb.epoch)


def _parse(source: BinaryIO):
    """The standard library's parser in C, thirty times faster than defusedxml's (in Python,
    which openpyxl uses): it resolves no external entity, expat since 2.4.1 stops entity
    amplification (billion laughs), and the zip checks bound the rest."""
    return ElementTree.iterparse(source, events=("start", "end"))  # noqa: S314


def _read_shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """Each string's text without its formatting, as openpyxl's own reader gives it (phonetic
    runs left out)."""
    from openpyxl.xml.constants import SHEET_MAIN_NS

    item, text, run = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("si", "t", "r"))
    strings = []
    table = None
    with archive.open(part) as source:
        for event, element in _parse(source):
            if table is None:
                table = element
            elif event == "end" and element.tag == item:
                snippets = [element.findtext(text) or ""]
                snippets += [r.findtext(text) or "" for r in element.iterfind(run)]
                strings.append("".join(snippets).replace("x005F_", ""))
                table.remove(element)
    return strings


def _date_styles(archive: zipfile.ZipFile, sizes: dict) -> tuple[set[int], set[int]]:
    """The cell styles (by index, as a cell's `s` names them) whose number format is a date or
    a duration, so that their numbers are read as openpyxl reads them."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
    from openpyxl.xml.constants import ARC_STYLE, SHEET_MAIN_NS

    if ARC_STYLE not in sizes:
        return set(), set()
    cell_styles, style, number_format = (
        f"{{{SHEET_MAIN_NS}}}{name}" for name in ("cellXfs", "xf", "numFmt")
    )
    custom: dict[int, str] = {}
    dates, durations = set(), set()
    index = 0
    parents = []
    with archive.open(ARC_STYLE) as source:
        for event, element in _parse(source):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            if element.tag == number_format:
                custom[int(element.get("numFmtId"))] = element.get("formatCode", "")
            elif element.tag == style and parents and parents[-1].tag == cell_styles:
                number = int(element.get("numFmtId", 0))
                code = custom[number] if number in custom else builtin_format_code(number)
                if code and is_date_format(code):
                    dates.add(index)
                if code and is_timedelta_format(code):
                    durations.add(index)
                index += 1
            if parents:
                parents[-1].remove(element)
    return dates, durations


def _check_members(members: list[zipfile.ZipInfo], limits: SpreadsheetLimits) -> None:
    """The total size the zip declares (zipfile refuses a part that unpacks to more than its
    declared size) against the limit, and each part's compression ratio; each part's own size
    is checked before, against its own limit."""
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > limits.max_compression_ratio:
            raise SpreadsheetError(
                _(
                    "Bagian %(name)s berkas XLSX termampatkan %(ratio)s kali; batasnya "
                    "%(max)s kali. Berkas ini bukan lembar kerja biasa."
                )
                % {
                    "name": info.filename[:100],
                    "ratio": int(ratio),
                    "max": limits.max_compression_ratio,
                }
            )
    unpacked = sum(info.file_size for info in members)
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetError(
            _("Isi berkas XLSX %(size)s setelah diekstrak; batasnya %(max)s.")
            % {"size": _megabytes(unpacked), "max": _megabytes(limits.max_unpacked_bytes)}
        )


def _stream_sheet(archive: zipfile.ZipFile, book: _Book, limits: SpreadsheetLimits) -> Rows:
    """Cell by cell with openpyxl's own cell reader, dropping each cell and row once read, so
    that memory holds one row however long the sheet is."""
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    sheet_data_tag = f"{{{SHEET_MAIN_NS}}}sheetData"
    parser = WorkSheetParser(
        None,
        book.shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book.date_styles,
        timedelta_formats=book.duration_styles,
    )
    line = 0
    row = sheet_data = None
    values: list = []
    cells = 0
    try:
        with archive.open(book.sheet_part) as source:
            for event, element in _parse(source):
                tag = element.tag
                if event == "start":
                    if tag == ROW_TAG:
                        line = _row_number(element.get("r"), line)
                        if line > limits.max_rows:
                            raise _row_limit_error(line, limits)
                        parser.row_counter, parser.col_counter = line, 0
                        row, values, cells = element, [], 0
                    elif tag == sheet_data_tag:
                        sheet_data = element
                    continue
                if tag == CELL_TAG and row is not None:
                    cells += 1
                    if cells > MAX_CELLS_PER_ROW:
                        raise _column_limit_error(line, limits)
                    _place(values, parser.parse_cell(element), line, limits)
                    row.remove(element)
                elif tag == ROW_TAG:
                    yield line, values
                    if sheet_data is not None:
                        sheet_data.remove(element)
                    row = None
                elif tag == sheet_data_tag:
                    break
                elif row is None:
                    element.clear()
    except SpreadsheetError:
        raise
    except Exception as exc:  # broken XML, a bad shared string index, a bad coordinate...
        raise SpreadsheetError(
            _("Isi lembar kerja XLSX rusak dan tidak dapat dibaca."), line=line or None
        ) from exc


def _row_number(value: str | None, previous: int) -> int:
    if value is None:
        return previous + 1
    number = int(value)
    if number <= previous:
        raise ValueError(f"row {number} after row {previous}")
    return number


def _place(values: list, cell: dict, line: int, limits: SpreadsheetLimits) -> None:
    value, column = cell["value"], cell["column"]
    if value is None or value == "":
        return  # a formatted empty cell, wherever it is
    if column > limits.max_columns:
        raise _column_limit_error(line, limits)
    if isinstance(value, str) and len(value) > limits.max_cell_chars:
        raise _cell_limit_error(line, column, len(value), limits)
    if column <= len(values):
        values[column - 1] = value
    else:
        values.extend([None] * (column - 1 - len(values)))
        values.append(value)
