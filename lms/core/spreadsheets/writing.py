"""Writing a small XLSX whose text cells can never be read as formulas."""

import io


def safe_cell(value, sheet):
    """Text as a string cell, even `=HYPERLINK(...)` or `#N/A` (which openpyxl would write as
    a formula or an error value); characters XML cannot carry become U+FFFD. Numbers stay
    numbers."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if value.startswith(("=", "+", "-", "@")) or value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_bytes(sheets: list[tuple[str, list[list]]]) -> bytes:
    """An XLSX of [(sheet title, rows), ...]; every text cell is a plain string."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([safe_cell(value, sheet) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
