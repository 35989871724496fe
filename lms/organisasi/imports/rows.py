"""Reading the file into rows: the columns, the cleaning of each value, the result types."""

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

from lms.core.spreadsheets import (
    SpreadsheetError,
    has_control_characters,
    invisible_character,
    spreadsheet_rows,
)

from ..models import Employee

HEADERS = {
    "nip": "nip",
    "nama": "full_name",
    "email": "email",
    "kode unit": "unit_code",
    "jabatan": "position",
    "jenis pegawai": "employment_type",
}
REQUIRED_HEADERS = ("nama", "email", "kode unit", "jenis pegawai")
EMPLOYMENT_TYPES = {
    "pns": Employee.EmploymentType.PNS,
    "pppk": Employee.EmploymentType.PPPK,
    "p3k": Employee.EmploymentType.PPPK,
    "nonasn": Employee.EmploymentType.NON_ASN,
    "ppnpn": Employee.EmploymentType.NON_ASN,
    "adhoc": Employee.EmploymentType.AD_HOC,
}
BATCH = 1000
# Rejected values are echoed in the report up to this many characters.
SHOWN_CHARS = 60


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, missing columns, past a limit)."""

    def __init__(self, message: str, *, line: int | None = None):
        self.message = str(message)
        self.line = line
        super().__init__(self.message)

    def as_report(self) -> dict:
        return {"line": self.line or 0, "nip": "", "email": "", "reasons": [self.message]}


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """`value` as the report may echo it: control characters (which PostgreSQL's JSON refuses)
    and invisible or direction-changing ones replaced, and a long value shortened, with a mark
    that it was."""
    if has_control_characters(value) or invisible_character(value):
        value = "".join(
            "\ufffd" if has_control_characters(char) or invisible_character(char) else char
            for char in value
        )
    return value if len(value) <= limit else value[:limit] + "\u2026"


@dataclass(slots=True)
class Row:
    line: int
    nip: str | None
    full_name: str
    email: str
    unit_code: str
    position: str
    employment_type: str


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    new_user_ids: list[int] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.errors)


# The space separators (Unicode "Zs").
SPACES = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Runs of spaces (a no-break space included) become one space and the ends are trimmed;
    # a tab or a line break inside a value is kept, for the validation to refuse: it is never
    # turned silently into a space.
    return SPACES.sub(" ", str(value)).strip()


def _csv_delimiter(header_line: str) -> str:
    """Excel set to the Indonesian locale saves CSV with semicolons."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def employee_import_parse(*, content: bytes | BinaryIO, filename: str) -> list[Row]:
    """Read the file into rows without judging them; raise ImportFileError if it cannot be
    read within the limits, saying where."""
    try:
        return _parse(content, filename)
    except SpreadsheetError as exc:
        message = exc.message
        if exc.column:
            message = _("Kolom %(column)s: %(message)s") % {
                "column": exc.column,
                "message": message,
            }
        raise ImportFileError(message[:1].upper() + message[1:], line=exc.line) from exc


def _parse(content: bytes | BinaryIO, filename: str) -> list[Row]:
    records = spreadsheet_rows(content, filename=filename, csv_delimiter=_csv_delimiter)
    header_line, header = next(records, (1, []))
    columns = {}
    for index, value in enumerate(header):
        name = _clean(value).lower()
        if name and name not in columns:
            columns[name] = index
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ditemukan pada baris %(line)s: %(cols)s.")
            % {"line": header_line, "cols": ", ".join(missing)},
            line=header_line,
        )
    rows = []
    for line, values in records:
        cells = {}
        for header_name, attr in HEADERS.items():
            index = columns.get(header_name)
            cells[attr] = _clean(values[index]) if index is not None and index < len(values) else ""
        if not any(cells.values()):
            continue  # blank lines are not rows
        rows.append(employee_row(line=line, **cells))
    return rows


def employee_row(
    *,
    line: int,
    nip: str | None,
    full_name: str,
    email: str,
    unit_code: str,
    position: str = "",
    employment_type: str,
) -> Row:
    """One row as the file's cells give it, cleaned as the import cleans a cell (spaces
    folded, a NIP's spaces removed, the email in lower case), for the validation to judge:
    the file import and the API build their rows here alike."""
    return Row(
        line=line,
        nip=_clean(nip).replace(" ", "") or None,
        full_name=_clean(full_name),
        email=_clean(email).lower(),
        unit_code=_clean(unit_code),
        position=_clean(position),
        employment_type=_clean(employment_type),
    )


def _employment_type(value: str) -> str | None:
    return EMPLOYMENT_TYPES.get(re.sub(r"[\s\-_/]", "", value.lower()))
