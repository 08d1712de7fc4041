"""Exports that are safe to open in Excel and readable by the host ministry."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from .errors import CellError

# OWASP CSV-injection advice: a spreadsheet treats a cell starting with one of these
# as a formula (tab and CR can hide one behind leading whitespace).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1251")
# XML 1.0 cannot carry these at all, so openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise_formula(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; other values pass.

    A lone "-" (the usual "nothing" in a register) is no formula and passes unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and value != "-":
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (int, float, Decimal, dt.date)):
        return str(value)
    return neutralise_formula(str(value))  # str() of a PartialDate is its ISO form


def _cells(headers: Sequence[str], row) -> list:
    if isinstance(row, Mapping):
        return [row.get(h) for h in headers]
    cells = list(row)
    if len(cells) != len(headers):
        raise ValueError(f"a row has {len(cells)} cells for {len(headers)} headers: {cells!r}")
    return cells


class _Sink:
    """Lets csv.writer write to a path, a text file or a binary file (e.g. an HTTP response)."""

    def __init__(self, target, encoding: str):
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.text = isinstance(target, io.TextIOBase)
        self.target = target
        if encoding == "utf-8-sig":
            self.write("\ufeff")

    def write(self, s: str) -> None:
        self.target.write(s if self.text else s.encode(self.encoding))


def write_csv(path_or_file, headers: Sequence[str], rows: Iterable, *, encoding: str = "utf-8",
              delimiter: str = ",") -> int:
    """Write headers and rows (sequences, or mappings keyed by header); return the number of rows.

    Text cells go through neutralise_formula. In cp1251 a character that Windows-1251
    cannot hold raises CellError naming the row and column (replacing it silently
    would corrupt names); a file written at a path is then removed, not left half done.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}")
    owned = isinstance(path_or_file, (str, os.PathLike))
    target = open(path_or_file, "wb") if owned else path_or_file
    count = 0
    try:
        writer = csv.writer(_Sink(target, encoding), delimiter=delimiter)
        _write_csv_row(writer, 1, headers, [_text(h) for h in headers], encoding)
        for count, row in enumerate(rows, start=1):
            _write_csv_row(writer, count + 1, headers, [_text(v) for v in _cells(headers, row)], encoding)
    except BaseException:
        if owned:
            target.close()
            os.remove(path_or_file)
        raise
    if owned:
        target.close()
    return count


def _write_csv_row(writer, row_number: int, headers: Sequence[str], cells: list[str], encoding: str) -> None:
    if encoding == "cp1251":
        _check_cp1251(row_number, headers, cells)
    writer.writerow(cells)


def _check_cp1251(row_number: int, headers: Sequence[str], cells: list[str]) -> None:
    for header, text in zip(headers, cells):
        try:
            text.encode("cp1251")
        except UnicodeEncodeError as exc:
            bad = text[exc.start]
            raise CellError(row_number, header, None,
                            f'"{bad}" (U+{ord(bad):04X}) cannot be written in Windows-1251; '
                            "export as UTF-8 instead") from None


def _xlsx_value(value):
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("\ufffd", neutralise_formula(value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones; write the UTC wall time rather than fail.
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, Decimal, dt.date, dt.time)):
        return value
    return _xlsx_value(str(value))  # str() of a PartialDate is its ISO form


def write_xlsx(path_or_file, headers: Sequence[str], rows: Iterable, *,
               header_rows: Sequence[Sequence[str]] | None = None, sheet_title: str = "Sheet1") -> int:
    """Write one sheet; return the number of data rows.

    header_rows replaces the single header line with several (e.g. Russian over
    English); `headers` still names the columns for rows given as mappings. Text
    cells go through neutralise_formula, which also keeps openpyxl from storing
    text that starts with '=' as a formula. Dates stay real date cells.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    header_rows = [list(headers)] if header_rows is None else [list(h) for h in header_rows]
    for line in header_rows:
        if len(line) != len(headers):
            raise ValueError(f"header row {line!r} has {len(line)} cells for {len(headers)} columns")
    workbook = Workbook(write_only=True)  # streams rows to disk instead of building the sheet in memory
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = f"A{len(header_rows) + 1}"
    bold = Font(bold=True)
    for line in header_rows:
        cells = []
        for text in line:
            cell = WriteOnlyCell(sheet, _xlsx_value(text))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    count = 0
    try:
        for count, row in enumerate(rows, start=1):
            sheet.append([_xlsx_value(v) for v in _cells(headers, row)])
    except BaseException:
        sheet.close()  # otherwise openpyxl's half-written temporary sheet complains when collected
        raise
    workbook.save(path_or_file)
    return count
