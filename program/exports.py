"""Tables written as XLSX that can never carry a formula: names, units and reasons are typed
by people, so every text cell is written as a string whatever it starts with (the same rule
as laporan's exports, which this app may not import)."""

import io
from collections.abc import Iterable


def xlsx_bytes(*, title: str, header: list[str], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def text_cell(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # a string, even "=HYPERLINK(...)" or "#N/A"
        return cell

    def cell_value(value):
        if value is None:
            return None
        if isinstance(value, str):
            return text_cell(value)
        return value

    bold = Font(bold=True)
    head = []
    for value in header:
        cell = text_cell(str(value))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([cell_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
