"""Reading person lists for the identification commands and writing their results.

Thin glue between `tabular` (which knows spreadsheets) and `matching` (which knows people). Every
problem a user can cause ends as a CommandError with a message for the user, never a traceback.
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError

from matching import Record
from tabular import TableError, open_table, parse_date_of_birth, parse_mapping, write_csv
from tabular.headers import IGNORE, loose

FIELDS = ("id", "full_name", "given_name", "family_name", "patronymic", "date_of_birth",
          "passport_number", "phone", "home_state", "home_district", "sex")
EXPLAIN_FIELDS = ("name", "date_of_birth", "passport_number", "phone", "home_state", "home_district", "sex")


def read_records(path: str, mapping_args: list[str] | None, *, warn=None) -> list[Record]:
    """Records from a CSV/XLSX file; rows without any name are skipped (and reported)."""
    warn = warn or (lambda msg: print(msg, file=sys.stderr))
    p = Path(path)
    if not p.exists():
        raise CommandError(f"{path}: no such file")
    if p.is_dir():
        raise CommandError(f"{path} is a directory, not a CSV or XLSX file")
    try:
        mapping = parse_mapping(mapping_args or [])
    except (TableError, ValueError) as exc:
        raise CommandError(f"bad --map value: {exc}") from None
    records: list[Record] = []
    skipped_names: list[int] = []
    bad_dates: list[str] = []
    first_row: dict[str, int] = {}          # id -> the row it was first seen on
    repeated: dict[str, list[int]] = {}     # an id given on several rows -> those rows
    try:
        with open_table(p, mapping=mapping or None) as table:
            fields = set(f for f in table.fields if f)
            if not ({"full_name", "given_name", "family_name"} & fields):
                table.require("full_name")
            unused = unused_columns(table.headers, table.fields, mapping)
            if unused:
                warn(f"{p.name}: column(s) not used for matching: " + ", ".join(f'"{h}"' for h in unused)
                     + ". Only an id, names, date of birth, passport number, phone, home state and district "
                       'and sex are compared; if one of these columns holds one of them, map it ("Header=field")')
            for row in table:
                values = {k: v for k, v in row.values.items() if k in FIELDS}
                rid = (values.get("id") or "").strip() or f"row {row.number}"
                if rid in first_row:
                    repeated.setdefault(rid, [first_row[rid]]).append(row.number)
                    rid = f"{rid} (row {row.number})"
                first_row.setdefault(rid, row.number)
                values["id"] = rid
                dob = (values.get("date_of_birth") or "").strip()
                if dob:
                    try:
                        values["date_of_birth"] = parse_date_of_birth(dob).iso
                    except ValueError as exc:
                        values["date_of_birth"] = ""
                        bad_dates.append(f"row {row.number}: {exc}")
                rec = Record.from_mapping(values)
                if not (rec.full_name or "").strip():
                    skipped_names.append(row.number)
                    continue
                records.append(rec)
    except TableError as exc:
        raise CommandError(str(exc)) from None
    except (OSError, UnicodeError) as exc:
        raise CommandError(f"{path}: cannot read the file ({exc})") from None
    if skipped_names:
        rows = ", ".join(map(str, skipped_names[:10])) + (" ..." if len(skipped_names) > 10 else "")
        warn(f"{p.name}: {len(skipped_names)} row(s) without a name skipped (rows {rows})")
    if repeated:
        warn(f"{p.name}: {len(repeated)} id(s) appear on more than one row: " + few(
            f'"{rid}" (rows {few(map(str, rows), 5)})' for rid, rows in repeated.items())
            + "; each repeat is written with its row number added, e.g. "
            + f'"{next(iter(repeated))} (row {next(iter(repeated.values()))[1]})"')
    if bad_dates:
        warn(f"{p.name}: {len(bad_dates)} date(s) of birth could not be read and were ignored ({few(bad_dates, 3, '; ')})")
    if not records:
        raise CommandError(f"{p.name}: no rows with a name to match")
    return records


def few(items, limit: int = 5, sep: str = ", ") -> str:
    """The first `limit` items joined, with "..." when there are more."""
    items = list(items)
    return sep.join(items[:limit]) + (" ..." if len(items) > limit else "")


def unused_columns(headers: list[str], fields: list[str | None], mapping: dict[str, str]) -> list[str]:
    """Headers of the columns matching will not look at; those mapped to '-' were left out on purpose."""
    ignored = {loose(h) for h, f in mapping.items() if f == IGNORE}
    return [h for h, f in zip(headers, fields)
            if f not in FIELDS and not ignored & {loose(part) for part in [h, *h.split(" / ")]}]


class Output:
    """The file a command writes its CSV to.

    Made before any input is read, so that a run of many minutes does not end in
    "cannot write": the directory must exist and take a new file. The CSV goes to a
    temporary file beside the target and is renamed into place only when complete, so
    a full disk or a failing write leaves neither a truncated file nor a damaged old
    one. A target that is not a regular file (/dev/stdout, a pipe) is written directly.
    """

    def __init__(self, path: str):
        self.path = path
        if not path.strip():
            raise CommandError("-o needs the name of the CSV file to write")
        if path.endswith(("/", os.sep)):
            raise CommandError(f"cannot write {path}: that names a directory, not a file")
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise self._error(exc) from None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise CommandError(f"cannot write {path}: it is a directory")
        if info is not None and not os.access(path, os.W_OK):
            raise CommandError(f"cannot write {path}: permission denied")
        self._direct = info is not None and not stat.S_ISREG(info.st_mode)
        if self._direct:
            return
        self._target = os.path.realpath(path)   # through a symlink: replace the file it points at
        self._directory = os.path.dirname(self._target)
        if not os.path.isdir(self._directory):
            shown = os.path.dirname(path) or "."
            raise CommandError(f"cannot write {path}: the directory {shown} does not exist")
        if info is not None:
            self._mode = stat.S_IMODE(info.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            self._mode = 0o666 & ~umask   # as open() would have made it
        self._existed = info is not None
        with self._temporary():   # can a file be made there at all (permissions, read-only disk)?
            pass

    def _error(self, exc: OSError, done: str = "") -> CommandError:
        return CommandError(f"cannot write {self.path}: {exc.strerror or exc}{done}")

    @contextmanager
    def _temporary(self):
        try:
            fd, temporary = tempfile.mkstemp(dir=self._directory, prefix=f".{os.path.basename(self._target)[:100]}.",
                                             suffix=".part")
        except OSError as exc:
            raise self._error(exc) from None
        try:
            yield fd, temporary
        finally:
            try:
                os.close(fd)
            except OSError:
                pass
            try:
                os.unlink(temporary)
            except OSError:
                pass   # renamed into place, or the directory went away

    @contextmanager
    def open(self):
        """A text file to write the CSV into; in place once the block ends without an error."""
        if self._direct:
            try:
                with open(self.path, "w", encoding="utf-8", newline="") as f:
                    yield f
            except OSError as exc:
                raise self._error(exc) from None
            return
        with self._temporary() as (fd, temporary):
            try:
                with open(fd, "w", encoding="utf-8", newline="", closefd=False) as f:
                    yield f
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(temporary, self._mode)
                os.replace(temporary, self._target)
            except OSError as exc:
                left = (f"; {self.path} was left as it was" if self._existed
                        else "; no partial file was left behind")
                raise self._error(exc, left) from None


# Said in the commands' help: the output goes through tabular's safe writer.
FORMULA_NOTE = ("An id that a spreadsheet would run as a formula (one starting with =, +, - or @, such as "
                "=HYPERLINK(...)) is written with an apostrophe in front ('=HYPERLINK(...)); other ids, "
                "such as L00001, № 12 or a lone -, are written as they are.")


def write_links(output: Output | str, links) -> None:
    output = output if isinstance(output, Output) else Output(output)
    # "claims" (link --joint): what the probability was before other rows' claims moved it
    columns = EXPLAIN_FIELDS + (("claims",) if any("claims" in l.explanation for l in links) else ())
    with output.open() as f:
        write_csv(f, ["left_id", "right_id", "match_probability", *columns], (
            [l.left_id, l.right_id, f"{l.match_probability:.4f}", *(l.explanation.get(k, "") for k in columns)]
            for l in links))


def write_clusters(output: Output | str, clusters: dict[str, str]) -> None:
    output = output if isinstance(output, Output) else Output(output)
    with output.open() as f:
        write_csv(f, ["id", "cluster_id"], ([rid, cid] for rid, cid in clusters.items()))


def progress_bar(total: int, desc: str):
    """tqdm on stderr (shown only on a terminal); returns (callback, rename, close): rename(stage)
    shows which phase of the run the bar is in."""
    from tqdm import tqdm
    bar = tqdm(total=total, desc=desc, file=sys.stderr, disable=None, mininterval=0.5, unit="rows")
    return bar.update, bar.set_description, bar.close
