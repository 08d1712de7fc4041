"""The status spans: the fold of each case's event log kept as bitemporal rectangles.

`registry_statusspan` (and `registry_requestspan`, the partners a case had been sent to) are caches,
like `Case.status`: the event log stays the truth. A case's rows are rewritten from its events in
the same transaction as every append (through `services.refresh_statuses`, which every write of
events calls), and `homeward refresh_statuses` rebuilds them all. The figures (figures.py) count
over these tables instead of folding the log.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Iterable

from .lifecycle import WITHDRAWING, Event, EventFact, status_spans

# Some SQLite builds allow only 32,766 parameters in one statement: long id lists go in chunks.
CHUNK = 5000
# Cases whose spans are computed and written together by a full rebuild.
REBUILD_CASES = 20_000


def _chunks(ids) -> list[list[int]]:
    ids = list(ids)
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _models(apps=None):
    if apps is None:
        from .models import CaseEvent, RequestSpan, StatusSpan
        return CaseEvent, StatusSpan, RequestSpan
    return tuple(apps.get_model("registry", name) for name in ("CaseEvent", "StatusSpan", "RequestSpan"))


def span_rows(case_id: int, facts: Iterable[EventFact]) -> set[tuple]:
    """The rows a case's events give, as (status, valid_from, valid_to, known_from, known_to) tuples."""
    return {(s.kind.value, s.valid_from, s.valid_to, s.known_from, s.known_to) for s in status_spans(list(facts))}


def request_rows(requests: Iterable[tuple[str, date, datetime, datetime | None]]) -> set[tuple]:
    """The (source, valid_from, known_from, known_to) rows of one case's requests
    (source, occurred, recorded, withdrawn: when a retraction of it was recorded, or None).

    "Sent to S by day D as known at K" holds when some request to S has occurred_from <= D and
    recorded_at <= K < withdrawn. Knowledge changes only at those moments: between two of them the
    earliest day of the standing requests is fixed, and one row per stretch with the same earliest
    day gives rectangles that do not overlap, so at most one row per (case, source) holds for any (D, K).
    """
    by_source: dict[str, list[tuple[date, datetime, datetime | None]]] = defaultdict(list)
    for source, occurred_from, recorded_at, withdrawn_at in requests:
        if withdrawn_at is None or recorded_at < withdrawn_at:
            by_source[source].append((occurred_from, recorded_at, withdrawn_at))
    rows = set()
    for source, spans in by_source.items():
        moments = sorted({moment for _, recorded, withdrawn in spans for moment in (recorded, withdrawn) if moment})
        open_row = None   # (valid_from, known_from) of the row being extended
        for moment in moments:
            standing = [day for day, recorded, withdrawn in spans
                        if recorded <= moment and (withdrawn is None or moment < withdrawn)]
            earliest = min(standing) if standing else None
            if open_row and open_row[0] != earliest:
                rows.add((source, *open_row, moment))
                open_row = None
            if earliest is not None and open_row is None:
                open_row = (earliest, moment)
        if open_row:
            rows.add((source, *open_row, None))
    return rows


def _load_requests(case_ids, RequestEvent) -> dict[int, list[tuple]]:
    """Each case's requests as (source, occurred_from, recorded_at, withdrawn_at) tuples."""
    requests: dict[int, list[tuple]] = defaultdict(list)
    for chunk in _chunks(case_ids):
        withdrawn: dict[int, datetime] = {}
        for event_id, recorded_at in RequestEvent.objects.filter(
                case_id__in=chunk, kind__in=[e.value for e in WITHDRAWING], corrects__kind=Event.REQUEST_SENT.value).order_by(
                ).values_list("corrects_id", "recorded_at"):
            withdrawn[event_id] = min(recorded_at, withdrawn.get(event_id, recorded_at))
        for event_id, case_id, *request in RequestEvent.objects.filter(
                case_id__in=chunk, kind=Event.REQUEST_SENT.value).order_by().values_list(
                "id", "case_id", "source", "occurred_from", "recorded_at").iterator(chunk_size=5000):
            requests[case_id].append((*request, withdrawn.get(event_id)))
    return requests


