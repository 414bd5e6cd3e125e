"""Tables as files: CSV (UTF-8 with the byte-order mark, so Excel and WPS read Chinese right)
and XLSX (openpyxl in write-only mode, row by row).

A `Table` is named columns over rows; every text cell goes through `safe_cell`, so a value
starting with "=" stays text in a spreadsheet. The dashboard, the roster and the audit log
build their tables and write them here.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .spreadsheets import safe_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation: the file speaks the page's language
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[Column]
    rows: list[Any]

    def header(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [safe_cell(column.value(row)) for column in self.columns]


def _text(value: Any) -> Any:
    return "" if value is None else value


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel and WPS open UTF-8 CSV as UTF-8 only with the byte-order mark
    writer = csv.writer(out)
    writer.writerow(table.header())
    for values in table.values():
        writer.writerow([_text(value) for value in values])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    """Write-only mode streams rows to the file instead of holding a cell object per value."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in table.header():
        cell = WriteOnlyCell(sheet, value=safe_cell(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in table.values():
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
