"""Many rows into one table, a few thousand to a statement, without the ORM's work per value.

`Model.objects.bulk_create` builds a model instance per row and prepares every value of every row
through the field machinery (and SQLite gets statements of at most 999 values): for a 100k-row
import that bookkeeping costs more than the database does. `insert` takes plain tuples, converts only
the columns that need it (dates, times, JSON) and writes multi-row INSERTs, returning the new primary
keys in the order of the rows when asked. Fields left out get their default (`auto_now_add` ones the
time of the call). No signals are sent and `save()` is not called: use it only for tables whose
writes are plain rows (no logic in `save()` or signals is a house rule anyway).

On PostgreSQL the rows go through COPY (the driver formats them in C; arrays or placeholders were
quoted in Python, value by value), and the keys asked for are taken from the table's sequence first.
A COPY that at least doubles a table is followed by ANALYZE of it: planned on statistics from the
nearly empty table, a liaison's page right after a bulk import ran nested full scans (seconds for a
few hundred cases) until autovacuum caught up.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

# PostgreSQL accepts 65,535 parameters a statement; SQLite builds since 3.32 allow 32,766.
MAX_PARAMS = 30_000
MAX_ROWS = 2_000


def _converter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        cache: dict = {}

        def datetime_value(value):
            if value not in cache:
                cache[value] = ops.adapt_datetimefield_value(value)
            return cache[value]
        return datetime_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        # As text, on PostgreSQL too: COPY hands it to the server, which parses it into jsonb.
        return lambda value: json.dumps(value, cls=field.encoder)
    return None


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        import sqlite3
        return min(MAX_PARAMS, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return MAX_PARAMS


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *,
           returning: bool = False) -> list[int]:
    """Insert `rows` (tuples in the order of `columns`, which are attnames such as 'person_id') into
    `model`'s table; the new primary keys in row order if `returning`, else []."""
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    for field, name in zip(fields, columns):
        if field.attname != name:
            raise ValueError(f"{model.__name__}: give {field.attname!r}, not {name!r}")
    given = {field.attname for field in fields}
    extra_fields, extra_values = [], []
    now = timezone.now()
    for field in meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        extra_fields.append(field)
        extra_values.append(now if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
                            else field.get_default())
    all_fields = fields + extra_fields
    converters = [_converter(f) for f in all_fields]
    converted_extra = tuple(c(v) if c and v is not None else v for c, v in zip(converters[len(fields):], extra_values))
    to_convert = [(i, c) for i, c in enumerate(converters[:len(fields)]) if c]
    if connection.vendor == "postgresql":
        return _copy(meta, all_fields, to_convert, converted_extra, rows, returning=returning)
    quote = connection.ops.quote_name
    head = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in all_fields)}) VALUES ")
    tail = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    placeholder = "(" + ", ".join(["%s"] * len(all_fields)) + ")"
    per_statement = max(1, min(MAX_ROWS, _max_params() // len(all_fields)))
    ids: list[int] = []
    batch: list = []
    count = 0

    def flush():
        nonlocal batch, count
        if not count:
            return
        with connection.cursor() as cursor:
            cursor.execute(head + ", ".join([placeholder] * count) + tail, batch)
            if returning:
                # Keys are handed out in ascending order within one statement (rowid);
                # sorted, they follow the VALUES order whatever order RETURNING reports them in.
                ids.extend(sorted(row[0] for row in cursor.fetchall()))
        batch, count = [], 0

    for row in rows:
        if to_convert:
            row = list(row)
            for i, convert in to_convert:
                if row[i] is not None:
                    row[i] = convert(row[i])
        batch.extend(row)
        batch.extend(converted_extra)
        count += 1
        if count >= per_statement:
            flush()
    flush()
    return ids


_sequences: dict[str, str] = {}
ANALYZE_FROM = 500   # rows: below this a stale estimate costs little and ANALYZE more than it saves


def _copy(meta, all_fields, to_convert, converted_extra, rows, *, returning: bool) -> list[int]:
    """PostgreSQL: COPY the rows in; with `returning`, each row first gets the next key of the table's
    sequence (in row order, ascending), written with it."""
    quote = connection.ops.quote_name
    rows = list(rows)
    columns = [quote(f.column) for f in all_fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning and rows:
            if meta.db_table not in _sequences:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(meta.db_table), meta.pk.column])
                _sequences[meta.db_table] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [_sequences[meta.db_table], len(rows)])
            ids = sorted(row[0] for row in cursor.fetchall())
            columns.insert(0, quote(meta.pk.column))
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({', '.join(columns)}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                if to_convert:
                    row = list(row)
                    for i, convert in to_convert:
                        if row[i] is not None:
                            row[i] = convert(row[i])
                if returning:
                    copy.write_row((ids[position], *row, *converted_extra))
                else:
                    copy.write_row((*row, *converted_extra))
        if len(rows) >= ANALYZE_FROM:
            # reltuples: the planner's row count, -1 (PostgreSQL 14+) or 0 before the first ANALYZE
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [quote(meta.db_table)])
            if len(rows) >= max(cursor.fetchone()[0], 0):
                cursor.execute(f"ANALYZE {quote(meta.db_table)}")
    return ids


def insert_instances(objs: list[models.Model]) -> list[models.Model]:
    """`bulk_create` for unsaved instances of one model, through `insert`: every concrete field as the
    instance holds it; the instances get their primary keys and count as saved."""
    if not objs:
        return objs
    model = type(objs[0])
    attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    ids = insert(model, attnames, ([getattr(obj, name) for name in attnames] for obj in objs), returning=True)
    for obj, pk in zip(objs, ids):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
