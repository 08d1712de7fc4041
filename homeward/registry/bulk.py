"""Opening many cases at once, for uploaded registers: the rows `services.create_case` writes,
written a few thousand at a time.

create_case costs some 25 queries a case, so a 100k-row register would take most of an hour.
This writes the same rows (person, names, identifiers, case, report, recruiting agents) as plain
multi-row INSERTs (`homeward.inserts`), appends the `reported` events through
`services.append_events` (which checks the lifecycle and keeps the status caches), and writes the
same facts to the audit trail in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from homeward import crypto, inserts
from homeward.audit import services as audit
from tabular import PartialDate

from . import agents, identifiers, names, services as registry
from .agents import AgentBook, AgentInput
from .lifecycle import Event, EventFact, status_on
from .models import Case, ImportBatch, Person, PersonIdentifier, PersonName, Report

CHUNK = 2000


@dataclass
class NewCase:
    person: registry.PersonInput
    origin_country: str
    host_country: str
    reported_on: PartialDate
    report: registry.ReportInput
    reference: str = ""
    office: object = None
    military_unit: str = ""
    agent: AgentInput = field(default_factory=AgentInput)


@dataclass
class NewReport:
    """A report on an existing case, with the names it gives the person and the agent it names."""

    case: Case
    report: registry.ReportInput
    names: list[registry.NameInput]
    agent: AgentInput = field(default_factory=AgentInput)


class _References:
    """Next free reference per origin and year, counted once and then in memory (inside one transaction)."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, origin: str, year: int) -> str:
        prefix = f"{origin}-{year}-"
        if prefix not in self.last:
            latest = registry.next_reference(origin, year)
            self.last[prefix] = int(latest.rsplit("-", 1)[1]) - 1
        self.last[prefix] += 1
        return f"{prefix}{self.last[prefix]:05d}"


_NAME_COLUMNS = ("person_id", "full_name", "script", "given_name", "family_name", "patronymic", "source", "folded",
                 "search_key")
_REPORT_COLUMNS = ("case_id", "source_type", "reporter_name", "relation", "contact", "channel", "received_on",
                   "original_text", "consent_to_share", "recorded_at", "recorded_by_id", "import_batch_id")


def _name_row(person_id: int, name: registry.NameInput, full_name: str) -> tuple:
    return (person_id, full_name, names.detect_script(full_name), names.clean(name.given_name).strip(),
            names.clean(name.family_name).strip(),
            "" if name.patronymic.strip() in {"-", "—"} else names.clean(name.patronymic).strip(), name.source,
            names.fold(full_name), names.search_key(full_name))


def _report_row(case_id: int, report: registry.ReportInput, now, recorded_by, import_batch) -> tuple:
    if report.source_type not in Report.SourceType.values:
        raise registry.RegistryError(f"unknown report source {report.source_type!r}")
    return (case_id, report.source_type, names.clean(report.reporter_name), names.clean(report.relation),
            names.clean(report.contact), report.channel, report.received_on, names.clean(report.original_text),
            report.consent_to_share, now, getattr(recorded_by, "pk", None),
            import_batch.pk if import_batch else None)


def _report_summary(reference: str, report: registry.ReportInput) -> dict:
    return {"case": reference, "source_type": report.source_type, "received_on": report.received_on.isoformat(),
            "channel": report.channel, "consent_to_share": report.consent_to_share}


def _identifier_rows(person_id: int, person: registry.PersonInput):
    for kind, value in ((PersonIdentifier.Kind.PASSPORT, person.passport_number),
                        (PersonIdentifier.Kind.NATIONAL_ID, person.national_id),
                        (PersonIdentifier.Kind.PHONE, person.phone)):
        value = " ".join(value.split())
        normal = identifiers.normalise(kind, value)
        if normal:
            yield (person_id, kind, crypto.encrypt(normal if kind != PersonIdentifier.Kind.PHONE else value),
                   crypto.blind_index(kind, normal), person.home_country)


