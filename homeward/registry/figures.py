"""Bitemporal figures: every case's bucket on a day, using only what had been recorded by a moment.

They are counted in SQL over the status spans (spans.py), the event log's fold kept per case as
rectangles of (days, state of knowledge): for any (on, known_at) a case has at most one span that
holds, and it is `lifecycle.status_on`. A property test holds the two together.

The public reads:
- `figures(on, known_at, origin=)`: a `Figures`, whose counts, breakdowns and per-case rows are
  each one SQL query, run on first use (a page that shows counts never fetches 100k case rows);
- `compare(on, known_at, origin=)`: as known then beside as corrected since, and the cases that
  explain the difference;
- `monthly(on, known_at, origin=, months=)`: the buckets at each month's end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import cached_property  # no lock shared by every instance, unlike functools (3.11)

from .lifecycle import BUCKET_OF, BUCKETS, Event

COLUMNS: tuple[str, ...] = ("known", *BUCKETS)
UNKNOWN = "(unknown)"
NO_REQUEST = "(no request sent)"
# What a breakdown may be by; "home_state" and "origin_country" are older names of the first two.
GROUPINGS = ("state", "origin", "district", "agent", "partner", "month")
_ALIASES = {"home_state": "state", "origin_country": "origin"}

# Each status's bucket, looked up in Python after a GROUP BY status; merged cases have none.
_BUCKET_BY_KIND = {kind.value: bucket.value for kind, bucket in BUCKET_OF.items() if bucket is not None}
# The same in SQL, for comparing two states of knowledge row by row.
_BUCKET_SQL = "CASE {column} " + " ".join(f"WHEN '{k}' THEN '{b}'" for k, b in sorted(_BUCKET_BY_KIND.items())) + " END"
_MERGED = Event.MERGED.value


def _holds(on: str, known_at: str) -> str:
    """The span of a case that holds on day %(on)s as known at %(known_at)s (at most one per case)."""
    return (f"s.valid_from <= %({on})s AND (s.valid_to > %({on})s OR s.valid_to IS NULL)"
            f" AND s.known_from <= %({known_at})s AND (s.known_to > %({known_at})s OR s.known_to IS NULL)")


_HOLDS = _holds("on", "known_at")
_CASE_JOIN = "JOIN registry_case c ON c.id = s.case_id"
_PERSON_JOIN = "JOIN registry_person p ON p.id = c.person_id"

# Breakdowns: the SQL of each grouping's key columns and joins. A case sent to two partners, or
# recruited by two agents, counts under each of them; the other groupings add up exactly.
_GROUP_SQL = {
    "state": ("p.home_state", f"{_CASE_JOIN} {_PERSON_JOIN}"),
    "origin": ("c.origin_country", _CASE_JOIN),
    "district": ("p.home_state, p.home_district", f"{_CASE_JOIN} {_PERSON_JOIN}"),
    # Partial dates: a year-only date is its own group rather than guessed into a month.
    "month": ("SUBSTR(c.left_home_on, 1, 7)", _CASE_JOIN),
    "agent": ("a.agent_id", f"{_CASE_JOIN} LEFT JOIN registry_caseagent a ON a.case_id = s.case_id"),
    # The partners the case had been sent to by the day, as known at the moment (at most one
    # request span per case and partner holds, so no DISTINCT over the request events).
    "partner": ("r.source", f"""{_CASE_JOIN} LEFT JOIN registry_requestspan r ON r.case_id = s.case_id
        AND r.valid_from <= %(on)s AND r.known_from <= %(known_at)s AND (r.known_to > %(known_at)s OR r.known_to IS NULL)"""),
}


def end_of_day(day: date | None) -> datetime | None:
    """"As known on a day" means everything recorded by the end of that day (UTC)."""
    return datetime.combine(day, time.max, tzinfo=dt_timezone.utc) if day else None


def _params(on: date, known_at: datetime, origin: str | None, **more_known_at: datetime) -> dict:
    params = {"on": connection.ops.adapt_datefield_value(on),
              "known_at": connection.ops.adapt_datetimefield_value(known_at)}
    params.update({name: connection.ops.adapt_datetimefield_value(value) for name, value in more_known_at.items()})
    if origin:
        params["origin"] = origin
    return params


def _fetch(sql: str, params: dict) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner may price these scans high enough to JIT-compile them, which costs more
            # than running them; and with the default 4 MB it sorts groups on disk that fit in
            # memory many times over. SET LOCAL ends with this transaction.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _origin_filter(origin: str | None) -> str:
    if not origin:
        return ""
    if connection.vendor == "sqlite":
        # The unary + keeps SQLite off the origin index: walking the spans in their order and
        # looking each case up is faster than fetching every span of 80% of the cases by case id.
        return " AND +c.origin_country = %(origin)s"
    return " AND c.origin_country = %(origin)s"


def _tally(rows) -> dict[str, int]:
    """Counts per column from (status, count) pairs."""
    counts = dict.fromkeys(COLUMNS, 0)
    for status, count in rows:
        bucket = _BUCKET_BY_KIND.get(status)
        if bucket is not None:
            counts[bucket] += count
            counts["known"] += count
    return counts


def _largest_first(rows: dict[str, dict]) -> dict[str, dict]:
    return dict(sorted(rows.items(), key=lambda item: (-item[1]["known"], item[0])))


class CaseBucket(NamedTuple):
    """One case's place in the figures; a tuple because 100k of them may be built per call."""

    case_id: int
    reference: str
    status: str
    bucket: str
    origin_country: str
    home_state: str


