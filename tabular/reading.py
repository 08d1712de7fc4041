"""Open the CSV and XLSX files officials really send, find the header row, stream the rows."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field as dataclass_field
from typing import BinaryIO

from .errors import CellError, TableError
from .headers import FIELD_ALIASES, IGNORE, check_mapping, describe_field, field_for, is_known_header, loose

HEADER_SEARCH_ROWS = 20  # title rows and blank rows above the header, as seen in real lists
MAX_HEADER_ROWS = 3
SNIFF_BYTES = 64 * 1024
# Far above any real cell, low enough that a stray unbalanced quote in a large file
# fails fast instead of swallowing the rest of the file into one cell.
CSV_FIELD_LIMIT = 1024 * 1024
DELIMITERS = (",", ";", "\t")

# Starts a fresh pass over the file: (row number as the user sees it, cells as stripped text).
RowSource = Callable[[], Iterator[tuple[int, list[str]]]]


@dataclass
class Row:
    number: int
    values: dict[str, str] = dataclass_field(default_factory=dict)
    raw: dict[str, str] = dataclass_field(default_factory=dict)


class Table:
    """An opened spreadsheet: header facts up front, rows streamed on demand.

    rows() starts again from the top of the file on every call (so a preview and
    the real import can share one Table), but two iterations must not be
    interleaved on a CSV table: they share one file position.
    """

    def __init__(self, *, name: str, headers: list[str], fields: list[str | None], header_row: int,
                 data_start: int, encoding: str, delimiter: str | None, sheet: str | None,
                 source: RowSource, closers: list[Callable[[], None]]):
        self.name = name
        self.headers = headers
        self.fields = fields
        self.header_row = header_row
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
        self._data_start = data_start
        self._source = source
        self._closers = closers

    def __repr__(self) -> str:
        return f"<Table {self.name!r} header_row={self.header_row} fields={self.fields!r}>"

    def rows(self) -> Iterator[Row]:
        """The data rows. Blank rows are skipped, and so are the rows of a pre-numbered blank
        form: only the id column (№, № п/п, S.No) filled in, when the table has other columns."""
        width = len(self.headers)
        numbering = [i for i, f in enumerate(self.fields) if f == "id"]
        if len(numbering) == width:
            numbering = []  # a list of ids alone: the ids are the data
        for number, cells in self._source():
            if number < self._data_start or not any(cells):
                continue
            if numbering and not any(text for i, text in enumerate(cells) if i not in numbering):
                continue
            cells = cells + [""] * (width - len(cells))
            raw = dict(zip(self.headers, cells))
            values = {f: text for f, text in zip(self.fields, cells) if f}
            # Cells beyond the header are kept rather than dropped: an unlabelled
            # column is still someone's data.
            raw.update((f"column {i + 1}", text) for i, text in enumerate(cells[width:], width) if text)
            yield Row(number, values, raw)

    __iter__ = rows

    def column(self, field: str) -> str:
        """The header of the column that holds a field (for messages)."""
        try:
            return self.headers[self.fields.index(field)]
        except ValueError:
            raise KeyError(f"{self.name} has no column for {field}") from None

    def cell_error(self, row: Row | int, field: str, reason: str) -> CellError:
        number = row.number if isinstance(row, Row) else row
        return CellError(number, self.column(field), field, reason)

    def require(self, *fields: str) -> None:
        unknown = [f for f in fields if f not in FIELD_ALIASES]
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(unknown)}")
        missing = [f for f in fields if f not in self.fields]
        if missing:
            found = ", ".join(f'"{h}"' for h in self.headers) or "none"
            needed = "; ".join(describe_field(f) for f in missing)
            raise TableError(f"{self.name}: no column for {needed}. Headers found: {found}. "
                             f'If one of them is the right column, map it ("Header=field").')

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def open_table(source, *, mapping: dict[str, str] | None = None, sheet: str | None = None) -> Table:
    """Open a CSV or XLSX file (a path, bytes, or a binary file object).

    The format is told by content, not by name: officials rename files freely and
    uploads arrive with whatever name the browser gives.
    """
    if mapping:
        check_mapping(mapping)
    stream, name, closers = _binary_stream(source)
    try:
        start = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(start)
        if not head:
            raise TableError(f"{name} is empty")
        if head.startswith(b"PK"):
            return _open_xlsx(stream, name, closers, mapping, sheet)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise TableError(f"{name} is an old Excel .xls file or a password-protected workbook; "
                             "save it as .xlsx (without a password) or as CSV")
        if sheet is not None:
            raise TableError(f"{name} is a CSV file; it has no sheet {sheet!r}")
        return _open_csv(stream, start, head, name, closers, mapping)
    except BaseException:
        for close in reversed(closers):
            close()
        raise


def _binary_stream(source) -> tuple[BinaryIO, str, list[Callable[[], None]]]:
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source), "the file", []
    if isinstance(source, (str, os.PathLike)):
        name = os.path.basename(os.fspath(source))
        try:
            stream = open(source, "rb")
        except OSError as exc:
            raise TableError(f"{name} cannot be opened: {exc.strerror}") from exc
        return stream, name, [stream.close]
    if isinstance(source, io.TextIOBase) or isinstance(source.read(0), str):
        raise TypeError("open_table needs a binary file object (open the file with 'rb')")
    name = os.path.basename(str(getattr(source, "name", "") or "")) or "the uploaded file"
    if getattr(source, "seekable", lambda: False)():
        return source, name, []
    # Encoding sniffing and zip reading both need to go back to the start.
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    shutil.copyfileobj(source, spool)
    spool.seek(0)
    return spool, name, [spool.close]


# ---------------------------------------------------------------------------- header row


def _looks_like_header(cells: list[str], mapping: dict[str, str] | None) -> bool:
    filled = [c for c in cells if c]
    known = sum(is_known_header(c, mapping) for c in filled)
    if mapping and {loose(h) for h in mapping} <= {loose(c) for c in filled}:
        return True
    # A one-column list has a one-cell header; otherwise one match could be a title.
    return known >= 1 and known >= min(2, len(filled))


def _locate_header(first_rows: list[tuple[int, list[str]]], *, name: str, mapping: dict[str, str] | None,
                   spanning: dict[tuple[int, int], bool], vertical: set[int], column_name: Callable[[int], str],
                   ) -> tuple[int, int, list[str], list[str | None]] | None:
    """Find and combine the header row(s): (header_row, first data row, headers, fields), or None.

    `spanning` maps the (row, column) cells covered by a horizontally merged cell
    (a group header such as "ФИО" over "Фамилия", "Имя") to whether the column is
    the merge's leftmost; `vertical` holds the rows from which a merged cell
    reaches down into the next row.
    """
    by_number = dict(first_rows)
    for number, cells in first_rows:
        if number > HEADER_SEARCH_ROWS:
            break
        if not _looks_like_header(cells, mapping):
            continue
        numbers = [number]
        while len(numbers) < MAX_HEADER_ROWS:
            below = by_number.get(numbers[-1] + 1)
            if below is None or not (numbers[-1] in vertical or _looks_like_header(below, mapping)):
                break
            numbers.append(numbers[-1] + 1)
        headers, fields = _combine(numbers, by_number, mapping, spanning, column_name)
        _check_columns(name, headers, fields, mapping, column_name)
        data_start = numbers[-1] + 1
        if _numbers_columns(by_number.get(data_start, [])):
            data_start += 1
        return number, data_start, headers, fields
    return None


def _numbers_columns(cells: list[str]) -> bool:
    """A row of column numbers (1, 2, 3, ...) under the header, as Russian official forms have."""
    filled = [c for c in cells if c]
    return len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)]


def _combine(numbers, by_number, mapping, spanning, column_name):
    rows = [by_number[n] for n in numbers]
    width = max(len(cells) for cells in rows)
    while width and not any(len(cells) >= width and cells[width - 1] for cells in rows):
        width -= 1  # trailing empty columns
    headers: list[str] = []
    fields: list[str | None] = []
    hinted: list[int] = []
    for col in range(width):
        parts: list[str] = []
        # Parts that name this column itself. A horizontally merged cell names a
        # group ("ФИО" over "Фамилия", "Имя") or, on the last header row, only its
        # leftmost column; letting it name every column it covers would give
        # several columns the same field.
        own: list[str] = []
        for n, cells in zip(numbers, rows):
            text = cells[col] if col < len(cells) else ""
            if not text:
                continue
            if text not in parts:
                parts.append(text)
            merged = spanning.get((n, col))
            if (merged is None or (merged and n == numbers[-1])) and text not in own:
                own.append(text)
        label = " / ".join(parts)
        candidates = ([label] if len(parts) > 1 else []) + own[::-1]
        field = next((f for f in (field_for(c, mapping, hints=False) for c in candidates) if f), None)
        if field is None:
            field = next((f for f in (field_for(c, mapping) for c in candidates) if f), None)
            if field is not None:
                hinted.append(col)
        fields.append(field)
        headers.append(label or f"column {column_name(col)}")
    # A header read only by dropping its hint ("Телефон (домашний)") names its field
    # only if no other column does: such columns were unrecognised before hints were
    # read, and a file that imported then must not now fail with "both mean phone".
    claims = Counter(fields)
    for col in hinted:
        if claims[fields[col]] > 1:
            fields[col] = None
    # Row.raw is keyed by header, so a repeated text gets its column added.
    seen: set[str] = set()
    for i, header in enumerate(headers):
        if header in seen:
            headers[i] = f"{header} (column {column_name(i)})"
        seen.add(header)
    return headers, fields


def _check_columns(name, headers, fields, mapping, column_name):
    first_column: dict[str, int] = {}
    for i, f in enumerate(fields):
        if f is None:
            continue
        if f in first_column:
            j = first_column[f]
            raise TableError(
                f'{name}: columns "{headers[j]}" (column {column_name(j)}) and "{headers[i]}" '
                f"(column {column_name(i)}) both mean {f}. Remove one of them, or map one to "
                f'"{IGNORE}" ("Header={IGNORE}") to leave it out.')
        first_column[f] = i
    if mapping:
        present = {loose(part) for h in headers for part in [h, *h.split(" / ")]}
        absent = [h for h in mapping if loose(h) not in present]
        if absent:
            raise TableError(f"{name}: mapped column(s) " + ", ".join(f'"{h}"' for h in absent)
                             + " not found. Headers found: " + ", ".join(f'"{h}"' for h in headers))


def _no_header(name: str, first_rows: list[tuple[int, list[str]]], where: str = "",
               mapping: dict[str, str] | None = None) -> TableError:
    nonempty = [(number, cells) for number, cells in first_rows if any(cells)]
    if not nonempty:
        return TableError(f"{name}{where} is empty")
    # A mapped header that is nowhere near the top is the likelier mistake (a misspelt
    # --map), and saying so beats the generic advice to map the headers.
    present = {loose(c) for _, cells in nonempty for c in cells if c}
    absent = [h for h in mapping or {} if not {loose(part) for part in h.split(" / ")} <= present]
    if absent:
        number, cells = max(nonempty, key=lambda r: (sum(bool(c) for c in r[1]), -r[0]))
        return TableError(f"{name}{where}: mapped column(s) " + ", ".join(f'"{h}"' for h in absent)
                          + f" not found. Headers found (row {number}): "
                          + ", ".join(f'"{c}"' for c in cells if c)
                          + ". A mapping names a column by its header as written in the file.")
    nonempty = [cells for _, cells in nonempty]
    sample = ", ".join(f'"{c}"' for c in nonempty[0] if c)
    return TableError(
        f"{name}{where}: no header row found in the first {HEADER_SEARCH_ROWS} rows. A header row needs at "
        f'least two recognised column names such as "ФИО", "Дата рождения", "Номер паспорта", '
        f'"Full name", "Date of birth". The first non-empty row was: {sample}. '
        f'If the headers are there under other names, map them ("Header=field").')


def _first_rows(source: RowSource) -> list[tuple[int, list[str]]]:
    rows = source()
    try:
        return list(itertools.takewhile(lambda r: r[0] <= HEADER_SEARCH_ROWS + MAX_HEADER_ROWS, rows))
    finally:
        rows.close()


# ---------------------------------------------------------------------------- CSV

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _detect_encoding(head: bytes, complete: bool, name: str) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    junk = TableError(f"{name} is not a text spreadsheet: it is neither an XLSX workbook nor CSV text "
                      "in UTF-8 or Windows-1251")
    if b"\x00" in head:
        raise junk
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if not _reads_as_cp1251(head):
        raise junk
    return "cp1251"


def _reads_as_cp1251(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 read as Russian text in Windows-1251."""
    # Almost any byte string decodes as cp1251, so demand that the result reads like
    # Russian: no control characters, and non-ASCII letters mostly Cyrillic.
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return False
    non_ascii = sum(ch > "\x7f" for ch in text)
    cyrillic = len(_CYRILLIC.findall(text))
    if _CONTROL.search(text) or not cyrillic or cyrillic < 0.7 * non_ascii:
        return False
    # Western single-byte text (Latin-1, cp1252) also decodes to Cyrillic letters,
    # but scattered inside Latin words: "Müller" becomes "Mьller".
    words = re.findall(r"\w+", text)
    russian = sum(bool(_CYRILLIC.search(w)) for w in words)
    mixed = sum(bool(_CYRILLIC.search(w) and _LATIN.search(w)) for w in words)
    return mixed <= 0.3 * russian


