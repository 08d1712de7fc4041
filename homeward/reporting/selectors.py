"""Reads behind the dashboard, the statements and the brief: breakdowns, the monthly series, the comparisons.

The figures themselves come from `homeward.registry.figures` (SQL over the status spans); this
module keeps their answers in an in-process cache keyed on the version of every table they read.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.registry.figures import (  # noqa: F401  (month_ends and end_of_day are read from here too)
    COLUMNS,
    GROUPINGS,
    UNKNOWN,
    BucketChange,
    Comparison,
    Figures,
    compare,
    end_of_day,
    figures,
    month_ends,
    monthly,
)
from homeward.registry.models import Case, CaseAgent, CaseEvent, Person, RecruitingAgent, RequestSpan, StatusSpan

BREAKDOWNS = GROUPINGS
# Months before `on` the series reaches back at most: enough for the whole history of the crisis,
# and a bound on the chart's width.
SERIES_MONTHS = 36


# What the figures read: the spans (counts, the partner breakdown), the cases and persons they join
# (origin, home state and district, month of recruitment, reference), the agents' links and names.
_VERSIONED = (CaseEvent, StatusSpan, RequestSpan, Case, Person, CaseAgent, RecruitingAgent)


def _registry_version() -> tuple:
    """Changes whenever anything the figures read is written, so that cached figures stay true.

    Events are only appended, and every append rewrites the case's spans (new span ids, as does
    `homeward refresh_statuses`); cases, persons and agents are only added, never edited by the
    services; an agent's link to a case is added without any event, so its count and highest id
    are part of the version too. One query, each part an index lookup (the count a scan of the
    links' smallest index). An edit of a person's or case's columns outside the services (a SQL
    shell) is not seen: `clear_cache()` after one.
    """
    parts = [f"(SELECT MAX(id) FROM {model._meta.db_table})" for model in _VERSIONED]
    parts.append(f"(SELECT COUNT(*) FROM {CaseAgent._meta.db_table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


# In this process, not Django's cache. A cached Figures keeps the answers (counts, breakdowns)
# it has been asked for, so each is computed once per question and registry version.
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


def breakdown(result: Figures, by: str) -> dict[str, dict[str, int]]:
    """The buckets per home state, origin, home district, recruiting agent, partner or month of recruitment.

    A case sent to two partners, or recruited by two agents, counts under each of them, so those
    breakdowns may add up to more than the cases known; the others add up exactly.
    """
    return result.breakdown(by)


@dataclass
class SeriesPoint:
    day: date
    counts: dict[str, int] = field(default_factory=dict)


def buckets_by_month(on: date, known_at: datetime | None = None, origin: str | None = None) -> list[SeriesPoint]:
    """The buckets at each month's end (and on `on` itself for the last month), in one pass."""

    def compute():
        return [SeriesPoint(day, counts) for day, counts in
                monthly(on, known_at or timezone.now(), origin=origin, months=SERIES_MONTHS)]

    return _cached("series", on, known_at, origin, compute)


def dashboard_breakdown(board: "Dashboard", by: str) -> dict[str, dict[str, int]]:
    """A breakdown of the dashboard's figures (computed once: the cached figures keep it)."""
    return board.now.breakdown(by)


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
        """Month by month as known at the same moment: a query of its own, so only when asked."""
        return buckets_by_month(self.on, self.known_at, self.origin)


def comparison(on: date, known_at: datetime, origin: str | None = None) -> Comparison:
    """compare(), cached per question and registry version."""
    return _cached("compare", on, known_at, origin, lambda: compare(on, known_at, origin=origin))


def dashboard(on: date, known_at: datetime | None, origin: str | None) -> Dashboard:
    if known_at:
        comparison_ = comparison(on, known_at, origin)
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
    # The registry's own rows behind the lines (before any folding into "remaining"): what small-cell
    # suppression works on, the same rows as the dashboard's.
    then_counts: dict[str, int] = field(default_factory=dict)
    now_counts: dict[str, int] = field(default_factory=dict)

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
    result = comparison(statement.figures_on, known_at, origin)
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
                          notes, dict(result.as_known_then.counts), dict(result.as_corrected.counts))


def visible_changes(changes: list[BucketChange], cases) -> tuple[list[BucketChange], int, dict[str, Case]]:
    """The changes of the cases in `cases` (a user's `visible_cases`), how many others there are, and
    those cases by reference (their ids and references only: for the audit trail of what is shown).

    A comparison covers a whole origin country; an embassy's officer may open only his office's
    cases, so only those may be named to him.
    """
    references = list(dict.fromkeys(c.reference for c in changes))
    found: dict[str, Case] = {}
    for start in range(0, len(references), 500):
        found.update((case.reference, case) for case in
                     cases.filter(reference__in=references[start:start + 500]).only("id", "reference"))
    shown = [c for c in changes if c.reference in found]
    return shown, len(changes) - len(shown), found
