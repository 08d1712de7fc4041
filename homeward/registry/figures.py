"""Bitemporal figures: every case's bucket on a day, using only what had been recorded by a moment.

The fold is done in SQL because it runs over every event in the registry; it must agree with
`lifecycle.status_on`, the reference implementation, and a property test holds the two together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from .lifecycle import BUCKET_OF, BUCKETS, STATUS_EVENTS, Event

_STATUS_KINDS = ", ".join(f"'{e.value}'" for e in sorted(STATUS_EVENTS))
_WITHDRAWING_KINDS = f"'{Event.RETRACTION.value}', '{Event.UNMERGED.value}'"
# There is a row per case (100k and more), so each status's bucket is looked up once, here; merged
# cases, and cases not known yet (no kind), have none.
_BUCKET_BY_KIND = {kind.value: bucket.value for kind, bucket in BUCKET_OF.items() if bucket is not None}

# What every status query shares, as known at `known_at`: the events withdrawn, and the cases that
# need the full fold because an event of theirs was withdrawn or they have a correction. The rest,
# nearly all cases, take the plain "latest event" path with no look-up per event.
# COALESCE(recorded_at, recorded_at) keeps the planner off the recorded_at index for these small
# look-ups: SQLite, which has no statistics, would otherwise walk that index and fetch nearly every
# row of the log. `corrects_id > 0` (ids are positive) lets SQLite use the corrects index, which
# IS NOT NULL does not.
_WITHDRAWN_AND_INTRICATE = f"""
withdrawn AS (
    SELECT corrects_id AS id FROM registry_caseevent
    WHERE corrects_id > 0 AND kind IN ({_WITHDRAWING_KINDS})
      AND COALESCE(recorded_at, recorded_at) <= %(known_at)s
),
intricate AS (
    SELECT case_id FROM registry_caseevent WHERE id IN (SELECT id FROM withdrawn)
    UNION
    SELECT case_id FROM registry_caseevent
    WHERE is_correction AND COALESCE(recorded_at, recorded_at) <= %(known_at)s
)"""

_VISIBLE_STATUS_EVENT = f"""
      s.occurred_from <= %(on)s
      AND s.recorded_at <= %(known_at)s
      AND s.kind IN ({_STATUS_KINDS})"""

# Event `s` of an intricate case stands: not withdrawn, and not overridden by a correction recorded
# after it that happened on or before it (probed through the (case, occurred_from, recorded_at) index).
_NOT_WITHDRAWN_OR_OVERRIDDEN = f"""
      s.id NOT IN (SELECT id FROM withdrawn)
      AND NOT EXISTS (
          SELECT 1 FROM registry_caseevent k
          WHERE k.case_id = s.case_id
            AND k.occurred_from <= s.occurred_from
            AND k.recorded_at <= %(known_at)s
            AND k.is_correction
            AND k.id <> s.id
            AND k.kind IN ({_STATUS_KINDS})
            AND k.id NOT IN (SELECT id FROM withdrawn)
            AND (k.recorded_at > s.recorded_at OR (k.recorded_at = s.recorded_at AND k.id > s.id))
      )"""

_LATEST_FIRST = "ORDER BY s.occurred_from DESC, s.recorded_at DESC, s.id DESC LIMIT 1"

# The latest standing event of each case is found the way each engine does fastest (measured with
# bench/figures.py at 100k cases / 1M events, where a window function over the whole log took 3-8 s).
# SQLite: one short walk back along the index per case; the index is ordered by (case,
# occurred_from, recorded_at, rowid = id), so the walk stops at the first event that stands and
# the cost follows the number of cases, not of events. Cases not known on the day have no kind.
_STATUS_SQL_SQLITE = f"""
WITH {_WITHDRAWN_AND_INTRICATE}
SELECT c.id, CASE WHEN c.id IN (SELECT case_id FROM intricate) THEN (
    SELECT s.kind FROM registry_caseevent s
    WHERE s.case_id = c.id AND {_VISIBLE_STATUS_EVENT} AND {_NOT_WITHDRAWN_OR_OVERRIDDEN}
    {_LATEST_FIRST}
) ELSE (
    SELECT s.kind FROM registry_caseevent s
    WHERE s.case_id = c.id AND {_VISIBLE_STATUS_EVENT}
    {_LATEST_FIRST}
) END AS kind, c.reference, c.origin_country, p.home_state
FROM registry_case c
JOIN registry_person p ON p.id = c.person_id
{{case_filter}}
"""

# PostgreSQL: its index does not carry the id tie-break, so a walk per case needs a sort per case;
# one pass over the standing events and one sort (DISTINCT ON) is faster there.
_STATUS_SQL_POSTGRES = f"""
WITH {_WITHDRAWN_AND_INTRICATE},
latest AS (
    SELECT DISTINCT ON (s.case_id) s.case_id, s.kind
    FROM registry_caseevent s
    WHERE {_VISIBLE_STATUS_EVENT}
      AND (s.case_id NOT IN (SELECT case_id FROM intricate) OR ({_NOT_WITHDRAWN_OR_OVERRIDDEN}))
    ORDER BY s.case_id, s.occurred_from DESC, s.recorded_at DESC, s.id DESC
)
SELECT c.id, latest.kind, c.reference, c.origin_country, p.home_state
FROM latest
JOIN registry_case c ON c.id = latest.case_id
JOIN registry_person p ON p.id = c.person_id
{{case_filter}}
"""


def _status_sql() -> str:
    return _STATUS_SQL_POSTGRES if connection.vendor == "postgresql" else _STATUS_SQL_SQLITE


class CaseBucket(NamedTuple):
    """One case's place in the figures; a tuple because 100k of them are built per call."""

    case_id: int
    reference: str
    status: str
    bucket: str
    origin_country: str
    home_state: str