class _Decoding:
    """The encoding a CSV file is read in, which reading may have to settle again.

    Encoding is told from the first 64 KB. When they are pure ASCII, UTF-8 is only a
    guess: a Windows-1251 list can hold Latin letters and digits for thousands of rows
    before its first Cyrillic name. So the first line further down that is not UTF-8,
    if no line before it had non-ASCII text, decides again (`revisable`).
    """

    def __init__(self, encoding: str, revisable: bool):
        self.encoding = encoding
        self.revisable = revisable
        self.revised = False


class _EncodingChanged(Exception):
    """A line in another encoding than the lines before it (found, before)."""


def _text_lines(stream: BinaryIO, start: int, decoding: _Decoding) -> Iterator[str]:
    stream.seek(start)
    if decoding.encoding == "utf-16":
        wrapper = io.TextIOWrapper(stream, encoding="utf-16", newline="")
        try:
            yield from wrapper
        finally:
            wrapper.detach()  # closing the wrapper would close the caller's file
        return
    # Decode line by line rather than through TextIOWrapper, whose read-ahead would
    # report a bad byte several rows before the row that holds it.
    bom = decoding.encoding == "utf-8-sig"
    codec = "utf-8" if bom else decoding.encoding
    all_ascii = True  # so far
    lines = _byte_lines(stream)
    while (raw := next(lines, None)) is not None:
        if bom:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            bom = False
        if raw.isascii():
            yield raw.decode("ascii")
            continue
        if decoding.revised and _is_utf8(raw):
            # Cyrillic in Windows-1251 is practically never valid UTF-8, so this line is UTF-8.
            raise _EncodingChanged("UTF-8", "Windows-1251")
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            if not (decoding.revisable and all_ascii and codec == "utf-8"):
                raise
            ahead: list[bytes] = []
            size = len(raw)
            while size < SNIFF_BYTES and (line := next(lines, None)) is not None:
                ahead.append(line)
                size += len(line)
            if not _reads_as_cp1251(b"".join([raw, *ahead])):
                raise
            codec = decoding.encoding = "cp1251"
            decoding.revised = True
            lines = itertools.chain(ahead, lines)
            text = raw.decode(codec)
        all_ascii = False
        yield text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _byte_lines(stream: BinaryIO, chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """Lines ending in \r\n, \n or a lone \r (old Mac files), endings kept, as csv wants them.

    Splitting bytes is safe: neither \r nor \n occurs inside a UTF-8 or cp1251
    character. bytes.splitlines splits on exactly these three endings.
    """
    pending = b""
    while chunk := stream.read(chunk_size):
        lines = (pending + chunk).splitlines(keepends=True)
        pending = lines.pop()
        # The last piece may be cut off, or be a \r whose \n is in the next chunk.
        if pending.endswith(b"\n"):
            lines.append(pending)
            pending = b""
        yield from lines
    if pending:
        yield pending


def _sniff_delimiter(sample: str, mapping: dict[str, str] | None) -> str:
    """Pick the delimiter under which the header row is recognised best.

    csv.Sniffer is fooled by commas inside Russian headers ("Фамилия, имя, отчество")
    and in data; the header is what we actually need to read right.
    """
    def score(delimiter: str) -> tuple[int, int]:
        records = []
        try:
            for record in itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter),
                                           HEADER_SEARCH_ROWS + MAX_HEADER_ROWS):
                records.append(record)
        except csv.Error:
            pass
        known = max((sum(is_known_header(c.strip(), mapping) for c in r) for r in records), default=0)
        widths = Counter(len(r) for r in records if len(r) > 1)
        return known, max(widths.values(), default=0)

    return max(DELIMITERS, key=score)  # ties go to the earlier, more common delimiter