def create_cases(items: list[NewCase], *, recorded_by=None, import_batch: ImportBatch | None = None,
                 agent_book: AgentBook | None = None) -> list[Case]:
    """Open these cases, each with its report, its `reported` event and the agent its report names;
    call inside a transaction. Pass one `agent_book` along when calling chunk after chunk."""
    if not items:
        return []
    now = timezone.now()
    for item in items:
        if item.reported_on.first_day > now.date():
            raise registry.RegistryError(f"reported_on {item.reported_on.iso} is in the future")
    given = [item.reference for item in items if item.reference]
    taken = set(Case.objects.filter(reference__in=given).values_list("reference", flat=True))
    if taken:
        raise registry.RegistryError(f"reference(s) already in use: {', '.join(sorted(taken))}")
    person_ids = inserts.insert(Person, ("sex", "date_of_birth", "home_country", "home_state", "home_district",
                                         "home_village"), [(
        item.person.sex, item.person.date_of_birth.iso if item.person.date_of_birth else "",
        item.person.home_country.upper() or item.origin_country, item.person.home_state.strip(),
        item.person.home_district.strip(), item.person.home_village.strip()) for item in items], returning=True)
    name_rows, identifier_rows = [], []
    names_of: list[list[str]] = []
    for item, person_id in zip(items, person_ids):
        full_names = []
        for name in item.person.names:
            full_name = name.resolved_full_name()
            if full_name:
                name_rows.append(_name_row(person_id, name, full_name))
                full_names.append(full_name)
        names_of.append(full_names)
        identifier_rows.extend(_identifier_rows(person_id, item.person))
    inserts.insert(PersonName, _NAME_COLUMNS, name_rows)
    inserts.insert(PersonIdentifier, ("person_id", "kind", "ciphertext", "blind_index", "country"), identifier_rows)
    references = _References()
    office_of = [getattr(item.office, "pk", item.office) for item in items]
    # Each case is written with the status its one `reported` event folds to: refresh_statuses (which
    # append_events runs) then finds it current, rather than updating every new row a second time.
    folded: dict = {}
    for item in items:
        day = item.reported_on.first_day
        if day not in folded:
            status = status_on([EventFact(0, Event.REPORTED, day, now)], registry.FAR_FUTURE, now)
            folded[day] = status.value if status else ""
    case_values = [(item.reference or references.next(item.origin_country, item.reported_on.year), person_id,
                    item.origin_country, item.host_country, office, item.military_unit[:100],
                    item.agent.text()[:300], " ".join(item.agent.promised.split())[:200],
                    folded[item.reported_on.first_day])
                   for item, person_id, office in zip(items, person_ids, office_of)]
    case_ids = inserts.insert(Case, ("reference", "person_id", "origin_country", "host_country", "office_id",
                                     "military_unit", "recruiting_agent_as_told", "promised_job", "status"),
                              case_values, returning=True)
    cases = [Case(pk=pk, reference=values[0], person_id=values[1], origin_country=values[2], host_country=values[3],
                  office_id=values[4], military_unit=values[5], recruiting_agent_as_told=values[6],
                  promised_job=values[7], status=values[8])
             for pk, values in zip(case_ids, case_values)]
    report_ids = inserts.insert(Report, _REPORT_COLUMNS, [_report_row(case.pk, item.report, now, recorded_by,
                                                                      import_batch)
                                                          for item, case in zip(items, cases)], returning=True)
    reports = [Report(pk=pk, case=case, source_type=item.report.source_type)
               for pk, case, item in zip(report_ids, cases, items)]
    registry.append_events([registry.NewEvent(
        case=case, kind=Event.REPORTED, occurred_on=item.reported_on, recorded_at=now, recorded_by=recorded_by,
        report=report, source=item.report.source_type, import_batch=import_batch)
        for item, case, report in zip(items, cases, reports)])
    # One entry per case, naming its person, names and report: the same facts create_case records
    # in four entries, at a quarter of the rows (audit rows are most of a large import's cost).
    audit.record_rows(recorded_by, (("registry.case", case.pk, case.reference, {
        "reference": case.reference, "person": case.person_id, "origin_country": case.origin_country,
        "host_country": case.host_country, "names": full_names, "report": report.pk,
        "source_type": item.report.source_type, "received_on": item.report.received_on.isoformat(),
        "channel": item.report.channel, "consent_to_share": item.report.consent_to_share})
        for case, report, item, full_names in zip(cases, reports, items, names_of)), action=audit.Action.CREATE)
    agents.link_agents([(case, report, item.agent) for case, report, item in zip(cases, reports, items)],
                       by=recorded_by, book=agent_book)
    return cases


def add_reports(items: list[NewReport], *, recorded_by=None, import_batch: ImportBatch | None = None,
                agent_book: AgentBook | None = None) -> list[Report]:
    """A report on each of these existing cases, the names their persons were not yet known by, and
    the agents the reports name; call inside a transaction."""
    if not items:
        return []
    now = timezone.now()
    report_ids = inserts.insert(Report, _REPORT_COLUMNS, [_report_row(item.case.pk, item.report, now, recorded_by,
                                                                      import_batch) for item in items],
                                returning=True)
    reports = [Report(pk=pk, case=item.case, source_type=item.report.source_type)
               for pk, item in zip(report_ids, items)]
    known: dict[int, set[str]] = {}
    person_ids = list({item.case.person_id for item in items})
    for start in range(0, len(person_ids), registry.CHUNK):
        for person_id, full_name in PersonName.objects.filter(
                person_id__in=person_ids[start:start + registry.CHUNK]).values_list("person_id", "full_name"):
            known.setdefault(person_id, set()).add(full_name.casefold())
    new_names = []
    for item in items:
        for name in item.names:
            full_name = name.resolved_full_name()
            if full_name and full_name.casefold() not in known.setdefault(item.case.person_id, set()):
                known[item.case.person_id].add(full_name.casefold())
                new_names.append(_name_row(item.case.person_id, name, full_name))
    name_ids = inserts.insert(PersonName, _NAME_COLUMNS, new_names, returning=True)
    audit.record_rows(recorded_by, (("registry.report", report.pk, f"Report object ({report.pk})",
                                     _report_summary(item.case.reference, item.report))
                                    for report, item in zip(reports, items)), action=audit.Action.CREATE)
    audit.record_rows(recorded_by, (("registry.personname", pk, row[1], {"person": row[0], "name_added": row[1]})
                                    for pk, row in zip(name_ids, new_names)), action=audit.Action.CREATE)
    agents.link_agents([(item.case, report, item.agent) for report, item in zip(reports, items)],
                       by=recorded_by, book=agent_book)
    return reports
