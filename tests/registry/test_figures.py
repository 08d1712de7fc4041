from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from homeward.registry.figures import NO_REQUEST, UNKNOWN, compare, figures, monthly
from homeward.registry.lifecycle import BUCKET_OF, BUCKETS, WITHDRAWING, Event, EventFact, status_on
from homeward.registry.models import Case, CaseAgent, CaseEvent, Person, RecruitingAgent
from homeward.registry.services import refresh_statuses

from .test_lifecycle import T0, histories


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=timezone.utc)


SOURCES = ("host ministry", "embassy", "")


def _bucket(status):
    return BUCKET_OF[status].value if status is not None and BUCKET_OF[status] is not None else None


def _tally(buckets):
    counts = dict.fromkeys(["known", *BUCKETS], 0)
    for bucket in buckets:
        counts[bucket] += 1
        counts["known"] += 1
    return counts


def _expected_breakdown(buckets_by_key):
    return {key: _tally(buckets) for key, buckets in buckets_by_key.items()}


class FiguresAgreeWithTheReferenceFold(TestCase):
    """The SQL over the status spans must give every case the status `lifecycle.status_on` gives it,
    and the counts, breakdowns, comparison and monthly series must be those of the reference fold."""

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.tuples(histories(), st.integers(0, 3), st.sampled_from(["", "2023", "2023-05", "2023-11-02"]),
                              st.sets(st.integers(0, 1))), min_size=1, max_size=6),
           st.integers(0, 80), st.integers(0, 100))
    def test_sql_matches_reference_and_buckets_add_up(self, case_histories, on_day, known_day):
        on, known_at = date(2024, 1, 1) + timedelta(days=on_day), T0 + timedelta(days=known_day)
        now = datetime.now(timezone.utc)
        agents = [RecruitingAgent.objects.create(name=f"Agent {n}", city="Delhi") for n in range(2)]
        facts, cases = {}, {}
        for number, (history, place, left_home_on, agent_numbers) in enumerate(case_histories):
            person = Person.objects.create(home_state=["State 0", "State 1", "", "State 0"][place],
                                           home_district=["", "District 1"][place % 2])
            case = Case.objects.create(reference=f"T-{number}", person=person, origin_country=["IN", "NP"][place % 2],
                                       host_country="RU", left_home_on=left_home_on)
            for agent_number in agent_numbers:
                CaseAgent.objects.create(case=case, agent=agents[agent_number])
            ids = {}
            for fact in history:
                row = CaseEvent.objects.create(
                    case=case, kind=fact.kind.value, occurred_on=fact.occurred_from.isoformat(),
                    occurred_from=fact.occurred_from, recorded_at=fact.recorded_at, is_correction=fact.is_correction,
                    corrects_id=ids.get(fact.corrects_id), source=SOURCES[fact.id % 3],
                )
                ids[fact.id] = row.pk
            facts[case.pk] = [EventFact(ids[f.id], f.kind, f.occurred_from, f.recorded_at, f.is_correction,
                                        ids.get(f.corrects_id)) for f in history]
            cases[case.pk] = (case, history, sorted(agent_numbers))
        refresh_statuses(list(cases))  # the events were written directly, past the services

        then = {pk: _bucket(status_on(facts[pk], on, known_at)) for pk in cases}
        then = {pk: bucket for pk, bucket in then.items() if bucket}
        result = figures(on, known_at)
        assert {pk: c.bucket for pk, c in result.cases.items()} == then
        assert result.counts == _tally(then.values())

        keys = {
            "state": lambda case, history, agents_: [case.person.home_state or UNKNOWN],
            "origin": lambda case, history, agents_: [case.origin_country],
            "district": lambda case, history, agents_: [
                f"{case.person.home_state or UNKNOWN} / {case.person.home_district or UNKNOWN}"],
            "month": lambda case, history, agents_: [case.left_home_on[:7] or UNKNOWN],
            "agent": lambda case, history, agents_: [str(agents[n]) for n in agents_] or [UNKNOWN],
            "partner": lambda case, history, agents_: sorted({
                SOURCES[f.id % 3] or UNKNOWN for f in history if f.kind is Event.REQUEST_SENT
                and f.occurred_from <= on and f.recorded_at <= known_at and not any(
                    w.corrects_id == f.id and w.kind in WITHDRAWING and w.recorded_at <= known_at
                    for w in history)}) or [NO_REQUEST],
        }
        for by, key_of in keys.items():
            grouped = {}
            for pk, bucket in then.items():
                for key in key_of(*cases[pk]):
                    grouped.setdefault(key, []).append(bucket)
            assert result.breakdown(by) == _expected_breakdown(grouped), by
        assert result.breakdown("home_state") == result.breakdown("state")

        # As known then beside as known now, and exactly the cases that explain the difference.
        now_buckets = {pk: _bucket(status_on(facts[pk], on, now)) for pk in cases}
        comparison = compare(on, known_at)
        assert comparison.as_corrected.counts == _tally(b for b in now_buckets.values() if b)
        assert [(c.reference, c.then, c.now) for c in comparison.changes] == [
            (cases[pk][0].reference, then.get(pk) or "", now_buckets[pk] or "") for pk in sorted(cases)
            if (then.get(pk) or "") != (now_buckets[pk] or "")]

        # Month by month: each month's end (and `on` itself) as the reference fold counts it.
        points = monthly(on, known_at)
        for day, counts in points:
            assert counts == _tally(b for b in (_bucket(status_on(facts[pk], day, known_at)) for pk in cases) if b)
        if points:
            assert points[-1][0] == on
            before = date(points[0][0].year, points[0][0].month, 1) - timedelta(days=1)
            assert all(status_on(facts[pk], before, known_at) is None for pk in cases)
        else:
            assert all(status_on(facts[pk], on, known_at) is None for pk in cases)


def test_partial_occurrence_dates_count_from_their_first_day(make_case):
    case = make_case(reported="2024-05", recorded="2024-06-01T09:00")
    assert figures(date(2024, 4, 30)).counts["known"] == 0
    assert figures(date(2024, 5, 1)).cases[case.pk].bucket == "remaining"


def test_known_at_must_be_aware():
    with pytest.raises(ValueError):
        figures(date(2024, 1, 1), datetime(2024, 1, 1))
