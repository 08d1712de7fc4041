"""Reads of the registry for pages and commands."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import names
from .lifecycle import STATUS_EVENTS, WITHDRAWING, Event, allowed_events, effective_events
from .models import Case, CaseEvent
from .services import event_facts


def search_cases(cases: QuerySet[Case], *, query: str = "", status: str = "", home_state: str = "") -> QuerySet[Case]:
    """Filter cases by reference or by a name fragment in any script, status and home state."""
    query = " ".join(query.split())
    if query:
        matches = Q(reference__icontains=query)
        # Names hold no digits, so a query with digits is a reference (or part of one).
        if not any(ch.isdigit() for ch in query):
            matches |= Q(person__names__folded__contains=names.fold(query))
            if key := names.search_key(query):
                matches |= Q(person__names__search_key__contains=key)
        cases = cases.filter(matches)
    if status:
        cases = cases.filter(status=status)
    if home_state:
        cases = cases.filter(person__home_state=home_state)
    return cases.distinct().select_related("person").prefetch_related("person__names")


def home_states(cases: QuerySet[Case]) -> list[str]:
    return sorted(set(cases.exclude(person__home_state="").values_list("person__home_state", flat=True)))


@dataclass
class TimelineEntry:
    event: CaseEvent
    standing: bool
    why_not: str = ""


def timeline(case: Case) -> list[TimelineEntry]:
    """Every event of the case in the order it happened, marking those that no longer count."""
    facts = event_facts(case)
    standing_ids = {f.id for f in effective_events(facts, timezone.now())}
    retracted = {f.corrects_id for f in facts if f.kind in WITHDRAWING}
    entries = []
    for event in case.events.select_related("recorded_by", "corrects").order_by("occurred_from", "recorded_at", "id"):
        if Event(event.kind) not in STATUS_EVENTS or event.pk in standing_ids:
            entries.append(TimelineEntry(event, True))
        elif event.pk in retracted:
            entries.append(TimelineEntry(event, False, "retracted"))
        else:
            entries.append(TimelineEntry(event, False, "overridden by a later correction"))
    return entries


def next_events(case: Case) -> list[Event]:
    """What may be recorded next on the case page (merges have their own page)."""
    status = Event(case.status) if case.status else None
    return [e for e in allowed_events(status) if e is not Event.MERGED]

