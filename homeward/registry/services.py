"""Everything that writes to the registry. Views, the API and commands call these, never the ORM."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward import inserts
from homeward.audit import services as audit
from tabular import PartialDate

from . import identifiers, names, spans
from .lifecycle import STATUS_EVENTS, Event, EventFact, is_merged, placement, refusal, status_on
from .models import Case, CaseEvent, ImportBatch, Person, PersonIdentifier, PersonName, Report

FAR_FUTURE = date(9999, 12, 31)


class RegistryError(ValueError):
    """A request the registry refuses, with a message fit to show the person who made it."""


@dataclass
class NameInput:
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    source: str = ""

    def resolved_full_name(self) -> str:
        if self.full_name.strip():
            return " ".join(names.clean(self.full_name).split())
        parts = [self.given_name, self.patronymic, self.family_name]
        return " ".join(" ".join(names.clean(p).split()) for p in parts if p and p.strip() not in {"", "-", "—"})


@dataclass
class PersonInput:
    names: list[NameInput]
    sex: str = ""
    date_of_birth: PartialDate | None = None
    home_country: str = ""
    home_state: str = ""
    home_district: str = ""
    home_village: str = ""
    passport_number: str = ""
    national_id: str = ""
    phone: str = ""


@dataclass
class ReportInput:
    source_type: str
    received_on: date
    reporter_name: str = ""
    relation: str = ""
    contact: str = ""
    channel: str = Report.Channel.OTHER
    original_text: str = ""
    consent_to_share: bool = False


@dataclass
class RecruitmentInput:
    left_home_on: PartialDate | None = None
    route: str = ""
    promised_job: str = ""
    recruiting_agent_as_told: str = ""
    contract_date: PartialDate | None = None
    contract_number: str = ""
    military_unit: str = ""
    last_known_location: str = ""
    extra: dict = field(default_factory=dict)


def _now() -> datetime:
    return timezone.now()


def _checked_recorded_at(recorded_at: datetime | None) -> datetime:
    if recorded_at is None:
        return _now()
    if timezone.is_naive(recorded_at):
        raise RegistryError("recorded_at must carry a time zone")
    if recorded_at > _now():
        raise RegistryError(f"recorded_at {recorded_at.isoformat()} is in the future")
    return recorded_at


def _country(code: str, what: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise RegistryError(f"{what} must be a two-letter ISO country code, not {code!r}")
    return code


def _iso(value: PartialDate | None) -> str:
    return value.iso if value else ""


def next_reference(origin_country: str, year: int) -> str:
    """The next free number after the highest one of this origin and year. Registers bring their own
    references too ("IN-2024-L17", "IN-2024-7"): those are not numbers of ours and, compared as text,
    would hide the highest one."""
    prefix = f"{origin_country}-{year}-"
    tails = Case.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    number = max((int(t) for t in (r[len(prefix):] for r in tails.iterator()) if t.isascii() and t.isdigit()),
                 default=0) + 1
    return f"{prefix}{number:05d}"


def add_names(person: Person, name_inputs: list[NameInput], *, recorded_by=None) -> None:
    """Add names (any script) that the person is known by; the person's other names stay."""
    added = []
    for name in name_inputs:
        full_name = name.resolved_full_name()
        if not full_name:
            continue
        PersonName.objects.create(
            person=person,
            full_name=full_name,
            script=names.detect_script(full_name),
            given_name=names.clean(name.given_name).strip(),
            family_name=names.clean(name.family_name).strip(),
            patronymic="" if name.patronymic.strip() in {"-", "—"} else names.clean(name.patronymic).strip(),
            source=name.source,
            folded=names.fold(full_name),
            search_key=names.search_key(full_name),
        )
        added.append(full_name)
    if added:
        audit.record_change(recorded_by, person, after={"names_added": added})


def _add_identifiers(person: Person, data: PersonInput) -> None:
    for kind, value in (
        (PersonIdentifier.Kind.PASSPORT, data.passport_number),
        (PersonIdentifier.Kind.NATIONAL_ID, data.national_id),
        (PersonIdentifier.Kind.PHONE, data.phone),
    ):
        identifiers.new_identifier(person, kind, value, data.home_country)