class Figures:
    """The figures for day `on` as known at `known_at`, optionally of one origin country.

    Each answer (counts, a breakdown, the per-case rows) is one SQL query over the status spans,
    run when first asked for and then kept; the answers are of the registry as it is when asked.
    """

    def __init__(self, on: date, known_at: datetime, origin: str | None = None):
        self.on, self.known_at, self.origin = on, known_at, origin
        self._breakdowns: dict[str, dict[str, dict[str, int]]] = {}

    def __repr__(self) -> str:
        return f"Figures(on={self.on}, known_at={self.known_at.isoformat()}, origin={self.origin})"

    def _params(self) -> dict:
        return _params(self.on, self.known_at, self.origin)

    @cached_property
    def _by_origin_and_state(self) -> list[tuple[str, str, str, int]]:
        # One pass gives the counts and the two breakdowns every page shows.
        return _fetch(f"""
            SELECT s.status, c.origin_country, p.home_state, COUNT(*)
            FROM registry_statusspan s {_CASE_JOIN} {_PERSON_JOIN}
            WHERE {_HOLDS} AND s.status <> '{_MERGED}'{_origin_filter(self.origin)}
            GROUP BY s.status, c.origin_country, p.home_state""", self._params())

    @cached_property
    def counts(self) -> dict[str, int]:
        return _tally((status, count) for status, _origin, _state, count in self._by_origin_and_state)

    def breakdown(self, by: str) -> dict[str, dict[str, int]]:
        """Counts per home state, origin, home district, recruiting agent, partner or month of recruitment.

        Largest group first; by month, in time order with the unknown last.
        """
        by = _ALIASES.get(by, by)
        if by not in GROUPINGS:
            raise ValueError(f"breakdown by {by!r}: expected one of {', '.join(GROUPINGS)}")
        if by not in self._breakdowns:
            self._breakdowns[by] = self._breakdown(by)
        return self._breakdowns[by]

    def _breakdown(self, by: str) -> dict[str, dict[str, int]]:
        groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
        if by in ("state", "origin"):
            for status, origin, state, count in self._by_origin_and_state:
                groups[(state if by == "state" else origin) or UNKNOWN].append((status, count))
        else:
            columns, joins = _GROUP_SQL[by]
            rows = _fetch(f"""
                SELECT {columns}, s.status, COUNT(*) FROM registry_statusspan s {joins}
                WHERE {_HOLDS} AND s.status <> '{_MERGED}'{_origin_filter(self.origin)}
                GROUP BY {columns}, s.status""", self._params())
            label = self._labeller(by, {row[0] for row in rows})
            for *key, status, count in rows:
                groups[label(*key)].append((status, count))
        rows = {key: _tally(pairs) for key, pairs in groups.items()}
        if by == "month":
            return dict(sorted(rows.items(), key=lambda item: (item[0] == UNKNOWN, item[0])))
        return _largest_first(rows)

    @staticmethod
    def _labeller(by: str, keys: set):
        if by == "district":
            return lambda state, district: f"{state or UNKNOWN} / {district or UNKNOWN}"
        if by == "agent":
            from .models import RecruitingAgent

            names = {agent.pk: str(agent) for agent in RecruitingAgent.objects.filter(pk__in=keys - {None})}
            return lambda agent_id: names[agent_id] if agent_id is not None else UNKNOWN
        if by == "partner":
            return lambda source: NO_REQUEST if source is None else source or UNKNOWN
        return lambda key: key or UNKNOWN

    @cached_property
    def cases(self) -> dict[int, CaseBucket]:
        """Every non-merged case known on the day, with its status and bucket."""
        rows = _fetch(f"""
            SELECT s.case_id, s.status, c.reference, c.origin_country, p.home_state
            FROM registry_statusspan s {_CASE_JOIN} {_PERSON_JOIN}
            WHERE {_HOLDS} AND s.status <> '{_MERGED}'{_origin_filter(self.origin)}""", self._params())
        return {case_id: CaseBucket(case_id, reference, status, _BUCKET_BY_KIND[status], origin, state)
                for case_id, status, reference, origin, state in rows}


