"""Bitemporal figures: every case's bucket on a day, using only what had been recorded by a moment.

The fold is done in SQL because it runs over every event in the registry; it must agree with
`lifecycle.status_on`, the reference implementation, and a property test holds the two together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from .lifecycle import BUCKETS, STATUS_EVENTS, Event, bucket_of

_STATUS_KINDS = ", ".join(f"'{e.value}'" for e in sorted(STATUS_EVENTS))
_WITHDRAWING_KINDS = f"'{Event.RETRACTION.value}', '{Event.UNMERGED.value}'"

# A correction overrides events recorded before it that happened on or after its own date. Most
# cases have no correction, so the costly NOT EXISTS probe only runs for those that do.
_STATUS_SQL = f"""
WITH visible AS (
    SELECT id, case_id, kind, occurred_from, recorded_at, is_correction, corrects_id
    FROM registry_caseevent
    WHERE recorded_at <= %(known_at)s
),
withdrawn AS (
    SELECT corrects_id AS id FROM visible WHERE kind IN ({_WITHDRAWING_KINDS}) AND corrects_id IS NOT NULL
),
corrections AS (
    SELECT id, case_id, occurred_from, recorded_at FROM visible
    WHERE is_correction AND kind IN ({_STATUS_KINDS}) AND id NOT IN (SELECT id FROM withdrawn)
),
kept AS (
    SELECT s.id, s.case_id, s.kind, s.occurred_from, s.recorded_at
    FROM visible s
    WHERE s.kind IN ({_STATUS_KINDS})
      AND s.occurred_from <= %(on)s
      AND s.id NOT IN (SELECT id FROM withdrawn)
      AND (
        s.case_id NOT IN (SELECT case_id FROM corrections)
        OR NOT EXISTS (
            SELECT 1 FROM corrections c
            WHERE c.case_id = s.case_id
              AND c.id <> s.id
              AND s.occurred_from >= c.occurred_from
              AND (c.recorded_at > s.recorded_at OR (c.recorded_at = s.recorded_at AND c.id > s.id))
        )
      )
),
ranked AS (
    SELECT case_id, kind,
           ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY occurred_from DESC, recorded_at DESC, id DESC) AS position
    FROM kept
)
SELECT ranked.case_id, ranked.kind, c.reference, c.origin_country, p.home_state
FROM ranked
JOIN registry_case c ON c.id = ranked.case_id
JOIN registry_person p ON p.id = c.person_id
WHERE ranked.position = 1 {{case_filter}}
"""


@dataclass(frozen=True)
class CaseBucket:
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
        case_filter = "AND c.origin_country = %(origin)s"
        params["origin"] = origin.upper()
    result = Figures(on=on, known_at=known_at)
    with connection.cursor() as cursor:
        cursor.execute(_STATUS_SQL.format(case_filter=case_filter), params)
        for case_id, kind, reference, origin_country, home_state in cursor.fetchall():
            bucket = bucket_of(Event(kind))
            if bucket is not None:
                result.cases[case_id] = CaseBucket(case_id, reference, kind, bucket.value, origin_country, home_state)
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
