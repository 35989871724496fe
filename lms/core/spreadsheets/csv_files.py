"""CSV uploads: decoded, split into records within the limits."""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from .common import (
    Rows,
    SpreadsheetError,
    SpreadsheetLimits,
    _cell_limit_error,
    _column_limit_error,
    _read_bounded,
    _row_limit_error,
)


def csv_rows(
    source: bytes | BinaryIO,
    *,
    limits: SpreadsheetLimits | None = None,
    delimiter: str | Callable[[str], str] = ",",
) -> Rows:
    """The records of a UTF-8 CSV (a BOM allowed). `delimiter` may be a function of the first
    line, for files saved by Excel in a locale that separates with semicolons."""
    limits = limits or SpreadsheetLimits.from_settings()
    content = _read_bounded(source, limits.max_file_bytes)
    try:
        text = codecs.decode(content, "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "berkas CSV bukan teks UTF-8 yang sah. Simpan ulang dari Excel sebagai "
                "\u201cCSV UTF-8 (Comma delimited)\u201d."
            ),
            line=content[: exc.start].count(b"\n") + 1,
        ) from exc
    return _csv_records(text, limits, delimiter)


def _csv_records(text: str, limits: SpreadsheetLimits, delimiter) -> Rows:
    if callable(delimiter):
        delimiter = delimiter(text.split("\n", 1)[0])

    def lines() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if len(line) > limits.max_line_chars:
                raise SpreadsheetError(
                    _("baris berisi %(length)s karakter; batasnya %(max)s karakter per baris.")
                    % {"length": len(line), "max": limits.max_line_chars},
                    line=number,
                )
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    line = 1
    records = 0
    try:
        for cells in reader:
            records += 1
            if records > limits.max_rows:
                raise _row_limit_error(line, limits)
            for index, cell in enumerate(cells, start=1):
                if len(cell) > limits.max_cell_chars:
                    raise _cell_limit_error(line, index, len(cell), limits)
            if len(cells) > limits.max_columns and any(cells[limits.max_columns :]):
                raise _column_limit_error(line, limits)
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SpreadsheetError(
            _("baris CSV tidak dapat dibaca (%(detail)s).") % {"detail": exc}, line=line
        ) from exc
