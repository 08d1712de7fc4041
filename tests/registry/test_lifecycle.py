from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.registry.lifecycle import (
    BUCKET_OF, STATUS_EVENTS, TRANSITIONS, Bucket, Event, EventFact, LifecycleError, check_transition,
    effective_events, refusal, status_on, status_spans,
)

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def fact(id, kind, occurred, recorded_day, correction=False, corrects=None):
    return EventFact(id, Event(kind), date(2024, 1, 1) + timedelta(days=occurred),
                     T0 + timedelta(days=recorded_day), correction, corrects)


def test_every_status_has_a_row_in_the_table_and_a_bucket():
    for status in STATUS_EVENTS:
        assert status in TRANSITIONS
        assert status in BUCKET_OF
    assert BUCKET_OF[Event.MERGED] is None
    assert {b for b in BUCKET_OF.values() if b} == set(Bucket)


@pytest.mark.parametrize("status, event", [
    (None, Event.REPORTED),
    (Event.REPORTED, Event.IDENTIFIED),
    (Event.IDENTIFIED, Event.DISCHARGE_REQUESTED),
    (Event.DISCHARGE_REQUESTED, Event.CONTRACT_ANNULLED),
    (Event.CONTRACT_ANNULLED, Event.DISCHARGED),
    (Event.DISCHARGED, Event.RETURNED_HOME),
    (Event.IDENTIFIED, Event.KILLED),
    (Event.KILLED, Event.REMAINS_IDENTIFIED),
    (Event.REMAINS_IDENTIFIED, Event.REMAINS_REPATRIATED),
    (Event.REMAINS_IDENTIFIED, Event.CREMATED_LOCALLY),
    (Event.REPORTED, Event.NOT_IN_SERVICE),
    (Event.MISSING, Event.PRISONER),
    (Event.PRISONER, Event.RETURNED_HOME),
    (Event.REPORTED, Event.MERGED),
])
def test_allowed_transitions(status, event):
    check_transition(status, event)


@pytest.mark.parametrize("status, event", [
    (None, Event.IDENTIFIED),
    (Event.KILLED, Event.DISCHARGED),
    (Event.RETURNED_HOME, Event.IDENTIFIED),
    (Event.REPORTED, Event.REPORTED),
    (Event.MERGED, Event.IDENTIFIED),
    (Event.REMAINS_REPATRIATED, Event.KILLED),
])
def test_refused_transitions_say_what_is_allowed(status, event):
    with pytest.raises(LifecycleError, match="cannot become .*allowed next"):
        check_transition(status, event)


def test_a_correction_overrides_what_was_recorded_before_it_from_its_date_on():
    events = [
        fact(1, "reported", 0, 0),
        fact(2, "identified", 10, 11),
        fact(3, "killed", 40, 41),
        fact(4, "identified", 30, 60, correction=True),  # he was alive after all, from day 30
    ]
    assert status_on(events, date(2024, 3, 1), T0 + timedelta(days=50)) is Event.KILLED
    assert status_on(events, date(2024, 3, 1), T0 + timedelta(days=61)) is Event.IDENTIFIED
    assert status_on(events, date(2024, 1, 20), T0 + timedelta(days=61)) is Event.IDENTIFIED


def test_a_retraction_withdraws_its_target_only_once_it_is_known():
    events = [fact(1, "reported", 0, 0), fact(2, "identified", 5, 6), fact(3, "killed", 9, 10),
              fact(4, "retraction", 20, 20, corrects=3)]
    assert status_on(events, date(2024, 2, 1), T0 + timedelta(days=15)) is Event.KILLED
    assert status_on(events, date(2024, 2, 1), T0 + timedelta(days=25)) is Event.IDENTIFIED


def test_a_case_is_unknown_before_its_first_event_and_before_it_was_recorded():
    events = [fact(1, "reported", 10, 20)]
    assert status_on(events, date(2024, 1, 5), T0 + timedelta(days=30)) is None
    assert status_on(events, date(2024, 1, 15), T0 + timedelta(days=15)) is None
    assert status_on(events, date(2024, 1, 15), T0 + timedelta(days=30)) is Event.REPORTED