@dataclass
class Figures:
    on: date
    known_at: datetime
    cases: dict[int, CaseBucket] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(c.bucket for c in self.cases.values())
        return {"known": len(self.cases), **{b: tally.get(b, 0) for b in BUCKETS}}

    def breakdown(self, attribute: str) -> dict[str, dict[str, int]]:
        """Counts per value of `attribute` ('home_state' or 'origin_country'), largest first."""
        groups: dict[str, Counter] = {}
        for c in self.cases.values():
            groups.setdefault(getattr(c, attribute) or "(unknown)", Counter())[c.bucket] += 1
        rows = {
            key: {"known": sum(tally.values()), **{b: tally.get(b, 0) for b in BUCKETS}}
            for key, tally in groups.items()
        }
        return dict(sorted(rows.items(), key=lambda item: (-item[1]["known"], item[0])))


def end_of_day(day: date | None) -> datetime | None:
    """"As known on a day" means everything recorded by the end of that day (UTC)."""
    return datetime.combine(day, time.max, tzinfo=dt_timezone.utc) if day else None


def figures(on: date, known_at: datetime | None = None, *, origin: str | None = None) -> Figures:
    """Every non-merged case known on day `on`, as recorded up to `known_at` (default: now)."""
    known_at = known_at or timezone.now()
    if timezone.is_naive(known_at):
        raise ValueError("known_at must carry a time zone")
    params = {
        "known_at": connection.ops.adapt_datetimefield_value(known_at),
        "on": connection.ops.adapt_datefield_value(on),
    }
    case_filter = ""
    if origin:
        case_filter = "WHERE c.origin_country = %(origin)s"
        params["origin"] = origin.upper()
    result = Figures(on=on, known_at=known_at)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner prices the correction probes at millions and JIT-compiles the query,
            # which costs more (0.5-1 s) than running it; SET LOCAL ends with this transaction.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(_status_sql().format(case_filter=case_filter), params)
        rows = cursor.fetchall()
    cases = result.cases
    for case_id, kind, reference, origin_country, home_state in rows:
        bucket = _BUCKET_BY_KIND.get(kind)
        if bucket is not None:
            cases[case_id] = CaseBucket(case_id, reference, kind, bucket, origin_country, home_state)
    return result


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


def compare(on: date, known_at: datetime, *, origin: str | None = None) -> Comparison:
    """The figures for `on` as known at `known_at`, beside the same day as we know it now, and why they differ."""
    then = figures(on, known_at, origin=origin)
    now = figures(on, origin=origin)
    changes = []
    for case_id in sorted(then.cases.keys() | now.cases.keys()):
        before, after = then.cases.get(case_id), now.cases.get(case_id)
        if before and after and before.bucket == after.bucket:
            continue
        if before is None:
            why = "learned later"
        elif after is None:
            why = "merged into another case or retracted"
        else:
            why = "corrected since"
        reference = (after or before).reference
        changes.append(BucketChange(reference, before.bucket if before else "", after.bucket if after else "", why))
    return Comparison(then, now, changes)
