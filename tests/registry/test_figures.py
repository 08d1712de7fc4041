from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from homeward.demo.scenario import FIRST_FIGURES_DAY, SECOND_FIGURES_DAY, seed_demo
from homeward.registry.figures import compare, figures
from homeward.registry.lifecycle import BUCKET_OF, BUCKETS, Event, EventFact, status_on
from homeward.registry.models import Case, CaseEvent, Person
from homeward.registry.services import refresh_statuses

from .test_lifecycle import T0, histories


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=timezone.utc)


class FiguresAgreeWithTheReferenceFold(TestCase):
    """The SQL fold behind the figures must give every case the status `lifecycle.status_on` gives it."""

    @settings(max_examples=40, deadline=None)
    @given(st.lists(histories(), min_size=1, max_size=6), st.integers(0, 80), st.integers(0, 100))
    def test_sql_matches_reference_and_buckets_add_up(self, case_histories, on_day, known_day):
        on, known_at = date(2024, 1, 1) + timedelta(days=on_day), T0 + timedelta(days=known_day)
        expected = {}
        for number, history in enumerate(case_histories):
            person = Person.objects.create(home_state=f"State {number % 2}")
            case = Case.objects.create(reference=f"T-{number}", person=person, origin_country="IN", host_country="RU")
            ids = {}
            for fact in history:
                row = CaseEvent.objects.create(
                    case=case, kind=fact.kind.value, occurred_on=fact.occurred_from.isoformat(),
                    occurred_from=fact.occurred_from, recorded_at=fact.recorded_at, is_correction=fact.is_correction,
                    corrects_id=ids.get(fact.corrects_id),
                )
                ids[fact.id] = row.pk
            stored = [EventFact(ids[f.id], f.kind, f.occurred_from, f.recorded_at, f.is_correction,
                                ids.get(f.corrects_id)) for f in history]
            status = status_on(stored, on, known_at)
            if status is not None and BUCKET_OF[status] is not None:
                expected[case.pk] = BUCKET_OF[status].value

        refresh_statuses(list(Case.objects.values_list("pk", flat=True)))  # the events were written directly
        result = figures(on, known_at)
        assert {pk: c.bucket for pk, c in result.cases.items()} == expected
        counts = result.counts
        assert counts["known"] == sum(counts[b] for b in BUCKETS) == len(expected)
        for rows in (result.breakdown("home_state"), result.breakdown("origin_country")):
            assert sum(r["known"] for r in rows.values()) == counts["known"]


@pytest.fixture
def demo(db):
    seed_demo()


def test_demo_reproduces_the_statement_of_9_august_2024(demo):
    counts = figures(FIRST_FIGURES_DAY, end_of(FIRST_FIGURES_DAY)).counts
    assert counts == {"known": 91, "killed": 8, "discharged": 14, "missing": 0, "prisoner": 0, "remaining": 69}


def test_demo_reproduces_the_statement_of_17_january_2025(demo):
    counts = figures(SECOND_FIGURES_DAY, end_of(SECOND_FIGURES_DAY)).counts
    assert counts == {"known": 126, "killed": 12, "discharged": 96, "missing": 16, "prisoner": 0, "remaining": 2}


def test_demo_corrections_make_9_august_2024_read_differently_now(demo):
    comparison = compare(FIRST_FIGURES_DAY, end_of(FIRST_FIGURES_DAY))
    assert comparison.as_corrected.counts != comparison.as_known_then.counts
    reasons = {change.why for change in comparison.changes}
    assert {"learned later", "corrected since"} <= reasons
    then, now = comparison.as_known_then.counts, comparison.as_corrected.counts
    explained = {b: 0 for b in BUCKETS}
    for change in comparison.changes:
        if change.then:
            explained[change.then] -= 1
        if change.now:
            explained[change.now] += 1
    assert all(now[b] - then[b] == explained[b] for b in BUCKETS)


def test_demo_is_deterministic_and_loads_once(demo):
    before = list(Case.objects.values_list("reference", "status"))
    assert seed_demo() is False
    assert list(Case.objects.values_list("reference", "status")) == before


def test_origin_filter_and_breakdowns(demo):
    today = date.today()
    everyone = figures(today)
    india = figures(today, origin="IN")
    nepal = figures(today, origin="np")
    assert india.counts["known"] + nepal.counts["known"] == everyone.counts["known"]
    assert nepal.counts["known"] == 10
    by_origin = everyone.breakdown("origin_country")
    assert by_origin["IN"] == india.counts and by_origin["NP"] == nepal.counts
    assert sum(r["known"] for r in everyone.breakdown("home_state").values()) == everyone.counts["known"]


def test_partial_occurrence_dates_count_from_their_first_day(make_case):
    case = make_case(reported="2024-05", recorded="2024-06-01T09:00")
    assert figures(date(2024, 4, 30)).counts["known"] == 0
    assert figures(date(2024, 5, 1)).cases[case.pk].bucket == "remaining"


def test_known_at_must_be_aware():
    with pytest.raises(ValueError):
        figures(date(2024, 1, 1), datetime(2024, 1, 1))