def _open_csv(stream, start, head, name, closers, mapping) -> Table:
    complete = len(head) < SNIFF_BYTES
    encoding = _detect_encoding(head, complete, name)
    if encoding == "utf-16":
        sample = head.decode("utf-16", errors="ignore")
    else:
        sample = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(head, final=complete)
    if not complete:
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r")) + 1] or sample
    if not sample.strip():
        raise TableError(f"{name} is empty")
    delimiter = _sniff_delimiter(sample, mapping)
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)

    decoding = _Decoding(encoding, revisable=encoding == "utf-8" and head.isascii())
    opened: list[Table] = []   # the table, once the header is found: its width and encoding

    def source() -> Iterator[tuple[int, list[str]]]:
        ended = False

        def lines() -> Iterator[str]:
            nonlocal ended
            yield from _text_lines(stream, start, decoding)
            ended = True   # the reader asked for more: a record was still open at the end

        reader = csv.reader(lines(), delimiter=delimiter)
        number = 0
        while True:
            number += 1
            first_line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise TableError(f"{name}: row {number} is not valid {decoding.encoding.upper()} text, although the "
                                 f"rows before it are; re-save the whole file in one encoding (UTF-8)") from None
            except _EncodingChanged as exc:
                found, before = exc.args
                raise TableError(f"{name}: row {number} is {found} text, although the rows before it are {before}; "
                                 "re-save the whole file in one encoding (UTF-8)") from None
            except csv.Error as exc:
                if "field limit" in str(exc):
                    raise TableError(f"{name}: row {number} has a cell longer than {CSV_FIELD_LIMIT} characters; "
                                     'probably a quote (") in this row is never closed') from None
                raise TableError(f"{name}: row {number} cannot be read: {exc}") from None
            if reader.line_num > first_line:   # a quoted cell runs over line breaks
                width = len(opened[0].headers) if opened else None
                problem = _runaway_quote(record, width, delimiter, ended, reader.line_num - first_line)
                if problem:
                    where = f" (line {first_line} of the file)" if first_line != number else ""
                    raise TableError(f'{name}: row {number}{where}: a quote (") opens here and {problem}')
            if opened and opened[0].encoding != decoding.encoding:
                opened[0].encoding = decoding.encoding   # settled again further down (see _Decoding)
            yield number, [c.strip() for c in record]

    first_rows = _first_rows(source)
    found = _locate_header(first_rows, name=name, mapping=mapping, spanning={}, vertical=set(),
                           column_name=lambda i: str(i + 1))
    if found is None:
        raise _no_header(name, first_rows, mapping=mapping)
    header_row, data_start, headers, fields = found
    opened.append(Table(name=name, headers=headers, fields=fields, header_row=header_row, data_start=data_start,
                        encoding=decoding.encoding, delimiter=delimiter, sheet=None, source=source,
                        closers=closers))
    return opened[0]