@transaction.atomic
def create_case(
    *,
    person: PersonInput,
    origin_country: str,
    host_country: str,
    reported_on: PartialDate,
    recorded_at: datetime | None = None,
    recorded_by=None,
    reference: str = "",
    office=None,
    report: ReportInput | None = None,
    recruitment: RecruitmentInput | None = None,
    import_batch: ImportBatch | None = None,
) -> Case:
    """Open a case for a person, with the `reported` event that makes it known."""
    origin_country = _country(origin_country, "origin")
    host_country = _country(host_country, "host")
    recorded_at = _checked_recorded_at(recorded_at)
    if not any(n.resolved_full_name() for n in person.names):
        raise RegistryError("a person needs at least one name")
    if reported_on.first_day > recorded_at.date():
        raise RegistryError(f"reported_on {reported_on.iso} is after it was recorded ({recorded_at.date()})")
    reference = reference.strip()
    if reference and Case.objects.filter(reference=reference).exists():
        raise RegistryError(f"reference {reference} is already in use")

    recruitment = recruitment or RecruitmentInput()
    person_row = Person.objects.create(
        sex=person.sex,
        date_of_birth=_iso(person.date_of_birth),
        home_country=person.home_country.upper() or origin_country,
        home_state=person.home_state.strip(),
        home_district=person.home_district.strip(),
        home_village=person.home_village.strip(),
    )
    add_names(person_row, person.names, recorded_by=recorded_by)
    _add_identifiers(person_row, person)
    case_fields = dict(
        person=person_row,
        origin_country=origin_country,
        host_country=host_country,
        office=office,
        left_home_on=_iso(recruitment.left_home_on),
        route=recruitment.route,
        promised_job=recruitment.promised_job,
        recruiting_agent_as_told=recruitment.recruiting_agent_as_told,
        contract_date=_iso(recruitment.contract_date),
        contract_number=recruitment.contract_number,
        military_unit=recruitment.military_unit,
        last_known_location=recruitment.last_known_location,
    )
    case = _create_with_reference(case_fields, reference, origin_country, reported_on.year)
    audit.record_change(recorded_by, case, action=audit.Action.CREATE, after={
        "reference": case.reference, "person": person_row.pk, "origin_country": origin_country,
        "host_country": host_country, "names": [n.resolved_full_name() for n in person.names],
    })
    report_row = None
    if report is not None:
        report_row = add_report(case=case, report=report, recorded_at=recorded_at, recorded_by=recorded_by,
                                import_batch=import_batch)
    record_event(
        case=case,
        kind=Event.REPORTED,
        occurred_on=reported_on,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        report=report_row,
        source=report.source_type if report else "",
        import_batch=import_batch,
    )
    return case


def _create_with_reference(case_fields: dict, reference: str, origin: str, year: int) -> Case:
    if reference:
        try:
            with transaction.atomic():
                return Case.objects.create(reference=reference, **case_fields)
        except IntegrityError:   # opened by someone else since the check in create_case
            raise RegistryError(f"reference {reference} is already in use") from None
    # Two officers may open cases at the same moment; the unique reference decides, and the loser retries.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(reference=next_reference(origin, year), **case_fields)
        except IntegrityError:
            continue
    raise RegistryError("could not allocate a case reference; try again")


def add_report(*, case: Case, report: ReportInput, recorded_at: datetime | None = None, recorded_by=None,
               import_batch: ImportBatch | None = None) -> Report:
    if report.source_type not in Report.SourceType.values:
        raise RegistryError(f"unknown report source {report.source_type!r}")
    recorded_at = _checked_recorded_at(recorded_at)
    if report.received_on > recorded_at.date():
        raise RegistryError(f"received_on {report.received_on} is after the report was recorded ({recorded_at.date()})")
    row = Report.objects.create(
        case=case,
        source_type=report.source_type,
        reporter_name=names.clean(report.reporter_name),
        relation=names.clean(report.relation),
        contact=names.clean(report.contact),
        channel=report.channel,
        received_on=report.received_on,
        original_text=names.clean(report.original_text),
        consent_to_share=report.consent_to_share,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        import_batch=import_batch,
    )
    audit.record_change(recorded_by, row, action=audit.Action.CREATE, after={
        "case": case.reference, "source_type": row.source_type, "received_on": row.received_on.isoformat(),
        "reporter_name": row.reporter_name, "relation": row.relation, "channel": row.channel,
        "consent_to_share": row.consent_to_share,
    })
    return row


# Some SQLite builds allow only 32,766 parameters in one statement: long id lists go in chunks.
CHUNK = 5000


def _chunks(ids) -> list[list[int]]:
    ids = list(ids)
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _facts_by_case(case_ids) -> dict[int, list[EventFact]]:
    facts: dict[int, list[EventFact]] = {case_id: [] for case_id in case_ids}
    for chunk in _chunks(facts):
        rows = CaseEvent.objects.filter(case_id__in=chunk).values_list(
            "case_id", "id", "kind", "occurred_from", "recorded_at", "is_correction", "corrects_id"
        )
        for case_id, *fields in rows.iterator(chunk_size=5000):
            facts[case_id].append(EventFact(fields[0], Event(fields[1]), *fields[2:]))
    return facts


def event_facts(case: Case) -> list[EventFact]:
    return _facts_by_case([case.pk])[case.pk]


