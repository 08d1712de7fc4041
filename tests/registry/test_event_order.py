"""Events take their place in the log by the day they happened, and merged cases take no events."""
import pytest

from homeward.registry import merging, services
from homeward.registry.figures import figures
from homeward.registry.models import CaseEvent
from homeward.registry.selectors import next_events, timeline

from ..conftest import at, day


def test_a_fact_learnt_late_fits_between_its_neighbours(make_case):
    case = make_case()   # reported 2024-03-01
    services.record_event(case=case, kind="killed", occurred_on=day("2024-06-01"), recorded_at=at("2024-06-02"))
    services.record_event(case=case, kind="identified", occurred_on=day("2024-04-01"), recorded_at=at("2024-07-01"))
    assert case.status == "killed"
    assert [e.event.kind for e in timeline(case)] == ["reported", "identified", "killed"]
    assert all(e.standing for e in timeline(case))


@pytest.mark.parametrize("kind, on, message", [
    ("missing", "2024-06-10", "a case that is killed cannot become missing"),
    ("discharged", "2024-04-01", "on 2024-04-01 the case was reported"),
    ("not_in_service", "2024-04-01", "not_in_service on 2024-04-01 would come before killed on 2024-06-01"),
])
def test_an_event_that_does_not_fit_its_neighbours_is_refused(make_case, kind, on, message):
    case = make_case()
    services.record_event(case=case, kind="killed", occurred_on=day("2024-06-01"), recorded_at=at("2024-06-02"))
    with pytest.raises(services.RegistryError, match=message):
        services.record_event(case=case, kind=kind, occurred_on=day(on), recorded_at=at("2024-07-01"))
    assert case.events.count() == 2


def test_an_event_recorded_as_of_the_past_must_fit_the_record_as_known_now(make_case):
    """Recorded on 15 May (before the death was recorded on 1 June), "missing on 10 May" fitted the record
    as known then; but the death on 1 May is known now, and killed cannot become missing."""
    case = make_case()
    services.record_event(case=case, kind="killed", occurred_on=day("2024-05-01"), recorded_at=at("2024-06-01"))
    with pytest.raises(services.RegistryError, match="a case that is killed cannot become missing"):
        services.record_event(case=case, kind="missing", occurred_on=day("2024-05-10"), recorded_at=at("2024-05-15"))
    case.refresh_from_db()
    assert case.status == "killed"


def test_a_month_that_holds_the_latest_event_places_the_event_after_it(make_case):
    case = make_case()   # reported 2024-03-01
    services.record_event(case=case, kind="identified", occurred_on=day("2024-08-09"), recorded_at=at("2024-08-10"))
    event = services.record_event(case=case, kind="killed", occurred_on=day("2024-08"), recorded_at=at("2024-09-01"))
    assert (event.occurred_on, event.occurred_from.isoformat(), case.status) == ("2024-08", "2024-08-09", "killed")
    on_the_fifth = figures(on=day("2024-08-05").first_day, known_at=at("2024-09-02"))
    assert on_the_fifth.counts["killed"] == 0   # not dead before anything the record holds for August


def test_a_partial_date_that_fits_nowhere_in_its_period_names_the_period(make_case):
    case = make_case()
    services.record_event(case=case, kind="killed", occurred_on=day("2024-08-09"), recorded_at=at("2024-08-10"))
    with pytest.raises(services.RegistryError, match=r"cannot become discharged.*the source gives only 2024-08"):
        services.record_event(case=case, kind="discharged", occurred_on=day("2024-08"), recorded_at=at("2024-09-01"))


def test_a_partner_statement_for_a_month_counts_from_the_last_day_the_record_holds_in_it(make_case):
    case = make_case()
    services.record_event(case=case, kind="identified", occurred_on=day("2024-08-09"), recorded_at=at("2024-08-10"))
    event = services.record_partner_assertion(case=case, kind="killed", occurred_on=day("2024-08"), partner="RU-MOD",
                                              recorded_at=at("2024-09-01"))
    assert event.occurred_from.isoformat() == "2024-08-09"
    assert case.status == "killed"


@pytest.mark.parametrize("write", [
    lambda case: services.record_correction(case=case, kind="identified", occurred_on=day("2024-05-01"),
                                            note="seen alive", recorded_at=at("2024-07-01")),
    lambda case: services.record_partner_assertion(case=case, kind="killed", occurred_on=day("2024-05-01"),
                                                   partner="RU-MOD", recorded_at=at("2024-07-01")),
    lambda case: services.record_event(case=case, kind="identified", occurred_on=day("2024-05-01"),
                                       recorded_at=at("2024-07-01")),
])
def test_a_merged_case_takes_no_status_events_not_even_corrections(make_case, write):
    survivor, absorbed = make_case("Ravi Kumar"), make_case("Ravi Kumaar")
    merging.merge_cases(survivor, absorbed, None, "same man", recorded_at=at("2024-06-01"))
    with pytest.raises(services.RegistryError, match=f"{absorbed.reference} is merged into {survivor.reference}"):
        write(absorbed)
    absorbed.refresh_from_db()
    assert absorbed.status == "merged"
    assert figures(day("2024-06-15").first_day, at("2024-07-02")).counts["known"] == 1
    assert merging.survivor_of(absorbed) == survivor


def test_an_unmerge_or_retraction_cannot_be_recorded_before_what_it_undoes(make_case):
    survivor, absorbed = make_case("Ravi Kumar"), make_case("Ravi Kumaar")
    merging.merge_cases(survivor, absorbed, None, "same man", recorded_at=at("2024-06-01"))
    with pytest.raises(services.RegistryError, match="recorded on 2024-06-01"):
        merging.unmerge_cases(absorbed, None, "not the same", recorded_at=at("2024-05-01"))
    killed = services.record_event(case=survivor, kind="killed", occurred_on=day("2024-04-01"),
                                   recorded_at=at("2024-04-10"))
    with pytest.raises(services.RegistryError, match="recorded on 2024-04-10"):
        services.retract_event(event=killed, note="wrong man", recorded_at=at("2024-03-05"))
    assert not CaseEvent.objects.filter(kind__in=["unmerged", "retraction"]).exists()


def test_merged_is_not_offered_as_a_next_event(make_case):
    assert "merged" not in next_events(make_case())
