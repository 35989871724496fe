"""Building XLSX files for the limit tests: a real workbook from openpyxl, with parts replaced
by hand-written XML (streamed into the zip, so that a 100 MB part never sits in memory)."""

import io
import zipfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

from openpyxl import Workbook

SHEET_PART = "xl/worksheets/sheet1.xml"
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_bytes(rows: Iterable[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_parts(xlsx: bytes, parts: dict[str, bytes | Callable[[BinaryIO], None]]) -> bytes:
    """`xlsx` with the named parts replaced (or added): bytes, or a function that writes them."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            with target.open(name, "w", force_zip64=True) as fh:
                if callable(content):
                    content(fh)
                else:
                    fh.write(content)
    return out.getvalue()


def sheet_xml(rows: str, *, before: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
        f"{before}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def inline_row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def streamed(head: bytes, chunk: bytes, count: int, tail: bytes) -> Callable[[BinaryIO], None]:
    def write(fh: BinaryIO) -> None:
        fh.write(head)
        for _ in range(count):
            fh.write(chunk)
        fh.write(tail)

    return write


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def with_shared_strings(xlsx: bytes, shared_strings, sheet: bytes) -> bytes:
    """`xlsx` with a shared strings part (declared in [Content_Types].xml as Excel does) and a
    sheet that refers to it."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        types = source.read("[Content_Types].xml").decode()
    override = f'<Override PartName="/{SHARED_STRINGS_PART}" ContentType="{SHARED_STRINGS_TYPE}"/>'
    types = types.replace("</Types>", override + "</Types>")
    return with_parts(
        xlsx,
        {
            "[Content_Types].xml": types.encode(),
            SHEET_PART: sheet,
            SHARED_STRINGS_PART: shared_strings,
        },
    )


def shared_strings_xml(*strings: str) -> bytes:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<sst xmlns="{MAIN_NS}" count="{len(strings)}">{items}</sst>'.encode()