def current_status(case: Case) -> Event | None:
    return status_on(event_facts(case), FAR_FUTURE, _now())


@dataclass
class NewEvent:
    """One event to append; `is_correction` ones state the truth whatever the lifecycle allows."""

    case: Case
    kind: Event
    occurred_on: PartialDate
    recorded_at: datetime | None = None
    recorded_by: object = None
    report: Report | None = None
    source: str = ""
    note: str = ""
    is_correction: bool = False
    corrects: CaseEvent | None = None
    details: dict = field(default_factory=dict)
    import_batch: ImportBatch | None = None
    # A partner agency's answer states what it knows, and may skip steps we never saw.
    asserted_by_partner: str = ""


def check_new_events(items: list[NewEvent]) -> list[tuple[int, str]]:
    """Every (position, reason) at which `items`, appended in order, would be refused."""
    return _placed(items)[0]


def _placed(items: list[NewEvent]) -> tuple[list[tuple[int, str]], list[date]]:
    """The refusals of `items` appended in order, and the day each one counts from (lifecycle.placement)."""
    facts = _facts_by_case({item.case.pk for item in items})
    next_id = (CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    problems, days = [], []
    for position, item in enumerate(items):
        kind = Event(item.kind)
        recorded_at = item.recorded_at or _now()
        case_facts = facts[item.case.pk]
        occurred_from = placement(case_facts, kind, item.occurred_on.first_day, _last_day(item.occurred_on),
                                  recorded_at, checked=not (item.is_correction or item.asserted_by_partner))
        days.append(occurred_from)
        reason = _problem_with(item, kind, recorded_at, occurred_from, case_facts)
        if reason:
            problems.append((position, reason))
            continue
        case_facts.append(EventFact(next_id, kind, occurred_from, recorded_at, item.is_correction,
                                    item.corrects.pk if item.corrects else None))
        next_id += 1
    return problems, days


def _last_day(value: PartialDate) -> date:
    if value.precision == "day":
        return value.first_day
    if value.precision == "month":
        return (value.first_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return date(value.year, 12, 31)


def _problem_with(item: NewEvent, kind: Event, recorded_at: datetime, occurred_from: date,
                  facts: list[EventFact]) -> str | None:
    if item.recorded_at is not None:
        try:
            _checked_recorded_at(item.recorded_at)
        except RegistryError as exc:
            return str(exc)
    if item.occurred_on.first_day > recorded_at.date():
        return f"{kind.value} on {item.occurred_on.iso} cannot be recorded before it happened ({recorded_at.date()})"
    if kind in (Event.RETRACTION, Event.UNMERGED, Event.MERGED):
        return f"{kind.value} events are recorded through their own service"
    if kind in STATUS_EVENTS and is_merged(facts, max([recorded_at, *(f.recorded_at for f in facts)])):
        # Whatever is learnt about the man now belongs on the case he is counted in; an event here,
        # even a correction, would count him twice.
        into = _merged_into(item.case)
        return (f"{item.case.reference} is merged into {into}: record this on {into}, "
                f"or unmerge {item.case.reference} first")
    if item.asserted_by_partner:
        return None if kind in STATUS_EVENTS or kind is Event.REQUEST_SENT else f"{kind.value} cannot be asserted"
    if item.is_correction:
        if kind not in STATUS_EVENTS:
            return f"{kind.value} cannot be recorded as a correction"
        if item.corrects is not None and item.corrects.case_id != item.case.pk:
            return "a correction can only correct an event of the same case"
        return None
    reason = refusal(facts, kind, occurred_from, recorded_at)
    if reason and item.occurred_on.precision != "day":
        return f"{reason} (the source gives only {item.occurred_on.iso}, and no day in it fits)"
    return reason


def _merged_into(case: Case) -> str:
    merge = case.events.filter(kind=Event.MERGED).order_by("-recorded_at", "-id").first()
    into = (merge.details or {}).get("into", "") if merge else ""
    return into or "another case"


@transaction.atomic
def append_events(items: list[NewEvent]) -> list[CaseEvent]:
    """Append events in order, all or none; the lifecycle is checked against the log as it grows."""
    if not items:
        return []
    now = _now()
    items = [item if item.recorded_at else replace(item, recorded_at=now) for item in items]
    cases = {item.case.pk for item in items}
    for chunk in _chunks(cases):
        list(Case.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
    problems, days = _placed(items)
    if problems:
        position, reason = problems[0]
        raise RegistryError(reason if len(items) == 1 else f"event {position + 1}: {reason}")
    rows = [
        CaseEvent(
            case=item.case,
            kind=Event(item.kind).value,
            occurred_on=item.occurred_on.iso,
            occurred_from=occurred_from,
            recorded_at=item.recorded_at,
            recorded_by=item.recorded_by,
            report=item.report,
            source=item.source,
            note=item.note,
            is_correction=item.is_correction,
            corrects=item.corrects,
            details=item.details | ({"asserted_by_partner": item.asserted_by_partner} if item.asserted_by_partner else {}),
            import_batch=item.import_batch,
        )
        for item, occurred_from in zip(items, days)
    ]
    # A large import appends a hundred thousand: plain INSERTs, without the ORM's work per value.
    created = inserts.insert_instances(rows)
    refresh_statuses(cases)
    audit.record_many(items[0].recorded_by, created, action=audit.Action.CREATE, changes_of=_event_summary)
    return created


def _event_summary(event: CaseEvent) -> dict:
    return {"case": event.case.reference, "kind": event.kind, "occurred_on": event.occurred_on,
            "recorded_at": event.recorded_at.isoformat(), "is_correction": event.is_correction,
            "corrects": event.corrects_id, "source": event.source}


def refresh_statuses(case_ids) -> int:
    """Rebuild the cached status and status spans of these cases from their event logs.

    Every write of events calls this in its transaction, so both caches never lag the log. Returns
    how many statuses changed.
    """
    now = _now()
    facts = _facts_by_case(case_ids)
    spans.write_spans(facts)
    changed: dict[str, list[int]] = {}
    for chunk in _chunks(facts):
        for pk, cached in Case.objects.filter(pk__in=chunk).values_list("pk", "status"):
            status = status_on(facts[pk], FAR_FUTURE, now)
            value = status.value if status else ""
            if cached != value:
                changed.setdefault(value, []).append(pk)
    # One UPDATE per status value, rather than a per-row CASE expression over thousands of rows.
    for value, pks in changed.items():
        for chunk in _chunks(pks):
            Case.objects.filter(pk__in=chunk).update(status=value)
    return sum(len(pks) for pks in changed.values())


def record_event(*, case: Case, kind: Event | str, occurred_on: PartialDate, **fields) -> CaseEvent:
    """Append one event that the lifecycle allows after the case's status as known now."""
    (event,) = append_events([NewEvent(case=case, kind=Event(kind), occurred_on=occurred_on, **fields)])
    case.status = Case.objects.values_list("status", flat=True).get(pk=case.pk)
    return event


def record_partner_assertion(*, case: Case, kind: Event | str, occurred_on: PartialDate, partner: str,
                             **fields) -> CaseEvent:
    """Record what a partner agency states about a case, even where it skips lifecycle steps we never saw."""
    return record_event(case=case, kind=kind, occurred_on=occurred_on, asserted_by_partner=partner,
                        source=fields.pop("source", "") or partner, **fields)


def record_correction(*, case: Case, kind: Event | str, occurred_on: PartialDate, note: str, **fields) -> CaseEvent:
    """State the case's true status from `occurred_on` on; earlier records that contradict it stop counting."""
    if not note.strip():
        raise RegistryError("a correction needs a note saying why the record was wrong")
    return record_event(case=case, kind=kind, occurred_on=occurred_on, note=note, is_correction=True, **fields)


@transaction.atomic
def retract_event(*, event: CaseEvent, note: str, recorded_at: datetime | None = None, recorded_by=None) -> CaseEvent:
    """Withdraw an event that should never have been recorded; it stays in the log, marked as retracted."""
    if not note.strip():
        raise RegistryError("a retraction needs a note saying why")
    if event.kind in (Event.RETRACTION, Event.UNMERGED, Event.MERGED):
        raise RegistryError(f"a {event.kind} event cannot be retracted")
    if CaseEvent.objects.filter(corrects=event, kind=Event.RETRACTION).exists():
        raise RegistryError("that event is already retracted")
    recorded_at = _checked_recorded_at(recorded_at)
    if recorded_at < event.recorded_at:
        raise RegistryError(f"the event was recorded on {event.recorded_at:%Y-%m-%d %H:%M}; a retraction "
                            f"cannot be recorded before it ({recorded_at:%Y-%m-%d %H:%M})")
    Case.objects.select_for_update().filter(pk=event.case_id).exists()
    if CaseEvent.objects.filter(corrects=event, kind=Event.RETRACTION).exists():
        raise RegistryError("that event is already retracted")   # again, now that the case is locked
    retraction = CaseEvent.objects.create(
        case_id=event.case_id, kind=Event.RETRACTION.value, occurred_on=recorded_at.date().isoformat(),
        occurred_from=recorded_at.date(), recorded_at=recorded_at, recorded_by=recorded_by, note=note, corrects=event,
    )
    refresh_statuses([event.case_id])
    audit.record_change(recorded_by, retraction, action=audit.Action.CREATE, after=_event_summary(retraction))
    return retraction
