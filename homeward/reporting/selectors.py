"""Reads behind the dashboard, the statements and the brief: breakdowns, the monthly series, the comparisons."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils.translation import gettext as _

from homeward.registry.figures import (
    _BUCKET_BY_KIND,
    _NOT_WITHDRAWN_OR_OVERRIDDEN,
    _VISIBLE_STATUS_EVENT,
    _WITHDRAWN_AND_INTRICATE,
    BucketChange,
    Comparison,
    Figures,
    compare,
    end_of_day,
    figures,
)
from homeward.registry.lifecycle import BUCKETS, Event
from homeward.registry.models import Case, CaseAgent, CaseEvent

COLUMNS = ("known", *BUCKETS)
UNKNOWN = "(unknown)"
BREAKDOWNS = ("state", "origin", "district", "agent", "partner", "month")
# Months before `on` the series reaches back at most: enough for the whole history of the crisis,
# and a bound on the chart's width and the page's cost.
SERIES_MONTHS = 36


def _registry_version() -> int:
    """Changes whenever an event is appended (events are never updated), so cached figures stay true."""
    return CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# In this process, not Django's cache: pickling 100k case rows would cost as much as recomputing them.
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 24
_CACHE_LOCK = threading.Lock()


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def _cached(kind: str, on: date, known_at: datetime | None, origin: str | None, compute):
    key = (kind, on, known_at, origin, _registry_version())
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = compute()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def cached_figures(on: date, known_at: datetime | None = None, origin: str | None = None) -> Figures:
    return _cached("figures", on, known_at, origin, lambda: figures(on, known_at, origin=origin))


def _rows(groups: dict[str, Counter]) -> dict[str, dict[str, int]]:
    return {key: {"known": sum(t.values()), **{b: t.get(b, 0) for b in BUCKETS}} for key, t in groups.items()}


def _largest_first(rows: dict[str, dict]) -> dict[str, dict]:
    return dict(sorted(rows.items(), key=lambda item: (-item[1]["known"], item[0])))


def _group(result: Figures, keys_of: dict[int, list[str]], missing: str = UNKNOWN) -> dict[str, Counter]:
    groups: dict[str, Counter] = defaultdict(Counter)
    for case_id, bucket in result.cases.items():
        for key in keys_of.get(case_id) or [missing]:
            groups[key][bucket.bucket] += 1
    return groups


def breakdown(result: Figures, by: str) -> dict[str, dict[str, int]]:
    """The buckets per home state, origin, home district, recruiting agent, partner or month of recruitment.

    A case sent to two partners, or recruited by two agents, counts under each of them, so those
    breakdowns may add up to more than the cases known; the others add up exactly.
    """
    if by == "state":
        return result.breakdown("home_state")
    if by == "origin":
        return result.breakdown("origin_country")
    if by == "district":
        keys = {pk: [f"{state or UNKNOWN} / {district or UNKNOWN}"]
                for pk, state, district in Case.objects.values_list("pk", "person__home_state", "person__home_district")}
        return _largest_first(_rows(_group(result, keys)))
    if by == "agent":
        keys: dict[int, list[str]] = defaultdict(list)
        for link in CaseAgent.objects.select_related("agent"):
            keys[link.case_id].append(str(link.agent))
        return _largest_first(_rows(_group(result, keys)))
    if by == "partner":
        sent = CaseEvent.objects.filter(kind=Event.REQUEST_SENT, recorded_at__lte=result.known_at,
                                        occurred_from__lte=result.on).order_by().values_list("case_id", "source").distinct()
        keys = defaultdict(list)
        for case_id, source in sent:
            keys[case_id].append(source or UNKNOWN)
        return _largest_first(_rows(_group(result, keys, "(no request sent)")))
    if by == "month":
        # Partial dates: a year-only date is its own group rather than guessed into a month.
        keys = {pk: [left[:7]] for pk, left in Case.objects.exclude(left_home_on="").values_list("pk", "left_home_on")}
        groups = _group(result, keys)
        return dict(sorted(_rows(groups).items(), key=lambda item: (item[0] == UNKNOWN, item[0])))
    raise ValueError(f"breakdown by {by!r}: expected one of {', '.join(BREAKDOWNS)}")


def _month_expression() -> str:
    if connection.vendor == "postgresql":
        return "to_char(date_trunc('month', s.occurred_from), 'YYYY-MM')"
    return "strftime('%%Y-%%m', s.occurred_from)"


# Every case's last standing event in each month up to `on`, as known at `known_at`, and the month of
# its next one: a case counts in its bucket from that month until the next. The standing rules are
# the figures' own (figures.py), so month ends agree with figures() on those days.
_MONTHLY_POSTGRES = """
monthly AS (
    SELECT DISTINCT ON (s.case_id, {month}) s.case_id, {month} AS m, s.kind
    FROM registry_caseevent s
    WHERE {visible}
      AND (s.case_id NOT IN (SELECT case_id FROM intricate) OR ({standing}))
    ORDER BY s.case_id, {month}, s.occurred_from DESC, s.recorded_at DESC, s.id DESC
)"""
_MONTHLY_SQLITE = """
ranked AS (
    SELECT s.case_id, {month} AS m, s.kind, ROW_NUMBER() OVER (
        PARTITION BY s.case_id, {month} ORDER BY s.occurred_from DESC, s.recorded_at DESC, s.id DESC) AS rank
    FROM registry_caseevent s
    WHERE {visible}
      AND (s.case_id NOT IN (SELECT case_id FROM intricate) OR ({standing}))
),
monthly AS (SELECT case_id, m, kind FROM ranked WHERE rank = 1)"""
_SPANS = """
SELECT m, next_m, kind, COUNT(*) FROM (
    SELECT monthly.m, monthly.kind, LEAD(monthly.m) OVER (PARTITION BY monthly.case_id ORDER BY monthly.m) AS next_m
    FROM monthly {origin_join}
) spans
GROUP BY m, next_m, kind
"""


@dataclass
class SeriesPoint:
    day: date
    counts: dict[str, int] = field(default_factory=dict)


def month_ends(first: date, last: date) -> list[date]:
    ends, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        ends.append(min(following - timedelta(days=1), last))
        year, month = following.year, following.month
    return ends


def _series(on: date, known_at: datetime, origin: str | None) -> list[SeriesPoint]:
    monthly = _MONTHLY_POSTGRES if connection.vendor == "postgresql" else _MONTHLY_SQLITE
    sql = "WITH " + _WITHDRAWN_AND_INTRICATE + "," + monthly.format(
        month=_month_expression(), visible=_VISIBLE_STATUS_EVENT, standing=_NOT_WITHDRAWN_OR_OVERRIDDEN,
    ) + _SPANS.format(origin_join="JOIN registry_case c ON c.id = monthly.case_id WHERE c.origin_country = %(origin)s"
                      if origin else "")
    params = {"known_at": connection.ops.adapt_datetimefield_value(known_at),
              "on": connection.ops.adapt_datefield_value(on)}
    if origin:
        params["origin"] = origin.upper()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # as in figures(): compiling costs more than running
        cursor.execute(sql, params)
        spans = cursor.fetchall()
    months = sorted({m for m, _, _, _ in spans})
    if not months:
        return []
    earliest = on.year * 12 + on.month - 1 - (SERIES_MONTHS - 1)
    first = max(date.fromisoformat(months[0] + "-01"), date(earliest // 12, earliest % 12 + 1, 1))
    points = [SeriesPoint(end, {b: 0 for b in COLUMNS}) for end in month_ends(first, on)]
    for start, until, kind, count in spans:
        bucket = _BUCKET_BY_KIND.get(kind)
        if bucket is None:
            continue  # merged: counted in the surviving case
        for point in points:
            month = point.day.isoformat()[:7]
            if start <= month and (until is None or month < until):
                point.counts[bucket] += count
                point.counts["known"] += count
    return points


def buckets_by_month(on: date, known_at: datetime | None = None, origin: str | None = None) -> list[SeriesPoint]:
    """The buckets at each month's end (and on `on` itself for the last month), in one pass over the log."""
    from django.utils import timezone as tz

    return _cached("series", on, known_at, origin, lambda: _series(on, known_at or tz.now(), origin))