def load_facts(case_ids, *, apps=None) -> dict[int, list[EventFact]]:
    CaseEvent = _models(apps)[0]
    facts: dict[int, list[EventFact]] = {case_id: [] for case_id in case_ids}
    for chunk in _chunks(facts):
        rows = CaseEvent.objects.filter(case_id__in=chunk).order_by().values_list(
            "case_id", "id", "kind", "occurred_from", "recorded_at", "is_correction", "corrects_id")
        for case_id, event_id, kind, *rest in rows.iterator(chunk_size=5000):
            facts[case_id].append(EventFact(event_id, Event(kind), *rest))
    return facts


STATUS_FIELDS = ("status", "valid_from", "valid_to", "known_from", "known_to")
REQUEST_FIELDS = ("source", "valid_from", "known_from", "known_to")


def _insert(model, fields: tuple[str, ...], rows) -> int:
    """Insert (case_id, *fields) rows in bulk: COPY on PostgreSQL, executemany on SQLite.

    Hundreds of thousands of rows are written by a large import or a rebuild; model instances
    and the ORM's INSERTs would cost several times the fold itself.
    """
    from django.db import connection

    adapt = {"valid_from": connection.ops.adapt_datefield_value, "valid_to": connection.ops.adapt_datefield_value,
             "known_from": connection.ops.adapt_datetimefield_value,
             "known_to": connection.ops.adapt_datetimefield_value}
    adapters = [adapt.get(name) for name in fields]
    columns = ["case_id", *fields]
    table = model._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for case_id, row in rows:
                    copy.write_row((case_id, *row))
                    written += 1
        else:
            batch = [(case_id, *(a(v) if a and v is not None else v for a, v in zip(adapters, row)))
                     for case_id, row in rows]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})",
                               batch)
            written = len(batch)
    return written


def _replace(model, fields: tuple[str, ...], rows_by_case: dict[int, set[tuple]]) -> None:
    """Make the stored rows of these cases these ones.

    Every case is rewritten: reading the stored rows to skip unchanged cases cost more than writing.
    """
    for chunk in _chunks(rows_by_case):
        model.objects.filter(case_id__in=chunk).delete()
    _insert(model, fields, ((case_id, row) for case_id, rows in rows_by_case.items() for row in rows))


def write_spans(facts_by_case: dict[int, list[EventFact]], *, apps=None) -> None:
    """Make the stored spans of these cases the fold of their events."""
    CaseEvent, StatusSpan, RequestSpan = _models(apps)
    _replace(StatusSpan, STATUS_FIELDS, {case_id: span_rows(case_id, facts) for case_id, facts in facts_by_case.items()})
    # Only a case with a request event can have request spans (events are never deleted): the
    # cases of a bulk creation, say, need no look-up at all.
    sent = [case_id for case_id, facts in facts_by_case.items() if any(f.kind is Event.REQUEST_SENT for f in facts)]
    requests = _load_requests(sent, CaseEvent)
    _replace(RequestSpan, REQUEST_FIELDS, {case_id: request_rows(requests.get(case_id, ())) for case_id in sent})


def rebuild_all(*, apps=None) -> int:
    """Throw the spans away and fold every case's log afresh; returns the number of status spans written."""
    from django.db import connection, transaction

    CaseEvent, StatusSpan, RequestSpan = _models(apps)
    written = 0
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # DELETE would leave every old row dead in the table, for each figures query to read past.
            # (Not within a caller's transaction, whose rows may have constraint checks pending.)
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {StatusSpan._meta.db_table}, {RequestSpan._meta.db_table}")
        else:
            StatusSpan.objects.all().delete()
            RequestSpan.objects.all().delete()
        case_ids = sorted(set(CaseEvent.objects.order_by().values_list("case_id", flat=True).distinct()))
        for start in range(0, len(case_ids), REBUILD_CASES):
            chunk = case_ids[start:start + REBUILD_CASES]
            facts = load_facts(chunk, apps=apps)
            written += _insert(StatusSpan, STATUS_FIELDS, ((case_id, row) for case_id, case_facts in facts.items()
                                                           for row in span_rows(case_id, case_facts)))
            requests = _load_requests(chunk, CaseEvent)
            _insert(RequestSpan, REQUEST_FIELDS, ((case_id, row) for case_id, case_requests in requests.items()
                                                  for row in request_rows(case_requests)))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the planner's statistics, for tables just refilled
                cursor.execute(f"ANALYZE {StatusSpan._meta.db_table}, {RequestSpan._meta.db_table}")
    return written