def test_refusal_names_backdated_events():
    events = [fact(1, "reported", 0, 0), fact(2, "identified", 10, 11)]
    assert "killed on 2024-01-05 would come before identified" in refusal(events, Event.KILLED, date(2024, 1, 5), T0 + timedelta(days=30))
    assert refusal(events, Event.MISSING, date(2024, 1, 5), T0 + timedelta(days=30)) is None   # fits between them
    assert refusal(events, Event.KILLED, date(2024, 1, 15), T0 + timedelta(days=30)) is None


KINDS = sorted(STATUS_EVENTS | {Event.RETRACTION, Event.UNMERGED, Event.REQUEST_SENT})
WITHDRAWING = (Event.RETRACTION, Event.UNMERGED)


@st.composite
def histories(draw):
    count = draw(st.integers(1, 12))
    events = []
    for i in range(1, count + 1):
        kind = draw(st.sampled_from(KINDS)) if i > 1 else Event.REPORTED
        corrects = draw(st.integers(1, i - 1)) if kind in WITHDRAWING and i > 1 else None
        if kind in WITHDRAWING and corrects is None:
            kind = Event.REPORTED
        events.append(fact(i, kind, draw(st.integers(0, 60)), draw(st.integers(0, 90)),
                           draw(st.booleans()) if kind in STATUS_EVENTS else False, corrects))
    return events


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 80), st.integers(0, 100))
def test_any_history_puts_a_case_in_at_most_one_bucket(events, on_day, known_day):
    on, known_at = date(2024, 1, 1) + timedelta(days=on_day), T0 + timedelta(days=known_day)
    status = status_on(events, on, known_at)
    standing = effective_events(events, known_at)
    assert all(e.recorded_at <= known_at for e in standing)
    assert [(e.occurred_from, e.recorded_at, e.id) for e in standing] == sorted(
        (e.occurred_from, e.recorded_at, e.id) for e in standing)
    if status is None:
        assert not [e for e in standing if e.occurred_from <= on]
    else:
        buckets = [b for b in Bucket if BUCKET_OF[status] is b]
        assert len(buckets) == (0 if status is Event.MERGED else 1)


def holding(spans, on, known_at):
    return [s for s in spans if s.valid_from <= on and (s.valid_to is None or on < s.valid_to)
            and s.known_from <= known_at and (s.known_to is None or known_at < s.known_to)]


@settings(max_examples=300, deadline=None)
@given(histories())
def test_status_spans_are_the_fold_on_every_day_as_known_at_every_moment(events):
    spans = status_spans(events)
    moments = sorted({e.recorded_at for e in events})
    # Before anything was recorded, at each recording, and between recordings.
    knowns = [T0 - timedelta(days=1)] + [m + gap for m in moments for gap in (timedelta(0), timedelta(hours=12))]
    for known_at in knowns:
        for day in range(-1, 63):
            on = date(2024, 1, 1) + timedelta(days=day)
            held = holding(spans, on, known_at)
            assert len(held) <= 1, (on, known_at, held)
            assert (held[0].kind if held else None) is status_on(events, on, known_at), (on, known_at)


def test_events_appended_in_order_give_about_two_spans_each():
    events = [fact(1, "reported", 0, 0), fact(2, "identified", 10, 11), fact(3, "killed", 40, 41),
              fact(4, "remains_identified", 50, 52)]
    spans = status_spans(events)
    # Each new status closes the open span (known until now) and splits it into a closed and a new open one.
    assert len(spans) == 1 + 2 + 2 + 2
    assert [s.kind for s in spans if s.known_to is None] == [Event.REPORTED, Event.IDENTIFIED, Event.KILLED,
                                                               Event.REMAINS_IDENTIFIED]