def dashboard_breakdown(board: "Dashboard", by: str) -> dict[str, dict[str, int]]:
    """A breakdown of the dashboard's figures, kept with them (the agent and partner ones read other tables)."""
    return _cached(f"breakdown:{by}", board.on, board.known_at, board.origin, lambda: breakdown(board.now, by))


@dataclass
class Dashboard:
    on: date
    known_at: datetime | None
    origin: str | None
    now: Figures
    then: Figures | None
    changes: list[BucketChange]

    @property
    def series(self) -> list[SeriesPoint]:
        """Month by month as known at the same moment: a second pass over the log, so only when asked."""
        return buckets_by_month(self.on, self.known_at, self.origin)


def changes_between(then: Figures, now: Figures) -> list[BucketChange]:
    """The cases counted differently in two figures, and why: what figures.compare() says (a test holds them equal)."""
    changes = []
    for case_id in sorted(then.cases.keys() | now.cases.keys()):
        before, after = then.cases.get(case_id), now.cases.get(case_id)
        if before and after and before.bucket == after.bucket:
            continue
        why = "learned later" if before is None else "merged into another case or retracted" if after is None \
            else "corrected since"
        changes.append(BucketChange((after or before).reference, before.bucket if before else "",
                                    after.bucket if after else "", why))
    return changes


