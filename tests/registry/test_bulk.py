from datetime import date

import pytest
from django.db import connection, transaction

from homeward import inserts
from homeward.audit.models import AuditEntry
from homeward.registry import agents, bulk, identifiers, services
from homeward.registry.models import Case, CaseAgent, CaseEvent, Person, PersonIdentifier, RecruitingAgent, Report
from homeward.registry.agents import AgentInput
from tabular import PartialDate


def new_case(name, *, agent=None, reference="", passport="", phone="", dob=None, **person):
    return bulk.NewCase(
        person=services.PersonInput(names=[services.NameInput(full_name=name, source="test")], passport_number=passport,
                                    phone=phone, date_of_birth=dob, **person),
        origin_country="IN", host_country="RU", reported_on=PartialDate(2024, 5, 1), reference=reference,
        report=services.ReportInput(source_type="register", received_on=date(2024, 5, 1), channel="spreadsheet",
                                    original_text="row 2 of list.csv"),
        agent=agent or AgentInput())


def test_create_cases_writes_what_create_case_writes(db, officer):
    with transaction.atomic():
        cases = bulk.create_cases([new_case("Ravi Kumar", passport="p-123 4567", phone="+91 98140 00001",
                                            dob=PartialDate(1990, 5, 12), home_state="Haryana"),
                                   new_case("रवि कुमार", reference="OWN-1")], recorded_by=officer)
    first, second = (Case.objects.get(pk=c.pk) for c in cases)
    assert first.reference == "IN-2024-00001" and second.reference == "OWN-1"
    assert first.status == "reported" and first.events.get().kind == "reported"
    assert first.person.date_of_birth == "1990-05-12" and first.person.home_state == "Haryana"
    name = second.person.names.get()
    assert (name.full_name, name.script, name.folded, name.source) == ("रवि कुमार", "Devanagari", "रवि कुमार", "test")
    assert name.search_key == first.person.names.get().search_key  # one key across scripts
    passport = first.person.identifiers.get(kind="passport")
    assert passport.value == "P1234567" and passport.ciphertext != "P1234567"
    assert list(identifiers.persons_with("passport", "P 1234567")) == [first.person_id]
    assert first.person.identifiers.get(kind="phone").value == "+91 98140 00001"
    report = first.reports.get()
    assert (report.source_type, report.recorded_by, report.original_text) == ("register", officer, "row 2 of list.csv")
    assert first.events.get().report == report
    entry = AuditEntry.objects.get(target_type="registry.case", target_id=str(first.pk))
    assert entry.user == officer and entry.action == "create"
    assert entry.changes["after"]["names"] == ["Ravi Kumar"] and entry.changes["after"]["report"] == report.pk
    assert AuditEntry.objects.filter(target_type="registry.caseevent").count() == 2


def test_a_reference_in_use_is_refused(db, make_case):
    taken = make_case("Harpreet Singh").reference
    with pytest.raises(services.RegistryError, match="already in use"), transaction.atomic():
        bulk.create_cases([new_case("Ravi Kumar", reference=taken)])
    assert Person.objects.count() == 1


def test_agents_are_linked_and_the_same_phone_or_name_is_the_same_agent(db, make_case, officer):
    # An agent a family report named through the form: the upload's rows find him by his phone.
    known = make_case("Harpreet Singh")
    on_record = agents.link_agent(known, AgentInput(name="Rakesh", phone="+91 99999 11111"), report=None, by=officer)
    with transaction.atomic():
        cases = bulk.create_cases([
            new_case("Ravi Kumar", agent=AgentInput(name="Rakesh Travels", phone="099999-11111", promised="helper")),
            new_case("Mohan Lal", agent=AgentInput(name="Sunil", agency="Sky Jobs", city="Delhi")),
            new_case("Amit Yadav", agent=AgentInput(name="SUNIL", agency="sky jobs", city="delhi")),
            new_case("Vikram Singh", agent=AgentInput(name="Sunil", agency="Blue Star", city="Delhi")),
            new_case("Deepak Kumar"),
        ], recorded_by=officer)
    ravi, mohan, amit, vikram, deepak = cases
    assert list(Case.objects.get(pk=ravi.pk).recruiting_agents.all()) == [on_record]
    link = CaseAgent.objects.get(case_id=ravi.pk)
    assert link.promised == "helper" and link.report == Report.objects.get(case_id=ravi.pk)
    assert Case.objects.get(pk=ravi.pk).recruiting_agent_as_told == "Rakesh Travels · 099999-11111"
    sunil = CaseAgent.objects.get(case_id=mohan.pk).agent
    assert CaseAgent.objects.get(case_id=amit.pk).agent == sunil
    assert CaseAgent.objects.get(case_id=vikram.pk).agent != sunil  # another agency: another agent
    assert not CaseAgent.objects.filter(case_id=deepak.pk).exists()
    assert RecruitingAgent.objects.count() == 3
    assert AuditEntry.objects.filter(target_type="registry.recruitingagent", action="create").count() == 3
    linked = AuditEntry.objects.filter(target_type="registry.case", action="change")
    assert {e.changes["after"]["recruiting_agent"] for e in linked} == {on_record.pk, sunil.pk,
                                                                        CaseAgent.objects.get(case_id=vikram.pk).agent_id}
    # The forms find the agents the upload created, by the same rule.
    again = agents.link_agent(known, AgentInput(name="sunil", agency="SKY JOBS", city="Delhi"), report=None)
    assert again == sunil


