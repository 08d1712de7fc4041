import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from homeward.registry import services
from homeward.registry.lifecycle import Event
from homeward.appendonly import AppendOnlyError
from homeward.registry.models import Case, CaseEvent, PersonIdentifier

from ..conftest import at, day


def test_a_new_case_gets_a_reference_names_and_its_reported_event(make_case):
    case = make_case("Harpreet Singh", extra_names=["СИНГХ ХАРПРИТ", "हरप्रीत सिंह"], passport_number="k 1234567",
                     phone="+91 98765 43210", home_state="Punjab")
    assert case.reference == "IN-2024-00001"
    assert make_case("Second Person").reference == "IN-2024-00002"
    assert {n.script for n in case.person.names.all()} == {"Latin", "Cyrillic", "Devanagari"}
    assert case.person.identifiers.get(kind=PersonIdentifier.Kind.PASSPORT).value == "K1234567"
    (event,) = case.events.all()
    assert (event.kind, event.occurred_on, case.status) == ("reported", "2024-03-01", "reported")


@pytest.mark.parametrize("fields, message", [
    (dict(origin_country="India"), "two-letter ISO country code"),
    (dict(person=services.PersonInput(names=[services.NameInput(full_name="  ")])), "at least one name"),
    (dict(reported_on=day("2024-04-01")), "after it was recorded"),
    (dict(recorded_at=at("2999-01-01")), "in the future"),
])
def test_create_case_refuses_bad_input_and_writes_nothing(db, fields, message):
    arguments = dict(person=services.PersonInput(names=[services.NameInput(full_name="Ravi Kumar")]),
                     origin_country="IN", host_country="RU", reported_on=day("2024-03-01"),
                     recorded_at=at("2024-03-02T10:00")) | fields
    with pytest.raises(services.RegistryError, match=message):
        services.create_case(**arguments)
    assert not Case.objects.exists()


def test_events_follow_the_lifecycle(make_case):
    case = make_case()
    services.record_event(case=case, kind="identified", occurred_on=day("2024-04-01"), recorded_at=at("2024-04-02"))
    assert case.status == "identified"
    with pytest.raises(services.RegistryError, match="cannot become returned_home"):
        services.record_event(case=case, kind="returned_home", occurred_on=day("2024-05-01"), recorded_at=at("2024-05-02"))
    with pytest.raises(services.RegistryError, match="killed on 2024-03-15 would come before identified on 2024-04-01"):
        services.record_event(case=case, kind="killed", occurred_on=day("2024-03-15"), recorded_at=at("2024-05-02"))
    with pytest.raises(services.RegistryError, match="before it happened"):
        services.record_event(case=case, kind="killed", occurred_on=day("2024-06-15"), recorded_at=at("2024-05-02"))
    assert case.events.count() == 2


def test_a_correction_moves_a_case_back_and_keeps_history(make_case):
    case = make_case()
    services.record_event(case=case, kind="identified", occurred_on=day("2024-04-01"), recorded_at=at("2024-04-02"))
    killed = services.record_event(case=case, kind="killed", occurred_on=day("2024-05-01"), recorded_at=at("2024-05-02"))
    with pytest.raises(services.RegistryError, match="needs a note"):
        services.record_correction(case=case, kind="identified", occurred_on=day("2024-05-01"), note=" ")
    services.record_correction(case=case, kind="identified", occurred_on=day("2024-05-01"), corrects=killed,
                               note="host ministry: alive, in hospital", recorded_at=at("2024-06-01"))
    case.refresh_from_db()
    assert case.status == "identified"
    assert case.events.count() == 4
    # and the lifecycle continues from the corrected status
    services.record_event(case=case, kind="discharge_requested", occurred_on=day("2024-06-02"))
    assert case.status == "discharge_requested"


def test_a_retraction_withdraws_an_event(make_case):
    case = make_case()
    wrong = services.record_event(case=case, kind="missing", occurred_on=day("2024-04-01"), recorded_at=at("2024-04-02"))
    services.retract_event(event=wrong, note="entered on the wrong case")
    case.refresh_from_db()
    assert case.status == "reported"
    with pytest.raises(services.RegistryError, match="already retracted"):
        services.retract_event(event=wrong, note="again")


def test_append_events_is_all_or_nothing(make_case):
    case = make_case()
    good = services.NewEvent(case=case, kind=Event.IDENTIFIED, occurred_on=day("2024-04-01"))
    bad = services.NewEvent(case=case, kind=Event.RETURNED_HOME, occurred_on=day("2024-04-02"))
    with pytest.raises(services.RegistryError, match="event 2: .*cannot become returned_home"):
        services.append_events([good, bad])
    assert case.events.count() == 1


def test_the_orm_refuses_to_change_or_delete_events(make_case):
    event = make_case().events.get()
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().delete()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_events(make_case):
    event = make_case().events.get()
    for statement in ("UPDATE registry_caseevent SET note = 'x' WHERE id = %s",
                      "DELETE FROM registry_caseevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_a_partner_assertion_may_skip_lifecycle_steps(make_case):
    case = make_case()
    event = services.record_partner_assertion(case=case, kind="discharged", occurred_on=day("2024-05-01"),
                                              partner="RU-MOD", recorded_at=at("2024-05-03"))
    assert case.status == "discharged"
    assert (event.source, event.details["asserted_by_partner"]) == ("RU-MOD", "RU-MOD")
    with pytest.raises(services.RegistryError, match="before it happened"):
        services.record_partner_assertion(case=case, kind="killed", occurred_on=day("2024-06-01"),
                                          partner="RU-MOD", recorded_at=at("2024-05-04"))