def _runaway_quote(record: list[str], width: int | None, delimiter: str, at_end: bool, more_lines: int) -> str | None:
    """Why a record spanning line breaks looks like a stray quote that swallowed further rows, or None.

    An address over two lines is a real quoted cell. A lone opening quote ("Bunty Amit
    Kumar) takes every line up to the next quote into its cell, and with no quote after
    it, the rest of the file: either the file ends inside the cell (at_end), or the cell
    holds lines with as many delimiters as a row of the table has.
    """
    def begins(cell: str) -> str:
        first = cell.strip().splitlines()[0] if cell.strip() else ""
        return first if len(first) <= 40 else first[:40] + "…"

    last = record[-1] if record else ""
    if at_end and any(ch in last.strip() for ch in "\r\n"):
        return (f"is never closed; the {more_lines} line(s) after it, to the end of the file, would be read as "
                f'one cell (it begins "{begins(last)}"). Remove the stray quote, or close it, and save the file again')
    if width is None:
        return None   # the header is not known yet; the rows pass will look again
    needed = max(width - 1, 1)
    for cell in record:
        lines = cell.strip().splitlines()[1:]
        rowlike = sum(line.count(delimiter) >= needed for line in lines)
        # In a one- or two-column table a single delimiter in a line of text proves little.
        if rowlike >= (1 if width > 2 else 2):
            return (f"is closed only {more_lines} line(s) further down; the rows in between would be read "
                    f'as one cell (it begins "{begins(cell)}"). Remove the stray quote, or close it in the same '
                    "row, and save the file again")
    return None


