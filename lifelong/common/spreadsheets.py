"""Spreadsheets in and out: CSV files that people open in a spreadsheet, and the CSV or XLSX
files staff upload (learning records, resident rosters), read one way for every import.

Reading streams the file: a CSV is decoded as UTF-8 (with or without Excel's BOM) or GB18030
(what Chinese Excel and WPS save as "CSV"), a workbook's first sheet is read by calamine. The
first row names the columns, in English or Chinese (`Columns.aliases`); a file without a
needed column is refused before any row is read.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from lifelong.common.errors import InvalidInput

# A cell starting with one of these is a formula to Excel and WPS (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# 100,000 rows unpack to about 45 MB: this allows some 900,000 rows per workbook.
XLSX_UNPACKED_MAX = 400 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"

Row = dict[str, Any]


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers and
    other values pass unchanged (so negative hours stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Columns:
    """The columns an import reads: each name with the headers that mean it (compared without
    case), and which are needed. A tuple in `required` means "one of these"."""

    aliases: dict[str, tuple[str, ...]]
    required: tuple[str | tuple[str, ...], ...]

    def header_map(self, header: list[Any]) -> dict[str, int]:
        """{column name: its index} for a header row; InvalidInput `bad_header` naming what
        is missing."""
        by_alias = {alias.lower(): name for name, names in self.aliases.items() for alias in names}
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = by_alias.get(str(cell or "").strip().lstrip("\ufeff").lower())
            if name and name not in found:
                found[name] = index
        missing = []
        for need in self.required:
            choices = need if isinstance(need, tuple) else (need,)
            if not any(choice in found for choice in choices):
                missing.append(choices[0])
        if missing:
            raise InvalidInput(
                _("The file has no column for: %(columns)s. The first row must name the columns.")
                % {"columns": ", ".join(missing)},
                code="bad_header",
                field="file",
            )
        return found


def _text_stream(binary: IO[bytes]) -> io.TextIOBase:
    """UTF-8 (with or without the BOM Excel writes), else GB18030, which is what Chinese Excel
    saves as "CSV"; decided on the first 64 KB."""
    head = binary.read(65536)
    binary.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    return io.TextIOWrapper(binary, encoding=encoding, newline="")


def _count_csv_rows(binary: IO[bytes]) -> int:
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: binary.read(1 << 20), b""))
    binary.seek(0)
    return max(lines - 1, 0)  # minus the header; a last line without newline is off by one at most


def read_table(binary: IO[bytes], name: str, columns: Columns) -> tuple[int, Iterator[tuple[int, Row]]]:
    """(about how many data rows, an iterator of (line number, {column: value})) for a CSV or
    XLSX file (judged by `name`). Blank rows are skipped; line numbers are the file's own, so
    a report points at the line a person sees in their spreadsheet."""
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(binary, columns)
    if not name.lower().endswith(".csv"):
        raise InvalidInput(_("Upload a CSV or XLSX file."), code="bad_file_type", field="file")
    total = _count_csv_rows(binary)
    reader = csv.reader(_text_stream(binary))
    try:
        found = columns.header_map(next(reader))
    except StopIteration:
        raise InvalidInput(_("The file is empty."), code="bad_header", field="file") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput(_("The file is not readable CSV."), code="bad_file_type", field="file") from error

    def rows():
        line = 1
        try:
            for line, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield line, {name: cells[i] if i < len(cells) else "" for name, i in found.items()}
        except (UnicodeDecodeError, csv.Error) as error:
            raise InvalidInput(
                _("The file cannot be read after line %(line)s; save it again as CSV and upload it.") % {"line": line},
                code="bad_file_type",
                field="file",
            ) from error

    return total, rows()


def check_workbook(binary: IO[bytes]) -> None:
    """A workbook is a zip archive: refuse one that is not, or that would unpack to more than
    XLSX_UNPACKED_MAX (a "zip bomb"), before anything unpacks it."""
    try:
        with zipfile.ZipFile(binary) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise InvalidInput(
            _("The file is not a readable XLSX workbook."), code="bad_file_type", field="file"
        ) from error
    finally:
        binary.seek(0)
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise InvalidInput(_("The file is not a readable XLSX workbook."), code="bad_file_type", field="file")
    if sum(member.file_size for member in members) > XLSX_UNPACKED_MAX:
        raise InvalidInput(_("The workbook is too large; split it into smaller files."), code="too_large", field="file")


def _read_xlsx(binary: IO[bytes], columns: Columns) -> tuple[int, Iterator[tuple[int, Row]]]:
    """The first sheet of a workbook, read by calamine (Rust): a 100,000-row sheet in about a
    second, where a pure-Python reader takes fifteen."""
    check_workbook(binary)
    try:
        sheet = CalamineWorkbook.from_filelike(binary).get_sheet_by_index(0)
        values = iter(sheet.iter_rows())
    except Exception as error:  # calamine raises several kinds for a file that is not a workbook
        raise InvalidInput(
            _("The file is not a readable XLSX workbook."), code="bad_file_type", field="file"
        ) from error
    try:
        found = columns.header_map(list(next(values)))
    except StopIteration:
        raise InvalidInput(_("The file is empty."), code="bad_header", field="file") from None
    total = max(sheet.total_height - 1, 0)

    def rows():
        for line, cells in enumerate(values, start=2):
            if any(cell not in (None, "") for cell in cells):
                yield line, {name: cells[i] if i < len(cells) else None for name, i in found.items()}

    return total, rows()


def check_upload(upload: Any, *, max_bytes: int) -> str:
    """An uploaded file's kind ("csv" or "xlsx"), judged by its content, not its name alone:
    refuses files too large, of another type, or dressed up as CSV (HTML, PDF, binaries)."""
    name = (upload.name or "").lower()
    if upload.size > max_bytes:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
            code="too_large",
            field="file",
        )
    head = upload.read(4096)
    upload.seek(0)
    if name.endswith(".xlsx"):
        check_workbook(upload)
        return "xlsx"
    if name.endswith(".csv"):
        if b"\x00" in head or head.lstrip().startswith((b"<", ZIP_MAGIC, b"%PDF")):
            raise InvalidInput(_("The file is not readable CSV."), code="bad_file_type", field="file")
        return "csv"
    raise InvalidInput(_("Upload a CSV or XLSX file."), code="bad_file_type", field="file")


def cell_text(value: Any) -> str:
    """A cell as trimmed text; a spreadsheet turns ids, years and phones into numbers, and
    1950.0 reads back as "1950"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
