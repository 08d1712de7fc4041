"""Opening many cases at once, for uploaded registers: the rows `services.create_case` writes,
written a few thousand at a time.

create_case costs some 25 queries a case, so a 100k-row register would take most of an hour.
This writes the same rows (person, names, identifiers, case, report), appends the `reported`
events through `services.append_events`, and writes the same audit entries in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from homeward import crypto
from homeward.audit import services as audit
from tabular import PartialDate

from . import identifiers, names, services as registry
from .lifecycle import Event
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


def create_cases(items: list[NewCase], *, recorded_by=None, import_batch: ImportBatch | None = None) -> list[Case]:
    """Open these cases, each with its report and `reported` event; call inside a transaction."""
    now = timezone.now()
    for item in items:
        if item.reported_on.first_day > now.date():
            raise registry.RegistryError(f"reported_on {item.reported_on.iso} is in the future")
    given = [item.reference for item in items if item.reference]
    taken = set(Case.objects.filter(reference__in=given).values_list("reference", flat=True))
    if taken:
        raise registry.RegistryError(f"reference(s) already in use: {', '.join(sorted(taken))}")
    persons = Person.objects.bulk_create([Person(
        sex=item.person.sex, date_of_birth=item.person.date_of_birth.iso if item.person.date_of_birth else "",
        home_country=item.person.home_country.upper() or item.origin_country,
        home_state=item.person.home_state.strip(), home_district=item.person.home_district.strip(),
        home_village=item.person.home_village.strip()) for item in items])
    name_rows, identifier_rows = [], []
    for item, person in zip(items, persons):
        for name in item.person.names:
            full_name = name.resolved_full_name()
            if full_name:
                name_rows.append(PersonName(
                    person=person, full_name=full_name, script=names.detect_script(full_name),
                    given_name=names.clean(name.given_name).strip(), family_name=names.clean(name.family_name).strip(),
                    patronymic="" if name.patronymic.strip() in {"-", "—"} else names.clean(name.patronymic).strip(),
                    source=name.source, folded=names.fold(full_name), search_key=names.search_key(full_name)))
        for kind, value in ((PersonIdentifier.Kind.PASSPORT, item.person.passport_number),
                            (PersonIdentifier.Kind.NATIONAL_ID, item.person.national_id),
                            (PersonIdentifier.Kind.PHONE, item.person.phone)):
            value = " ".join(value.split())
            normal = identifiers.normalise(kind, value)
            if normal:
                identifier_rows.append(PersonIdentifier(
                    person=person, kind=kind, ciphertext=crypto.encrypt(normal if kind != PersonIdentifier.Kind.PHONE
                                                                        else value),
                    blind_index=identifiers.index_of(kind, value), country=item.person.home_country))
    PersonName.objects.bulk_create(name_rows, batch_size=CHUNK)
    PersonIdentifier.objects.bulk_create(identifier_rows, batch_size=CHUNK)
    references = _References()
    cases = Case.objects.bulk_create([Case(
        reference=item.reference or references.next(item.origin_country, item.reported_on.year), person=person,
        origin_country=item.origin_country, host_country=item.host_country, office=item.office,
        military_unit=item.military_unit) for item, person in zip(items, persons)], batch_size=CHUNK)
    reports = Report.objects.bulk_create([Report(
        case=case, source_type=item.report.source_type, reporter_name=names.clean(item.report.reporter_name),
        relation=names.clean(item.report.relation), contact=names.clean(item.report.contact),
        channel=item.report.channel, received_on=item.report.received_on,
        original_text=names.clean(item.report.original_text), consent_to_share=item.report.consent_to_share,
        recorded_at=now, recorded_by=recorded_by, import_batch=import_batch) for item, case in zip(items, cases)],
        batch_size=CHUNK)
    registry.append_events([registry.NewEvent(
        case=case, kind=Event.REPORTED, occurred_on=item.reported_on, recorded_at=now, recorded_by=recorded_by,
        report=report, source=item.report.source_type, import_batch=import_batch)
        for item, case, report in zip(items, cases, reports)])
    # One entry per case, naming its person, names and report: the same facts create_case records
    # in four entries, at a quarter of the rows (audit rows are most of a large import's cost).
    report_of = {report.case_id: report for report in reports}
    names_of: dict[int, list[str]] = {}
    for row in name_rows:
        names_of.setdefault(row.person_id, []).append(row.full_name)
    audit.record_many(recorded_by, cases, action=audit.Action.CREATE, changes_of=lambda case: {
        "reference": case.reference, "person": case.person_id, "origin_country": case.origin_country,
        "host_country": case.host_country, "names": names_of.get(case.person_id, []),
        "report": report_of[case.pk].pk, "source_type": report_of[case.pk].source_type,
        "received_on": report_of[case.pk].received_on.isoformat(), "channel": report_of[case.pk].channel,
        "consent_to_share": report_of[case.pk].consent_to_share})
    return cases


def add_reports(items: list[tuple[Case, registry.ReportInput, list[registry.NameInput]]], *, recorded_by=None,
                import_batch: ImportBatch | None = None) -> list[Report]:
    """A report on each of these existing cases, and the names their persons were not yet known by."""
    now = timezone.now()
    reports = Report.objects.bulk_create([Report(
        case=case, source_type=report.source_type, reporter_name=names.clean(report.reporter_name),
        relation=names.clean(report.relation), contact=names.clean(report.contact), channel=report.channel,
        received_on=report.received_on, original_text=names.clean(report.original_text),
        consent_to_share=report.consent_to_share, recorded_at=now, recorded_by=recorded_by, import_batch=import_batch)
        for case, report, _names in items], batch_size=CHUNK)
    known: dict[int, set[str]] = {}
    for person_id, full_name in PersonName.objects.filter(
            person_id__in={case.person_id for case, _report, _names in items}).values_list("person_id", "full_name"):
        known.setdefault(person_id, set()).add(full_name.casefold())
    new_names = []
    for case, _report, name_inputs in items:
        for name in name_inputs:
            full_name = name.resolved_full_name()
            if full_name and full_name.casefold() not in known.setdefault(case.person_id, set()):
                known[case.person_id].add(full_name.casefold())
                new_names.append(PersonName(
                    person_id=case.person_id, full_name=full_name, script=names.detect_script(full_name),
                    given_name=names.clean(name.given_name).strip(), family_name=names.clean(name.family_name).strip(),
                    patronymic="" if name.patronymic.strip() in {"-", "—"} else names.clean(name.patronymic).strip(),
                    source=name.source, folded=names.fold(full_name), search_key=names.search_key(full_name)))
    PersonName.objects.bulk_create(new_names, batch_size=CHUNK)
    audit.record_many(recorded_by, reports, action=audit.Action.CREATE, changes_of=lambda report: {
        "case": report.case.reference, "source_type": report.source_type,
        "received_on": report.received_on.isoformat(), "channel": report.channel,
        "consent_to_share": report.consent_to_share})
    audit.record_many(recorded_by, new_names, action=audit.Action.CREATE, changes_of=lambda name: {
        "person": name.person_id, "name_added": name.full_name})
    return reports