def _in_own_connection(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    finally:
        connection.close()  # the worker thread's own connection


def comparison(on: date, known_at: datetime, origin: str | None = None) -> Comparison:
    """compare(), with "then" and "now" computed side by side on PostgreSQL: each is a full pass over the log.

    Only outside a transaction: a second connection would not see the first one's uncommitted rows.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return compare(on, known_at, origin=origin)
    with ThreadPoolExecutor(max_workers=2) as pool:
        then = pool.submit(_in_own_connection, figures, on, known_at, origin=origin)
        now = pool.submit(_in_own_connection, figures, on, None, origin=origin)
        then, now = then.result(), now.result()
    return Comparison(then, now, changes_between(then, now))


def dashboard(on: date, known_at: datetime | None, origin: str | None) -> Dashboard:
    if known_at:
        comparison_ = _cached("compare", on, known_at, origin, lambda: comparison(on, known_at, origin))
        now, then, changes = comparison_.as_corrected, comparison_.as_known_then, comparison_.changes
    else:
        now, then, changes = cached_figures(on, None, origin), None, []
    return Dashboard(on, known_at, origin, now, then, changes)


@dataclass
class StatementLine:
    figure: str
    stated: int | None
    then: int
    now: int

    @property
    def stated_differs(self) -> bool:
        return self.stated is not None and self.stated != self.then

    @property
    def corrected_differs(self) -> bool:
        return self.then != self.now


@dataclass
class StatementCheck:
    statement: object
    lines: list[StatementLine]
    sum_warning: str
    changes: list[BucketChange]
    reasons: dict[str, int]
    notes: list[str]

    @property
    def reproduced(self) -> bool:
        return not any(line.stated_differs for line in self.lines)


def _comparable(counts: dict[str, int], statement) -> dict[str, int]:
    """Our counts in the statement's terms: what it folded into "remain" is folded in here too."""
    counts = dict(counts)
    if statement.remaining_includes_missing:
        counts["remaining"] += counts["missing"]
    if statement.remaining_includes_prisoner:
        counts["remaining"] += counts["prisoner"]
    return counts


def sum_warning(statement) -> str:
    """Why the statement's own numbers do not add up, or "" when they do (or cannot be checked)."""
    parts = [("killed", statement.killed), ("discharged", statement.discharged)]
    if not statement.remaining_includes_missing:
        parts.append(("missing", statement.missing))
    if not statement.remaining_includes_prisoner:
        parts.append(("prisoner", statement.prisoner))
    parts.append(("remaining", statement.remaining))
    stated = [(name, value) for name, value in parts if value is not None]
    if statement.known is None or len(stated) < 2:
        return ""
    total = sum(value for _name, value in stated)
    if total == statement.known:
        return ""
    sum_text = " + ".join(str(value) for _name, value in stated)
    return _("%(parts)s = %(total)s, not %(known)s as stated") % {
        "parts": sum_text, "total": total, "known": statement.known}


def check_statement(statement) -> StatementCheck:
    """The statement beside the same figures as known on its day and as corrected today, and why they differ."""
    known_at = end_of_day(statement.published_on)
    origin = statement.origin_country or None
    result = _cached("compare", statement.figures_on, known_at, origin,
                     lambda: comparison(statement.figures_on, known_at, origin))
    then = _comparable(result.as_known_then.counts, statement)
    now = _comparable(result.as_corrected.counts, statement)
    lines = [StatementLine(name, getattr(statement, name), then[name], now[name]) for name in COLUMNS
             if not (name == "missing" and statement.remaining_includes_missing and statement.missing is None)
             and not (name == "prisoner" and statement.remaining_includes_prisoner and statement.prisoner is None)]
    notes = []
    if statement.remaining_includes_missing:
        notes.append(_("The statement counts the missing within those who remain; so does this comparison."))
    if statement.remaining_includes_prisoner:
        notes.append(_("The statement counts prisoners within those who remain; so does this comparison."))
    changes = result.changes
    return StatementCheck(statement, lines, sum_warning(statement), changes, dict(Counter(c.why for c in changes)),
                          notes)
