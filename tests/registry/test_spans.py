"""The status spans kept through every write path equal the spans rebuilt from the event log."""

import io
from collections import defaultdict
from datetime import date, timedelta

import hypothesis
import pytest
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


def test_request_rows_hold_until_a_request_is_withdrawn():
    day = date(2024, 3, 1)
    sent, later, withdrawn = T0 + timedelta(days=70), T0 + timedelta(days=80), T0 + timedelta(days=90)
    # A request later retracted: sent by day D only as known between its recording and the retraction.
    assert request_rows([("RU-MOD", day, sent, withdrawn)]) == {("RU-MOD", day, sent, withdrawn)}
    # A second, later request to the same partner still stands after the first is withdrawn.
    assert request_rows([("RU-MOD", day, sent, withdrawn), ("RU-MOD", day + timedelta(days=5), later, None)]) == {
        ("RU-MOD", day, sent, withdrawn), ("RU-MOD", day + timedelta(days=5), withdrawn, None)}
    # A retraction recorded before the request itself leaves nothing.
    assert request_rows([("RU-MOD", day, withdrawn, sent)]) == set()
    # Without withdrawals: an earlier day recorded later takes over from then on.
    assert request_rows([("RU-MOD", day + timedelta(days=5), sent, None), ("RU-MOD", day, later, None)]) == {
        ("RU-MOD", day + timedelta(days=5), sent, later), ("RU-MOD", day, later, None)}


def test_a_retracted_request_leaves_the_partner_breakdown(make_case):
    from homeward.registry.figures import NO_REQUEST, figures

    case = make_case()
    request = services.record_event(case=case, kind=Event.REQUEST_SENT, occurred_on=PartialDate.from_iso("2024-03-01"),
                                    recorded_at=T0 + timedelta(days=70), source="RU-MOD")
    services.retract_event(event=request, note="never sent", recorded_at=T0 + timedelta(days=90))
    on = date(2024, 6, 1)
    assert set(figures(on, T0 + timedelta(days=80)).breakdown("partner")) == {"RU-MOD"}
    assert set(figures(on, T0 + timedelta(days=100)).breakdown("partner")) == {NO_REQUEST}


@pytest.mark.django_db(transaction=True)
def test_migration_0007_ends_the_spans_of_requests_retracted_before_it(make_case):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    case = make_case()
    request = services.record_event(case=case, kind=Event.REQUEST_SENT, occurred_on=PartialDate.from_iso("2024-03-01"),
                                    recorded_at=T0 + timedelta(days=70), source="RU-MOD")
    services.retract_event(event=request, note="never sent", recorded_at=T0 + timedelta(days=90))
    RequestSpan.objects.all().delete()   # as an older version left it: a span with no end
    RequestSpan.objects.create(case=case, source="RU-MOD", valid_from=date(2024, 3, 1),
                               known_from=T0 + timedelta(days=70), known_to=None)
    executor = MigrationExecutor(connection)
    executor.migrate([("registry", "0006_status_spans")])
    executor.loader.build_graph()
    executor.migrate([("registry", "0007_request_spans_without_retracted")])
    assert list(RequestSpan.objects.values_list("known_to", flat=True)) == [T0 + timedelta(days=90)]
