"""What the .xlsx exports share: safe cell writing (text is never turned into a formula),
a bold frozen header row and column widths that fit Chinese text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "yyyy-mm-dd"  # a spreadsheet column: the table style (docs/dates.md)
_FORMULA_START = ("=", "+", "-", "@")


def put(ws: Worksheet, row: int, col: int, value: Any, **style: Any) -> None:
    """Write ``value``; strings that Excel would read as a formula are stored as text
    (quotePrefix, like typing a leading apostrophe)."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    for key, val in style.items():
        setattr(cell, key, val)
    cell.border = BORDER


def _width(value: Any) -> int:
    text = value.isoformat() if isinstance(value, date) else str(value if value is not None else "")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_table(
    ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = "", first_row: int = 1
) -> int:
    """Title (optional, merged), header row (bold, frozen) and rows; returns the next free row."""
    r = first_row
    if title:
        ws.cell(row=r, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=max(1, len(headers)))
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
        r += 1
    for c, head in enumerate(headers, start=1):
        put(ws, r, c, head, font=Font(bold=True), fill=HEADER_FILL,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    ws.freeze_panes = ws.cell(row=r + 1, column=1)
    for i, values in enumerate(rows, start=r + 1):
        for c, value in enumerate(values, start=1):
            put(ws, i, c, value)
    for c, head in enumerate(headers, start=1):
        widest = max([_width(head)] + [_width(row[c - 1]) for row in rows if c - 1 < len(row)])
        ws.column_dimensions[get_column_letter(c)].width = min(max(widest + 2, 6), 60)
    return r + 1 + len(rows)
