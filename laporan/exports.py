"""Reports as tables for CSV and XLSX: the same selectors and filters as the pages, every row
instead of one page. Rows are produced lazily and written as they come (CSV streamed to the
browser, XLSX through openpyxl's write-only mode), so memory does not grow with the rows.

Names, positions and unit names are typed by people, so the writers never let a cell become
a formula: XLSX text cells are strings whatever they start with, and CSV text that a
spreadsheet would read as a formula gets a leading quote (OWASP, "CSV Injection"). Numbers
are written as numbers in both."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kursus.models import CoursePage
from lms.organisasi.models import OrgUnit

from .filters import ReportFilters, jp_target
from .models import ReportExport, SummaryRefresh
from .selectors import (
    COURSE_REPORT_EXTRA_COLUMNS,
    Figures,
    course_report_queryset,
    course_report_rows,
    jp_list_queryset,
    jp_rows,
    unit_report,
)

CHUNK = 2000


def sync_max_rows() -> int:
    return getattr(settings, "LMS_REPORT_EXPORT_SYNC_MAX_ROWS", 2000)


@dataclass
class Table:
    title: str
    filename: str
    header: list[str]
    rows: Iterable[list]
    count: int


def _pct(value: float | None) -> str | float:
    return "" if value is None else value


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, "Y-m-d")


def summary_header() -> list[str]:
    return [
        _("Kode unit"),
        _("Unit"),
        _("Pegawai aktif"),
        _("Pendaftaran"),
        _("Belum mulai"),
        _("Sedang belajar"),
        _("Selesai"),
        _("Tingkat penyelesaian (%)"),
        _("Terlambat (wajib)"),
        _("Memenuhi target JP"),
        _("Kepatuhan JP (%)"),
    ]


def summary_cells(code: str, name: str, f: Figures) -> list:
    return [
        code,
        name,
        f.employees,
        f.enrolled,
        f.not_started,
        f.in_progress,
        f.completed,
        _pct(f.completion_rate),
        f.overdue,
        f.jp_compliant,
        _pct(f.jp_rate),
    ]


def summary_table(*, unit: OrgUnit, filters: ReportFilters, refresh) -> Table:
    """The child-unit table of the dashboard, then the unit's own people, then the total."""
    report = unit_report(unit=unit, filters=filters, refresh=refresh)
    rows = [summary_cells(r["unit"].code, r["unit"].name, r["figures"]) for r in report.children]
    direct = report.direct
    if report.children and (direct.employees or direct.enrolled):
        rows.append(
            summary_cells(unit.code, _("Langsung di %(unit)s") % {"unit": unit.name}, direct)
        )
    total = _("Jumlah %(unit)s") % {"unit": unit.name}
    rows.append(summary_cells(unit.code, total, report.figures))
    return Table(
        title=_("Ringkasan %(unit)s %(year)s") % {"unit": unit.name, "year": filters.year},
        filename=f"ringkasan-{unit.code}-{filters.year}",
        header=summary_header(),
        rows=rows,
        count=len(rows),
    )


def course_header() -> list[str]:
    return [
        _("Nama"),
        _("NIP"),
        _("Unit kerja"),
        _("Jabatan"),
        _("Jenis pegawai"),
        _("Status"),
        _("Kemajuan (%)"),
        _("Tanggal selesai"),
        _("Wajib"),
        _("Batas waktu"),
        _("Terlambat"),
        *[str(label) for _key, label in COURSE_REPORT_EXTRA_COLUMNS],
    ]


# The quiz grades the screen shows as text ("87.5", "-12.5" for a loss) are numbers in a file.
NUMERIC_EXTRAS = frozenset({"pretest", "posttest", "gain"})


def _number(text: str) -> Decimal | str:
    return Decimal(text) if text != "" else ""


