"""The case lifecycle: which events exist, which may follow which, and how a status is counted.

This module is plain Python so that the rules can be property-tested without a database and read
in one place. Everything that changes a case's status goes through `check_transition`, except
corrections and a partner's assertions, which state what is true whatever the lifecycle allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Iterable, Sequence


class LifecycleError(ValueError):
    pass


class Event(StrEnum):
    # The names as they are written in import files; each one is also the status it leads to.
    REPORTED = "reported"
    IDENTIFIED = "identified"
    DISCHARGE_REQUESTED = "discharge_requested"
    CONTRACT_ANNULLED = "contract_annulled"
    DISCHARGED = "discharged"
    RETURNED_HOME = "returned_home"
    MISSING = "missing"
    PRISONER = "prisoner"
    KILLED = "killed"
    REMAINS_IDENTIFIED = "remains_identified"
    REMAINS_REPATRIATED = "remains_repatriated"
    CREMATED_LOCALLY = "cremated_locally"
    NOT_IN_SERVICE = "not_in_service"
    MERGED = "merged"
    # Events that change no status of their own.
    RETRACTION = "retraction"
    UNMERGED = "unmerged"
    REQUEST_SENT = "request_sent"


STATUS_EVENTS: frozenset[Event] = frozenset(
    e for e in Event if e not in {Event.RETRACTION, Event.UNMERGED, Event.REQUEST_SENT}
)
# Events that withdraw the event they correct (an unmerge retracts a merge).
WITHDRAWING: frozenset[Event] = frozenset({Event.RETRACTION, Event.UNMERGED})
# What may appear in the `event` column of an import file: merges are made through the merge service.
FILE_EVENTS: tuple[str, ...] = tuple(e.value for e in Event if e in STATUS_EVENTS and e is not Event.MERGED)

# What may happen to a man the host has in service (or not yet located).
_IN_SERVICE_OUTCOMES = {
    Event.IDENTIFIED,
    Event.DISCHARGE_REQUESTED,
    Event.MISSING,
    Event.PRISONER,
    Event.KILLED,
    Event.MERGED,
}

# status -> events that may follow it. None is a case with no events yet.
TRANSITIONS: dict[Event | None, frozenset[Event]] = {
    None: frozenset({Event.REPORTED}),
    Event.REPORTED: frozenset(_IN_SERVICE_OUTCOMES | {Event.NOT_IN_SERVICE}),
    Event.IDENTIFIED: frozenset(_IN_SERVICE_OUTCOMES - {Event.IDENTIFIED} | {Event.DISCHARGED}),
    Event.DISCHARGE_REQUESTED: frozenset(
        {Event.CONTRACT_ANNULLED, Event.DISCHARGED, Event.MISSING, Event.PRISONER, Event.KILLED, Event.MERGED}
    ),
    Event.CONTRACT_ANNULLED: frozenset({Event.DISCHARGED, Event.MISSING, Event.PRISONER, Event.KILLED, Event.MERGED}),
    Event.DISCHARGED: frozenset({Event.RETURNED_HOME, Event.MERGED}),
    Event.RETURNED_HOME: frozenset({Event.MERGED}),
    Event.MISSING: frozenset(
        {Event.IDENTIFIED, Event.PRISONER, Event.KILLED, Event.DISCHARGED, Event.RETURNED_HOME, Event.MERGED}
    ),
    Event.PRISONER: frozenset({Event.RETURNED_HOME, Event.IDENTIFIED, Event.MISSING, Event.KILLED, Event.MERGED}),
    Event.KILLED: frozenset(
        {Event.REMAINS_IDENTIFIED, Event.REMAINS_REPATRIATED, Event.CREMATED_LOCALLY, Event.MERGED}
    ),
    Event.REMAINS_IDENTIFIED: frozenset({Event.REMAINS_REPATRIATED, Event.CREMATED_LOCALLY, Event.MERGED}),
    Event.REMAINS_REPATRIATED: frozenset({Event.MERGED}),
    Event.CREMATED_LOCALLY: frozenset({Event.MERGED}),
    Event.NOT_IN_SERVICE: frozenset({Event.IDENTIFIED, Event.MISSING, Event.MERGED}),
    Event.MERGED: frozenset(),
}


class Bucket(StrEnum):
    KILLED = "killed"
    DISCHARGED = "discharged"
    MISSING = "missing"
    PRISONER = "prisoner"
    REMAINING = "remaining"


BUCKETS: tuple[str, ...] = tuple(b.value for b in Bucket)

# Every status but `merged` counts in exactly one bucket; a merged case is counted in its survivor.
BUCKET_OF: dict[Event, Bucket | None] = {
    Event.KILLED: Bucket.KILLED,
    Event.REMAINS_IDENTIFIED: Bucket.KILLED,
    Event.REMAINS_REPATRIATED: Bucket.KILLED,
    Event.CREMATED_LOCALLY: Bucket.KILLED,
    Event.DISCHARGED: Bucket.DISCHARGED,
    Event.RETURNED_HOME: Bucket.DISCHARGED,
    Event.MISSING: Bucket.MISSING,
    Event.PRISONER: Bucket.PRISONER,
    Event.REPORTED: Bucket.REMAINING,
    Event.IDENTIFIED: Bucket.REMAINING,
    Event.DISCHARGE_REQUESTED: Bucket.REMAINING,
    Event.CONTRACT_ANNULLED: Bucket.REMAINING,
    Event.NOT_IN_SERVICE: Bucket.REMAINING,
    Event.MERGED: None,
}


def parse_event(name: str) -> Event:
    try:
        return Event(name.strip().lower())
    except ValueError:
        raise LifecycleError(f"unknown event {name!r}; expected one of: {', '.join(FILE_EVENTS)}") from None


def allowed_events(status: Event | None) -> list[Event]:
    return sorted(TRANSITIONS[status], key=list(Event).index)


def check_transition(status: Event | None, event: Event) -> None:
    if event not in STATUS_EVENTS:
        return
    if event not in TRANSITIONS[status]:
        current = status.value if status else "no status yet"
        allowed = ", ".join(e.value for e in allowed_events(status)) or "none"
        raise LifecycleError(
            f"a case that is {current} cannot become {event.value}; allowed next: {allowed}. "
            "If the record so far is wrong, record a correction instead."
        )


def bucket_of(status: Event | None) -> Bucket | None:
    return None if status is None else BUCKET_OF[status]


@dataclass(frozen=True)
class EventFact:
    """What the status fold needs of one event, free of the ORM."""

    id: int
    kind: Event
    occurred_from: date
    recorded_at: datetime
    is_correction: bool = False
    corrects_id: int | None = None


def effective_events(events: Iterable[EventFact], known_at: datetime) -> list[EventFact]:
    """The status events that stand as known at `known_at`, in the order they happened.

    A retraction (or an unmerge, which retracts a merge) removes its target. A correction states the
    status from its occurrence date on, so it overrides everything recorded before it that
    happened on or after that date.
    """
    visible = [e for e in events if e.recorded_at <= known_at]
    withdrawn = {e.corrects_id for e in visible if e.kind in WITHDRAWING}
    standing = [e for e in visible if e.kind in STATUS_EVENTS and e.id not in withdrawn]
    corrections = [e for e in standing if e.is_correction]

    def overridden(e: EventFact) -> bool:
        # A merge says where the man is counted, not what happened to him: only an unmerge undoes it.
        return e.kind is not Event.MERGED and any(
            c is not e and (c.recorded_at, c.id) > (e.recorded_at, e.id) and e.occurred_from >= c.occurred_from
            for c in corrections
        )

    kept = [e for e in standing if not overridden(e)]
    return sorted(kept, key=lambda e: (e.occurred_from, e.recorded_at, e.id))


def is_merged(events: Iterable[EventFact], known_at: datetime) -> bool:
    """Whether a merge stands on the case as known at `known_at`."""
    return any(e.kind is Event.MERGED for e in effective_events(events, known_at))


def status_on(events: Sequence[EventFact], on: date, known_at: datetime) -> Event | None:
    """The case's status on day `on` as known at `known_at`; None if the case was not known yet."""
    status = None
    for e in effective_events(events, known_at):
        if e.occurred_from > on:
            break
        status = e.kind
    return status