def _question(on: date, known_at: datetime | None, origin: str | None) -> tuple[datetime, str | None]:
    known_at = known_at or timezone.now()
    if timezone.is_naive(known_at):
        raise ValueError("known_at must carry a time zone")
    return known_at, origin.upper() if origin else None


def figures(on: date, known_at: datetime | None = None, *, origin: str | None = None) -> Figures:
    """Every non-merged case known on day `on`, as recorded up to `known_at` (default: now)."""
    known_at, origin = _question(on, known_at, origin)
    return Figures(on, known_at, origin)


@dataclass(frozen=True)
class BucketChange:
    reference: str
    then: str
    now: str
    why: str


@dataclass
class Comparison:
    as_known_then: Figures
    as_corrected: Figures
    changes: list[BucketChange]


def _changes(on: date, known_at: datetime, now: datetime, origin: str | None) -> list[BucketChange]:
    """The cases in a different bucket (or in none) on `on` as known at `known_at` and at `now`, by case id.

    One pass: each case has at most one span holding as known then and one as known now.
    """
    then_holds, now_holds = _holds("on", "known_at"), _holds("on", "now")
    then_bucket = _BUCKET_SQL.format(column=f"MAX(CASE WHEN {then_holds} THEN s.status END)")
    now_bucket = _BUCKET_SQL.format(column=f"MAX(CASE WHEN {now_holds} THEN s.status END)")
    rows = _fetch(f"""
        SELECT s.case_id, c.reference, {then_bucket}, {now_bucket}
        FROM registry_statusspan s {_CASE_JOIN}
        WHERE s.valid_from <= %(on)s AND (s.valid_to > %(on)s OR s.valid_to IS NULL)
          AND s.known_from <= %(latest)s AND (s.known_to > %(earliest)s OR s.known_to IS NULL)
          AND s.status <> '{_MERGED}'{_origin_filter(origin)}
        GROUP BY s.case_id, c.reference
        HAVING COALESCE({then_bucket}, '') <> COALESCE({now_bucket}, '')
        ORDER BY s.case_id""", _params(on, known_at, origin, now=now, earliest=min(known_at, now),
                                          latest=max(known_at, now)))
    changes = []
    for _case_id, reference, before, after in rows:
        why = "learned later" if before is None else "merged into another case or retracted" if after is None \
            else "corrected since"
        changes.append(BucketChange(reference, before or "", after or "", why))
    return changes


