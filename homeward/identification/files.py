"""Reading person lists for the identification commands and writing their results.

Thin glue between `tabular` (which knows spreadsheets) and `matching` (which knows people). Every
problem a user can cause ends as a CommandError with a message for the user, never a traceback.
"""
from __future__ import annotations

import sys
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
    bad_dates = 0
    seen_ids: set[str] = set()
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
                if rid in seen_ids:
                    rid = f"{rid} (row {row.number})"
                seen_ids.add(rid)
                values["id"] = rid
                dob = (values.get("date_of_birth") or "").strip()
                if dob:
                    try:
                        values["date_of_birth"] = parse_date_of_birth(dob).iso
                    except ValueError:
                        values["date_of_birth"] = ""
                        bad_dates += 1
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
    if bad_dates:
        warn(f"{p.name}: {bad_dates} date(s) of birth could not be read and were ignored")
    if not records:
        raise CommandError(f"{p.name}: no rows with a name to match")
    return records


def unused_columns(headers: list[str], fields: list[str | None], mapping: dict[str, str]) -> list[str]:
    """Headers of the columns matching will not look at; those mapped to '-' were left out on purpose."""
    ignored = {loose(h) for h, f in mapping.items() if f == IGNORE}
    return [h for h, f in zip(headers, fields)
            if f not in FIELDS and not ignored & {loose(part) for part in [h, *h.split(" / ")]}]


def open_output(path: str):
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


# Said in the commands' help: the output goes through tabular's safe writer.
FORMULA_NOTE = ("An id that a spreadsheet would run as a formula (one starting with =, +, - or @, such as "
                "=HYPERLINK(...)) is written with an apostrophe in front ('=HYPERLINK(...)); other ids, "
                "such as L00001, № 12 or a lone -, are written as they are.")


def write_links(path: str, links) -> None:
    with open_output(path) as f:
        write_csv(f, ["left_id", "right_id", "match_probability", *EXPLAIN_FIELDS], (
            [l.left_id, l.right_id, f"{l.match_probability:.4f}", *(l.explanation.get(k, "") for k in EXPLAIN_FIELDS)]
            for l in links))


def write_clusters(path: str, clusters: dict[str, str]) -> None:
    with open_output(path) as f:
        write_csv(f, ["id", "cluster_id"], ([rid, cid] for rid, cid in clusters.items()))


def progress_bar(total: int, desc: str):
    """tqdm on stderr (shown only on a terminal); returns (callback, rename, close): rename(stage)
    shows which phase of the run the bar is in."""
    from tqdm import tqdm
    bar = tqdm(total=total, desc=desc, file=sys.stderr, disable=None, mininterval=0.5, unit="rows")
    return bar.update, bar.set_description, bar.close