def refusal(facts: Sequence[EventFact], kind: Event, occurred_from: date, recorded_at: datetime) -> str | None:
    """Why the lifecycle refuses `kind` on `occurred_from` as a new event of the case, or None.

    The event takes its place in the log by the day it happened, so a fact learnt late (identified in
    April, recorded after the death in June) fits between its neighbours: the status before it must
    allow it and it must allow the status after it. That holds both for the log as known when the event
    is recorded and as known now: an event recorded "as of" a past moment must not make today's
    sequence impossible either (killed, then missing).
    """
    known_then = effective_events(facts, recorded_at)
    if not known_then and facts:
        first = min(f.recorded_at for f in facts)
        return f"the case was only recorded on {first:%Y-%m-%d %H:%M}, after this event's recording time {recorded_at:%Y-%m-%d %H:%M}"
    latest_record = max((f.recorded_at for f in facts), default=recorded_at)
    for standing in (known_then, effective_events(facts, max(latest_record, recorded_at))):
        reason = _misfit(standing, kind, occurred_from, recorded_at)
        if reason:
            return reason
    return None


def _misfit(standing: Sequence[EventFact], kind: Event, occurred_from: date, recorded_at: datetime) -> str | None:
    place = (occurred_from, recorded_at)
    before = [e for e in standing if (e.occurred_from, e.recorded_at) <= place]
    after = [e for e in standing if (e.occurred_from, e.recorded_at) > place]
    previous = before[-1] if before else None
    if not after:
        try:
            check_transition(previous.kind if previous else None, kind)
        except LifecycleError as exc:
            return str(exc)
        return None
    if kind in STATUS_EVENTS and kind not in TRANSITIONS[previous.kind if previous else None]:
        then = f"was {previous.kind.value} (since {previous.occurred_from})" if previous else "was not known yet"
        return (f"on {occurred_from} the case {then}, which cannot become {kind.value}. "
                "If the record so far is wrong, record a correction instead.")
    following = after[0]
    if kind in STATUS_EVENTS and following.kind not in TRANSITIONS[kind]:
        return (f"{kind.value} on {occurred_from} would come before {following.kind.value} on "
                f"{following.occurred_from}, and a case that is {kind.value} cannot become {following.kind.value}. "
                "If the record so far is wrong, record a correction instead.")
    return None


