"""The status spans kept through every write path equal the spans rebuilt from the event log."""

import io
from collections import defaultdict
from datetime import date, timedelta

import hypothesis
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from homeward.registry import merging, services
from homeward.registry.lifecycle import STATUS_EVENTS, Event, LifecycleError
from homeward.registry.models import CaseEvent, RequestSpan, StatusSpan
from homeward.registry.spans import (
    REQUEST_FIELDS, STATUS_FIELDS, load_facts, rebuild_all, request_rows, span_rows, _load_requests,
)
from tabular import PartialDate

from .test_lifecycle import T0

KINDS = sorted(STATUS_EVENTS - {Event.MERGED}) + [Event.REQUEST_SENT]
OPERATIONS = ("event", "event", "event", "correction", "partner", "retract", "merge", "unmerge", "bulk")


def stored(model, fields):
    rows = defaultdict(set)
    for case_id, *row in model.objects.values_list("case_id", *fields):
        rows[case_id].add(tuple(row))
    return dict(rows)


def from_scratch(case_ids):
    facts = load_facts(case_ids)
    requests = _load_requests(case_ids, CaseEvent)
    status = {pk: span_rows(pk, facts[pk]) for pk in case_ids}
    partner = {pk: request_rows(requests.get(pk, ())) for pk in case_ids}
    return ({pk: rows for pk, rows in status.items() if rows}, {pk: rows for pk, rows in partner.items() if rows})


operation = st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 2), st.integers(0, 2), st.sampled_from(KINDS),
                      st.integers(0, 60), st.integers(0, 30), st.integers(0, 5))


class SpansFollowEveryWrite(TestCase):
    @settings(max_examples=60, deadline=None)
    @given(st.lists(operation, min_size=1, max_size=25))
    def test_spans_after_any_appends_equal_the_spans_rebuilt_from_scratch(self, operations):
        cases = [services.create_case(
            person=services.PersonInput(names=[services.NameInput(full_name=f"Case {n}")]), origin_country="IN",
            host_country="RU", reported_on=PartialDate.from_iso("2024-01-01"), recorded_at=T0) for n in range(3)]
        for op, first, second, kind, occurred, lag, pick in operations:
            case, other = cases[first], cases[second]
            occurred_on = PartialDate.from_iso((date(2024, 1, 1) + timedelta(days=occurred)).isoformat())
            recorded_at = T0 + timedelta(days=occurred + lag, hours=pick)  # some news arrives late
            common = dict(case=case, kind=kind, occurred_on=occurred_on, recorded_at=recorded_at)
            try:
                if op == "event":
                    services.record_event(**common, source=["embassy", "host ministry", ""][pick % 3])
                elif op == "correction":
                    services.record_correction(**common, note="host ministry letter")
                elif op == "partner":
                    services.record_partner_assertion(**common, partner="host ministry")
                elif op == "retract":
                    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
                    services.retract_event(event=events[pick % len(events)], note="wrong case",
                                           recorded_at=recorded_at)
                elif op == "merge":
                    merging.merge_cases(other, case, None, "same man", recorded_at=recorded_at)
                elif op == "unmerge":
                    merging.unmerge_cases(case, None, "not the same man", recorded_at=recorded_at)
                else:  # several events for several cases in one append, as imports and exchange do
                    services.append_events([
                        services.NewEvent(case=c, kind=kind, occurred_on=occurred_on, recorded_at=recorded_at,
                                          asserted_by_partner="embassy" if n % 2 else "", source="embassy")
                        for n, c in enumerate(cases)])
            except (services.RegistryError, LifecycleError):
                pass  # refused: nothing written
        case_ids = [c.pk for c in cases]
        hypothesis.event(f"events appended: {CaseEvent.objects.count() - 3 >= 5 and '5 or more' or 'fewer than 5'}")
        hypothesis.event(f"spans: {StatusSpan.objects.count() > 6 and 'more than 6' or '6 or fewer'}")
        expected = from_scratch(case_ids)
        assert (stored(StatusSpan, STATUS_FIELDS), stored(RequestSpan, REQUEST_FIELDS)) == expected
        rebuild_all()
        assert (stored(StatusSpan, STATUS_FIELDS), stored(RequestSpan, REQUEST_FIELDS)) == expected


def test_refresh_statuses_command_rebuilds_lost_spans(make_case):
    from django.core.management import call_command

    case = make_case()
    services.record_event(case=case, kind=Event.IDENTIFIED, occurred_on=PartialDate.from_iso("2024-04-01"),
                          recorded_at=T0 + timedelta(days=100))
    expected = from_scratch([case.pk])
    StatusSpan.objects.all().delete()
    RequestSpan.objects.all().delete()
    call_command("refresh_statuses", stdout=io.StringIO())
    assert (stored(StatusSpan, STATUS_FIELDS), stored(RequestSpan, REQUEST_FIELDS)) == expected
    assert len(expected[0][case.pk]) == 3  # reported (closed), reported until identified, identified