def test_add_reports_adds_new_names_and_links_an_agent_once(db, make_case, officer):
    case = make_case("Harpreet Singh")
    report = services.ReportInput(source_type="register", received_on=date(2024, 5, 2))
    agent = AgentInput(name="Rakesh", phone="9999911111")
    with transaction.atomic():
        bulk.add_reports([
            bulk.NewReport(case=case, report=report, names=[services.NameInput(full_name="हरप्रीत सिंह")], agent=agent),
            bulk.NewReport(case=case, report=report, names=[services.NameInput(full_name="harpreet singh")],
                           agent=agent),
        ], recorded_by=officer)
    assert case.reports.count() == 2
    assert sorted(case.person.names.values_list("full_name", flat=True)) == ["Harpreet Singh", "हरप्रीत सिंह"]
    assert CaseAgent.objects.filter(case=case).count() == 1 and RecruitingAgent.objects.count() == 1
    assert AuditEntry.objects.filter(target_type="registry.report").count() == 2
    assert AuditEntry.objects.get(target_type="registry.personname").changes["after"]["name_added"] == "हरप्रीत सिंह"


def test_insert_returns_keys_in_row_order_and_fills_defaults(db):
    ids = inserts.insert(RecruitingAgent, ("name", "phone"), [(f"agent {n}", "") for n in range(2500)],
                         returning=True)
    assert len(ids) == 2500 and ids == sorted(ids)
    assert RecruitingAgent.objects.get(pk=ids[1234]).name == "agent 1234"
    assert RecruitingAgent.objects.get(pk=ids[0]).created_at is not None  # auto_now_add
    with pytest.raises(ValueError, match="give 'case_id'"):
        inserts.insert(CaseAgent, ("case", "agent_id"), [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and ANALYZE are PostgreSQL's")
def test_a_copy_that_doubles_a_table_refreshes_its_planner_statistics(db):
    def planned_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                           [RecruitingAgent._meta.db_table])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:   # statistics outlive the rolled-back rows of earlier tests
        cursor.execute(f"ANALYZE {RecruitingAgent._meta.db_table}")
    assert planned_rows() == 0
    inserts.insert(RecruitingAgent, ("name", "phone"), [(f"agent {n}", "") for n in range(inserts.ANALYZE_FROM)])
    assert planned_rows() == inserts.ANALYZE_FROM
    inserts.insert(RecruitingAgent, ("name", "phone"), [(f"more {n}", "") for n in range(inserts.ANALYZE_FROM)])
    assert planned_rows() == 2 * inserts.ANALYZE_FROM
    # a small addition to a table the planner knows is not worth an ANALYZE
    inserts.insert(RecruitingAgent, ("name", "phone"), [(f"few {n}", "") for n in range(inserts.ANALYZE_FROM)])
    assert planned_rows() == 2 * inserts.ANALYZE_FROM


def test_insert_instances_saves_json_dates_and_keys(db, make_case):
    case = make_case("Harpreet Singh")
    event = CaseEvent(case=case, kind="missing", occurred_on="2024-06", occurred_from=date(2024, 6, 1),
                      recorded_at=case.events.get().recorded_at, details={"where": "Ростов"})
    (saved,) = inserts.insert_instances([event])
    assert saved.pk and not saved._state.adding
    stored = CaseEvent.objects.get(pk=saved.pk)
    assert stored.details == {"where": "Ростов"} and stored.occurred_from == date(2024, 6, 1)
    assert stored.recorded_at == event.recorded_at
    assert PersonIdentifier.objects.count() == 0