# ---------------------------------------------------------------------------- XLSX

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def _merged_ranges(stream: BinaryIO, member: str, last_row: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges (row1, col1, row2, col2; rows 1-based, columns 0-based) that start by last_row.

    openpyxl's read-only mode does not report merged cells, and loading the sheet
    fully would hold the whole file in memory. <mergeCell> elements sit after the
    sheet data, so stream the sheet XML once and pick them out with a regex: it
    costs a decompression pass but only constant memory.
    """
    found = set()
    with zipfile.ZipFile(stream) as archive, archive.open(member) as xml:
        tail = b""
        while chunk := xml.read(1 << 20):
            buffer = tail + chunk
            for m in _MERGE_REF.finditer(buffer):
                row1, row2 = int(m[2]), int(m[4])
                if row1 <= last_row:
                    found.add((row1, _column_index(m[1]), row2, _column_index(m[3])))
            tail = buffer[-256:]  # an element cut by the chunk boundary is seen whole next time
    return sorted(found)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 45513.0 and 9198765432.0 are how Excel stores integers
    return str(value)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _open_xlsx(stream, name, closers, mapping, sheet) -> Table:
    import openpyxl  # only XLSX needs it; CSV-only callers start faster

    try:
        # data_only: formula cells give the value Excel cached when it last saved the
        # file; we never evaluate formulas.
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise TableError(_not_xlsx(stream, name, exc)) from exc
    closers.append(workbook.close)
    if sheet is not None and sheet not in workbook.sheetnames:
        raise TableError(f"{name} has no sheet {sheet!r}; its sheets are: "
                         + ", ".join(f'"{s}"' for s in workbook.sheetnames))
    candidates = [workbook[sheet]] if sheet is not None else [
        ws for ws in workbook.worksheets if ws.sheet_state == "visible"] or workbook.worksheets
    failures = []
    for ws in candidates:
        ws.reset_dimensions()  # some writers record wrong dimensions; read what is there

        def source(ws=ws) -> Iterator[tuple[int, list[str]]]:
            # A sheet's XML is parsed only as its rows are read, so a damaged sheet inside a
            # sound zip (bad XML, a cut-off member, a missing part) shows up here, at any row.
            rows = ws.iter_rows(values_only=True)
            number = 0
            while True:
                try:
                    values = next(rows)
                except StopIteration:
                    return
                except MemoryError:
                    raise
                except Exception as exc:  # openpyxl and the XML parser raise many kinds
                    raise TableError(_damaged_sheet(name, ws.title, exc)) from exc
                number += 1
                yield number, [_cell_text(v) for v in values]

        first_rows = _first_rows(source)
        # _worksheet_path is private, but it is openpyxl's own answer to "which zip member
        # is this sheet", which would otherwise mean re-reading workbook.xml and its rels.
        try:
            merges = _merged_ranges(stream, ws._worksheet_path, HEADER_SEARCH_ROWS + MAX_HEADER_ROWS)
        except MemoryError:
            raise
        except Exception as exc:  # a corrupt zip member: BadZipFile, zlib.error, EOFError, KeyError...
            raise TableError(_damaged_sheet(name, ws.title, exc)) from exc
        spanning, vertical = _fill_merges(first_rows, merges)
        where = f', sheet "{ws.title}"' if len(workbook.sheetnames) > 1 else ""
        found = _locate_header(first_rows, name=f"{name}{where}", mapping=mapping, spanning=spanning,
                               vertical=vertical, column_name=_column_letter)
        if found is None:
            failures.append(_no_header(name, first_rows, where, mapping))
            continue
        header_row, data_start, headers, fields = found
        return Table(name=name, headers=headers, fields=fields, header_row=header_row, data_start=data_start,
                     encoding="xlsx", delimiter=None, sheet=ws.title, source=source, closers=closers)
    if not failures:
        raise TableError(f"{name} has no worksheets")
    raise failures[0]


def _fill_merges(first_rows, merges) -> tuple[dict[tuple[int, int], bool], set[int]]:
    """Copy each merged cell's text into every cell it covers, in the header area only.

    Returns the cells covered by horizontal merges (True for a merge's leftmost
    column) and the rows whose merged cells reach down into the next row (the
    sign of a multi-row header).
    """
    by_number = dict(first_rows)
    spanning: dict[tuple[int, int], bool] = {}
    vertical: set[int] = set()
    for row1, col1, row2, col2 in merges:
        if row1 not in by_number or col1 >= len(by_number[row1]):
            continue
        text = by_number[row1][col1]
        if row2 > row1:
            vertical.update(range(row1, row2))
        for number in range(row1, row2 + 1):
            cells = by_number.get(number)
            if cells is None:
                continue
            cells.extend([""] * (col2 + 1 - len(cells)))
            for col in range(col1, col2 + 1):
                cells[col] = text
                if col2 > col1:
                    spanning[number, col] = col == col1
    return spanning, vertical


def _damaged_sheet(name: str, title: str, exc: BaseException) -> str:
    return (f'{name}: sheet "{title}" is damaged or not a spreadsheet ({type(exc).__name__}: {exc}); '
            "open it in Excel and save it again as .xlsx, or save it as CSV")


def _not_xlsx(stream, name, exc) -> str:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            if b"opendocument.spreadsheet" in archive.read("mimetype"):
                return f"{name} is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV"
    except Exception:
        pass
    return f"{name} is not a readable XLSX workbook ({type(exc).__name__}: {exc}); save it again as .xlsx or CSV"