def compare(on: date, known_at: datetime, *, origin: str | None = None) -> Comparison:
    """The figures for `on` as known at `known_at`, beside the same day as we know it now, and why they differ.

    The counts as known then follow from those as known now and the cases that changed, so they
    cost no pass of their own; both are read from one snapshot of the registry.
    """
    then = figures(on, known_at, origin=origin)
    now = figures(on, origin=origin)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        changes = _changes(on, then.known_at, now.known_at, now.origin)
        counts = dict(now.counts)
    for change in changes:
        for bucket, step in ((change.now, -1), (change.then, 1)):
            if bucket:
                counts[bucket] += step
                counts["known"] += step
    then.counts = counts  # what the cached property would have counted, without the pass
    return Comparison(then, now, changes)


def month_ends(first: date, last: date) -> list[date]:
    """The last day of each month from `first`'s to `last`'s, and `last` itself for its own month."""
    ends, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        ends.append(min(following - timedelta(days=1), last))
        year, month = following.year, following.month
    return ends


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        # As a timestamp without time zone: twice as fast as to_char() or date_trunc() of a date.
        return f"date_trunc('month', {column}::timestamp)"
    return f"SUBSTR({column}, 1, 7)"  # SQLite keeps dates as ISO text


def _month_key(value) -> str | None:
    return value if value is None or isinstance(value, str) else value.isoformat()[:7]


def monthly(on: date, known_at: datetime | None = None, *, origin: str | None = None,
            months: int | None = None) -> list[tuple[date, dict[str, int]]]:
    """The counts at each month's end (and on `on` itself for its month) as known at `known_at`.

    From the month of the first event known (at most `months` months back), in one pass: a span
    counts at the month ends from its first day's month until its last day's month, so each
    span is read once whatever the number of months.
    """
    known_at, origin = _question(on, known_at, origin)
    # A span that begins and ends within one month (and before `on`) covers no month's end: leaving
    # those out before grouping (a third of them) saves more than the test costs, on both engines.
    short = (f" AND (s.valid_to IS NULL OR s.valid_to > %(on)s"
             f" OR {_month_sql('s.valid_from')} < {_month_sql('s.valid_to')})")
    rows = _fetch(f"""
        SELECT s.status, {_month_sql('s.valid_from')},
               CASE WHEN s.valid_to <= %(on)s THEN {_month_sql('s.valid_to')} END, COUNT(*)
        FROM registry_statusspan s {_CASE_JOIN if origin else ''}
        WHERE s.valid_from <= %(on)s
          AND s.known_from <= %(known_at)s AND (s.known_to > %(known_at)s OR s.known_to IS NULL){short}
          {_origin_filter(origin)}
        GROUP BY 1, 2, 3""", _params(on, known_at, origin))
    if not rows:
        return []
    rows = [(status, _month_key(start), _month_key(until), count) for status, start, until, count in rows]
    first = date.fromisoformat(min(start for _status, start, _until, _count in rows) + "-01")
    if months:
        earliest = on.year * 12 + on.month - 1 - (months - 1)
        first = max(first, date(earliest // 12, earliest % 12 + 1, 1))
    points = [(end, dict.fromkeys(COLUMNS, 0)) for end in month_ends(first, on)]
    keys = [end.isoformat()[:7] for end, _counts in points]
    for status, start, until, count in rows:
        bucket = _BUCKET_BY_KIND.get(status)
        if bucket is None:
            continue  # merged: counted in the surviving case
        for key, (_end, counts) in zip(keys, points):
            if start <= key and (until is None or key < until):
                counts[bucket] += count
                counts["known"] += count
    return points
