"""The index a response list is linked against: what it holds, and how it is read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.exchange import services
from homeward.registry import services as registry
from homeward.registry.models import Case
from matching import Record
from matching.records import prepare


def test_the_index_holds_each_sent_case_once_with_its_latin_name_date_and_passport(registry60, partner, officer):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all(), by=officer)
    first = registry60[0]
    # a name in another script recorded before the Latin one: the engine still gets the Latin one
    latin = first.person.names.get()
    latin.delete()
    registry.add_names(first.person, [registry.NameInput(full_name="हरप्रीत सिंह"),
                                      registry.NameInput(full_name=latin.full_name)])

    index, by_pk = services._index(services.linking_scope(partner))

    sent = set(Case.objects.filter(events__kind="request_sent").values_list("pk", flat=True))
    assert set(by_pk) == sent and len(index) == len(sent) == 54
    record = {r.id: r for r in index.records}[str(first.pk)]
    assert record == prepare(Record(id=str(first.pk), full_name=latin.full_name,
                                    date_of_birth=first.person.date_of_birth,
                                    passport_number=first.person.identifiers.get(kind="passport").value))


def test_names_and_passports_are_read_by_person_id_not_through_the_scope(registry60, partner, officer):
    """The scope as a subquery was planned as nested full scans on PostgreSQL whose statistics were
    taken on nearly empty tables (75-100 s per read for 200 cases in CI); a list of ids cannot be planned
    that way."""
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all(), by=officer)
    with CaptureQueriesContext(connection) as queries:
        services._index(services.linking_scope(partner))
    reads = [q["sql"] for q in queries.captured_queries
             if "registry_personname" in q["sql"] or "registry_personidentifier" in q["sql"]]
    assert len(reads) == 2
    assert all(sql.upper().count("SELECT") == 1 for sql in reads), reads