def course_cells(row: dict) -> list:
    return [
        row["name"],
        row["nip"],
        row["unit"],
        row["position"],
        str(row["employment_type"]),
        str(row["status_label"]),
        row["progress"],
        _date(row["completed_at"]),
        _("Ya") if row["mandatory"] else _("Tidak"),
        _date(row["due_date"]),
        _("Ya") if row["overdue"] else _("Tidak"),
        *[
            _number(value) if key in NUMERIC_EXTRAS else value
            for (key, _label), value in zip(COURSE_REPORT_EXTRA_COLUMNS, row["extras"], strict=True)
        ],
    ]


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def course_table(
    *, unit: OrgUnit, course: CoursePage, filters: ReportFilters, status: str, order: str
) -> Table:
    qs = course_report_queryset(
        unit=unit, course=course, filters=filters, status=status, order=order
    )

    def rows():
        for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
            for row in course_report_rows(chunk, course=course):
                yield course_cells(row)

    return Table(
        title=f"{course.code} · {unit.name}",
        filename=f"kursus-{course.code}-{unit.code}".lower(),
        header=course_header(),
        rows=rows(),
        count=qs.count(),
    )


def jp_header(year: int) -> list[str]:
    return [
        _("Nama"),
        _("NIP"),
        _("Unit kerja"),
        _("Jabatan"),
        _("Jenis pegawai"),
        _("JP tahun %(year)s") % {"year": year},
        _("Kekurangan dari target %(target)s JP") % {"target": jp_target()},
        _("Kursus selesai tahun ini"),
    ]


def jp_cells(row: dict) -> list:
    return [
        row["full_name"],
        row["nip"] or "",
        row["unit"],
        row["position"],
        str(row["employment_type_label"]),
        row["jp"],
        row["shortfall"],
        "; ".join(row["done"]),
    ]


def jp_table(
    *, unit: OrgUnit, filters: ReportFilters, refresh, below_only: bool, order: str
) -> Table:
    qs = jp_list_queryset(
        unit=unit, filters=filters, refresh=refresh, below_only=below_only, order=order
    )

    def rows():
        for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
            for row in jp_rows(chunk, year=filters.year):
                yield jp_cells(row)

    return Table(
        title=_("Kepatuhan JP %(unit)s %(year)s") % {"unit": unit.name, "year": filters.year},
        filename=f"jp-{unit.code}-{filters.year}",
        header=jp_header(filters.year),
        rows=rows(),
        count=qs.count(),
    )


def export_table(
    *,
    kind: str,
    unit: OrgUnit,
    filters: ReportFilters,
    refresh: SummaryRefresh | None,
    course: CoursePage | None = None,
    options: dict | None = None,
) -> Table:
    options = options or {}
    if kind == ReportExport.Kind.SUMMARY:
        return summary_table(unit=unit, filters=filters, refresh=refresh)
    if kind == ReportExport.Kind.COURSE:
        return course_table(
            unit=unit,
            course=course,
            filters=filters,
            status=options.get("status", ""),
            order=options.get("order", "nama"),
        )
    return jp_table(
        unit=unit,
        filters=filters,
        refresh=refresh,
        below_only=options.get("below_only", True),
        order=options.get("order", "jp"),
    )


# Writers


class _Echo:
    def write(self, value):
        return value


# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (or, for tab and
# CR, what they skip before reading one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text that would start a formula, behind a single quote; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV text, line by line (UTF-8 with BOM so that Excel reads it right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_cell(value) for value in table.header])
    for row in table.rows:
        yield writer.writerow([csv_cell(value) for value in row])


def write_csv(table: Table, fh, *, progress=None) -> int:
    n = 0
    for n, line in enumerate(csv_lines(table)):
        fh.write(line.encode())
        if progress and n and n % CHUNK == 0:
            progress(n)
    return n


def write_xlsx(table: Table, fh, *, progress=None) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    def text_cell(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    def cell_value(value):
        """Text as a string cell, even `=HYPERLINK(...)` or `#N/A`, which openpyxl would write
        as a formula or an error value (other text it writes as a string already); control
        characters XML cannot carry become U+FFFD rather than failing the export. Numbers
        stay numbers."""
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if value.startswith("=") or value in ERROR_CODES:
            return text_cell(value)
        return value

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Laporan"))
    bold = Font(bold=True)
    header = []
    for value in table.header:
        cell = text_cell(str(value))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    n = 0
    for n, row in enumerate(table.rows, start=1):
        sheet.append([cell_value(value) for value in row])
        if progress and n % CHUNK == 0:
            progress(n)
    workbook.save(fh)
    return n
