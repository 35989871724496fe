"""What reading either format shares: the limits, the error, and its messages."""

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

Rows = Iterator[tuple[int, list]]


class SpreadsheetError(Exception):
    """The file cannot be read within the limits; `line` and `column` say where, when known."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        self.message = str(message)
        self.line = line
        self.column = column
        super().__init__(self.message)


@dataclass(frozen=True)
class SpreadsheetLimits:
    max_file_bytes: int
    max_unpacked_bytes: int
    max_sheet_bytes: int
    max_shared_strings_bytes: int
    max_compression_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_line_chars: int

    @classmethod
    def from_settings(cls, **overrides) -> "SpreadsheetLimits":
        values = {f.name: getattr(settings, f"LMS_IMPORT_{f.name.upper()}") for f in fields(cls)}
        return cls(**(values | overrides))


def column_letter(index: int) -> str:
    """The spreadsheet name of the 1-based column `index` (1 -> A, 28 -> AB)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _read_bounded(source: bytes | BinaryIO, limit: int) -> bytes:
    content = source if isinstance(source, bytes) else source.read(limit + 1)
    if len(content) > limit:
        raise SpreadsheetError(
            _("Berkas lebih besar dari batas %(max)s.") % {"max": _megabytes(limit)}
        )
    return content


def _row_limit_error(line: int, limits: SpreadsheetLimits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "berkas berisi lebih dari %(max)s baris (baris kosong ikut dihitung). Hapus baris "
            "kosong di bawah data atau bagi menjadi beberapa berkas."
        )
        % {"max": limits.max_rows},
        line=line,
    )


def _cell_limit_error(line: int, column: int, length: int, limits) -> SpreadsheetError:
    return SpreadsheetError(
        _("sel berisi %(length)s karakter; batasnya %(max)s karakter per sel.")
        % {"length": length, "max": limits.max_cell_chars},
        line=line,
        column=column_letter(column),
    )


# CSV ------------------------------------------------------------------------------------------


def _column_limit_error(line: int, limits: SpreadsheetLimits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "ada isi di luar %(max)s kolom pertama; berkas boleh memakai paling banyak "
            "%(max)s kolom."
        )
        % {"max": limits.max_columns},
        line=line,
    )