def placement(facts: Sequence[EventFact], kind: Event, first_day: date, last_day: date, recorded_at: datetime,
              *, checked: bool = True) -> date:
    """The day a new event counts from, when the source gives only its month or year.

    The first day of the period would put "killed in August" before "reported on 9 August" and
    make the fold read him alive again. So the event goes to the latest day in its period that the
    record already holds and where the lifecycle allows it (`checked`; any such day otherwise),
    falling back to the first day (where `refusal` then explains what is wrong).
    """
    if first_day == last_day:
        return first_day
    standing = effective_events(facts, max([recorded_at, *(f.recorded_at for f in facts)]))
    days = [first_day] + sorted({e.occurred_from for e in standing if first_day < e.occurred_from <= last_day})
    for day in reversed(days):
        if not checked or refusal(facts, kind, day, recorded_at) is None:
            return day
    return first_day


@dataclass(frozen=True)
class StatusSpan:
    """A rectangle of the case's bitemporal history: its status was `kind` on the days from `valid_from`
    up to (not including) `valid_to`, according to what was recorded from `known_from` up to (not
    including) `known_to`. None is open-ended."""

    kind: Event
    valid_from: date
    valid_to: date | None
    known_from: datetime
    known_to: datetime | None


def _standing_intervals(standing: Sequence[EventFact]) -> list[tuple[Event, date, date | None]]:
    """(status, from, until) on the days axis for one state of knowledge; the last event of a day wins."""
    days: list[tuple[date, Event]] = []
    for e in standing:
        if days and days[-1][0] == e.occurred_from:
            days[-1] = (e.occurred_from, e.kind)
        else:
            days.append((e.occurred_from, e.kind))
    intervals: list[tuple[Event, date, date | None]] = []
    for day, kind in days:
        if intervals and intervals[-1][0] is kind:
            continue  # the same status goes on
        intervals.append((kind, day, None))
        if len(intervals) > 1:
            previous = intervals[-2]
            intervals[-2] = (previous[0], previous[1], day)
    return intervals


def status_spans(events: Sequence[EventFact]) -> list[StatusSpan]:
    """The case's whole bitemporal history as rectangles: for any (on, known_at), at most one span holds
    (valid_from <= on < valid_to, known_from <= known_at < known_to), and its kind is `status_on`.

    What is known changes only when an event is recorded, so the fold is taken once per recording
    moment; a day-interval that stays the same from one moment to the next stays one span. Events
    appended in order give about two spans per status event (the open one is closed and split).
    """
    if any(e.is_correction or e.kind in WITHDRAWING for e in events):
        moments = sorted({e.recorded_at for e in events})

        def standing(moment: datetime) -> list[EventFact]:
            return effective_events(events, moment)
    else:
        # Nearly every case: nothing withdrawn or overridden, so what stands at a moment is every
        # status event recorded by then, and only their recording changes anything.
        ordered = sorted((e for e in events if e.kind in STATUS_EVENTS),
                         key=lambda e: (e.occurred_from, e.recorded_at, e.id))
        moments = sorted({e.recorded_at for e in ordered})

        def standing(moment: datetime) -> list[EventFact]:
            return [e for e in ordered if e.recorded_at <= moment]
    open_spans: dict[tuple[Event, date, date | None], datetime] = {}
    spans: list[StatusSpan] = []
    for moment in moments:
        intervals = set(_standing_intervals(standing(moment)))
        for key in [k for k in open_spans if k not in intervals]:
            spans.append(StatusSpan(*key, open_spans.pop(key), moment))
        for key in intervals:
            open_spans.setdefault(key, moment)
    spans += [StatusSpan(*key, since, None) for key, since in open_spans.items()]
    return sorted(spans, key=lambda s: (s.known_from, s.valid_from))
