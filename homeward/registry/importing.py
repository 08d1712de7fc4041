"""Legacy registers in: cases and events from CSV or XLSX, all or nothing, and never twice.

Every row is checked before anything is written; one bad row means nothing is imported and every
bad row is reported with its row number, column and reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from tabular import (CellError, PartialDate, Table, TableError, open_table, parse_date_of_birth, parse_partial_date,
                     parse_timestamp)

from homeward.audit import services as audit
from homeward.date_reasons import date_reason

from . import services
from .agents import AgentInput, link_agent
from .figures import end_of_day
from .lifecycle import FILE_EVENTS, Event
from .models import Case, CaseEvent, ImportBatch, Report

CASES = "cases"
EVENTS = "events"
# Every field a register of cases may carry (tabular's names); "id" is the register's own row numbering.
CASE_FIELDS = frozenset({
    "id", "reference", "full_name", "given_name", "family_name", "patronymic", "date_of_birth", "sex", "home_state",
    "home_district", "home_village", "passport_number", "national_id", "phone", "origin", "host", "reported_on",
    "recorded_at", "military_unit", "location", "promised", "agent_name", "agent_phone", "agency", "agent_city",
    "note",
})
YES = {"yes", "y", "true", "1", "да", "हाँ", "correction"}
NO = {"", "no", "n", "false", "0", "нет", "नहीं"}


@dataclass
class ImportResult:
    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    skipped: int = 0
    errors: list[CellError] = field(default_factory=list)
    already_imported: ImportBatch | None = None
    ignored_columns: list[str] = field(default_factory=list)   # headers no field was recognised in

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.already_imported:
            batch = self.already_imported
            return (f"{self.file_name} was already imported on {batch.imported_at:%Y-%m-%d %H:%M} UTC "
                    f"(batch {batch.pk}); nothing new was created")
        if self.errors:
            return f"{len(self.errors)} error(s) in {self.file_name}; nothing was imported"
        ignored = f"; columns not imported: {', '.join(self.ignored_columns)}" if self.ignored_columns else ""
        return (f"imported {self.file_name}: {self.rows} rows, {self.created} {self.kind} created, "
                f"{self.skipped} already present{ignored}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class RowReader:
    """Reads one row's fields, collecting a CellError for every problem instead of stopping at the first."""

    def __init__(self, table: Table, row, errors: list[CellError]):
        self.table, self.row, self.errors = table, row, errors

    def column(self, field_name: str) -> str:
        if field_name in self.table.fields:
            return self.table.headers[self.table.fields.index(field_name)]
        return field_name

    def fail(self, field_name: str, reason: str) -> None:
        self.errors.append(CellError(self.row.number, self.column(field_name), field_name, reason))

    def text(self, field_name: str, *, required: bool = False, max_length: int = 300) -> str:
        value = " ".join(self.row.values.get(field_name, "").split())
        if required and not value:
            self.fail(field_name, _("is empty"))
        elif len(value) > max_length:
            self.fail(field_name, _("is %(length)s characters long; at most %(limit)s are allowed")
                      % {"length": len(value), "limit": max_length})
            return ""
        return value

    def partial_date(self, field_name: str, *, required: bool = False) -> PartialDate | None:
        return self._date(field_name, parse_partial_date, required)

    def date_of_birth(self, field_name: str = "date_of_birth") -> PartialDate | None:
        """As partial_date, and 01.03.98 too: a birth date is never in the future, so its century is known."""
        return self._date(field_name, parse_date_of_birth, False)

    def _date(self, field_name: str, parse, required: bool) -> PartialDate | None:
        raw = self.row.values.get(field_name, "")
        try:
            value = parse(raw)
        except ValueError as exc:
            self.fail(field_name, date_reason(exc))
            return None
        if value is None and required:
            self.fail(field_name, _("is empty"))
        return value

    def timestamp(self, field_name: str) -> datetime | None:
        raw = self.row.values.get(field_name, "").strip()
        if not raw:
            return None
        try:
            if len(raw) <= 10 and parse_partial_date(raw) is not None and parse_partial_date(raw).precision == "day":
                # A bare date means "as known that day": the end of it, not its first instant (today: now).
                value = end_of_day(parse_partial_date(raw).first_day)
                now = django_timezone.now()
                if value.date() == now.date():
                    value = now
            else:
                value = parse_timestamp(raw)
        except ValueError as exc:
            self.fail(field_name, date_reason(exc))
            return None
        if value and value > django_timezone.now():
            self.fail(field_name, _("%(date)s is in the future") % {"date": raw})
            return None
        return value

    def not_after(self, field_name: str, value: PartialDate | None, moment: datetime | None) -> None:
        """A date the row says something happened on, which cannot be later than when it was recorded."""
        moment = moment or django_timezone.now()
        if value and value.first_day > moment.date():
            self.fail(field_name, _("%(date)s is after %(recorded)s, when the row says it was recorded")
                      % {"date": value.iso, "recorded": f"{moment:%Y-%m-%d}"}
                      if moment.date() < django_timezone.now().date() else
                      _("%(date)s is in the future") % {"date": value.iso})

    def country(self, field_name: str, default: str | None) -> str:
        value = self.text(field_name).upper() or (default or "")
        if not value:
            self.fail(field_name, _("is empty; give an ISO country code such as IN or RU"))
        elif len(value) != 2 or not value.isascii() or not value.isalpha():
            self.fail(field_name, _("%(value)s is not a two-letter ISO country code") % {"value": repr(value)})
        return value


def _already(kind: str, digest: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=kind, file_sha256=digest).first()


def import_cases(path: Path | str, *, mapping: dict[str, str] | None = None, recorded_by=None,
                 origin: str | None = None, host: str | None = None) -> ImportResult:
    """Import a register of cases: one row a person, each opened with its `reported` event."""
    path = Path(path)
    result = ImportResult(CASES, path.name)
    digest = _sha256(path)
    if batch := _already(CASES, digest):
        result.already_imported = batch
        return result
    table = open_table(path, mapping=mapping)
    missing = [f for f in ("reported_on",) if f not in table.fields]
    if "full_name" not in table.fields and not {"given_name", "family_name"} & set(table.fields):
        missing.insert(0, "full_name (or given_name and family_name)")
    if missing:
        raise TableError(f"{path.name} has no column for {', '.join(missing)}; columns found: "
                         f"{', '.join(table.headers)}")
    unused = [h for h, f in zip(table.headers, table.fields) if f and f not in CASE_FIELDS]
    if unused:
        # Recognised, so the officer expects it to be read; a status above all cannot be set this way
        raise TableError(
            f"{path.name}: this import does not read the column(s) {', '.join(unused)} (statuses and other "
            "events come in through `homeward import events`); leave them out with --map \"Header=-\"")
    result.ignored_columns = [h for h, f in zip(table.headers, table.fields) if not f and h.strip()]

    planned: list[tuple[int, str, dict, AgentInput, str]] = []
    seen_references: dict[str, int] = {}
    with table:
        for row in table:
            result.rows += 1
            read = RowReader(table, row, result.errors)
            reference = read.text("reference", max_length=32)
            if reference and reference in seen_references:
                read.fail("reference", _("%(reference)s already appears in row %(row)s")
                          % {"reference": reference, "row": seen_references[reference]})
            seen_references.setdefault(reference, row.number)
            name = services.NameInput(
                full_name=read.text("full_name"), given_name=read.text("given_name", max_length=150),
                family_name=read.text("family_name", max_length=150), patronymic=read.text("patronymic", max_length=150),
                source=f"imported from {path.name}",
            )
            if not name.resolved_full_name():
                read.fail("full_name" if "full_name" in table.fields else "given_name", _("the person has no name"))
            person = services.PersonInput(
                names=[name],
                sex=read_sex(read),
                date_of_birth=read.date_of_birth(),
                home_state=read.text("home_state", max_length=100),
                home_district=read.text("home_district", max_length=100),
                home_village=read.text("home_village", max_length=100),
                passport_number=read.text("passport_number", max_length=64),
                national_id=read.text("national_id", max_length=64),
                phone=read.text("phone", max_length=64),
            )
            origin_country = read.country("origin", origin)
            host_country = read.country("host", host)
            reported_on = read.partial_date("reported_on", required=True)
            recorded_at = read.timestamp("recorded_at")
            read.not_after("reported_on", reported_on, recorded_at)
            recruitment = services.RecruitmentInput(
                military_unit=read.text("military_unit", max_length=100),
                last_known_location=read.text("location", max_length=200),
                promised_job=read.text("promised", max_length=300),
            )
            agent = AgentInput(name=read.text("agent_name", max_length=200), phone=read.text("agent_phone", max_length=64),
                               agency=read.text("agency", max_length=200), city=read.text("agent_city", max_length=100),
                               promised=recruitment.promised_job)
            note = read.text("note", max_length=5000)
            planned.append((row.number, reference, dict(
                person=person, origin_country=origin_country, host_country=host_country, reported_on=reported_on,
                recorded_at=recorded_at, reference=reference, recruitment=recruitment,
            ), agent, note))
    if result.rows == 0:
        raise TableError(f"{path.name} has a header but no rows")
    if result.errors:
        return result

    existing = set(Case.objects.filter(reference__in=[p[1] for p in planned if p[1]]).values_list("reference", flat=True))
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=CASES, file_name=path.name, file_sha256=digest, rows=result.rows,
                                           imported_at=django_timezone.now(), imported_by=recorded_by)
        for number, reference, fields, agent, note in planned:
            if reference and reference in existing:
                result.skipped += 1
                continue
            report = services.ReportInput(
                source_type=Report.SourceType.REGISTER, received_on=fields["reported_on"].first_day,
                channel=Report.Channel.SPREADSHEET,
                original_text=f"row {number} of {path.name}" + (f": {note}" if note else ""),
            )
            try:
                case = services.create_case(**fields, recorded_by=recorded_by, import_batch=batch, report=report)
            except services.RegistryError as exc:
                # every other field was checked row by row above; what is left is the reference
                result.errors.append(CellError(number, _header(table, "reference"), "reference", str(exc)))
                continue
            link_agent(case, agent, report=case.reports.first(), by=recorded_by)
            result.created += 1
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
            return result
        ImportBatch.objects.filter(pk=batch.pk).update(created=result.created)
        audit.record(recorded_by, audit.Action.IMPORT, batch, label=path.name,
                     detail=f"{result.created} cases created, {result.skipped} already present")
    return result


def read_sex(read: RowReader) -> str:
    value = read.text("sex").casefold()
    mapping = {"m": "M", "male": "M", "м": "M", "муж": "M", "мужской": "M", "पुरुष": "M",
               "f": "F", "female": "F", "ж": "F", "жен": "F", "женский": "F", "महिला": "F", "": ""}
    if value not in mapping:
        read.fail("sex", _("%(value)s is not a sex this register knows (M or F)") % {"value": repr(value)})
        return ""
    return mapping[value]


def import_events(path: Path | str, *, mapping: dict[str, str] | None = None, recorded_by=None) -> ImportResult:
    """Import status events for existing cases, checked against each case's lifecycle in file order."""
    path = Path(path)
    result = ImportResult(EVENTS, path.name)
    digest = _sha256(path)
    if batch := _already(EVENTS, digest):
        result.already_imported = batch
        return result
    table = open_table(path, mapping=mapping)
    table.require("case_ref", "event", "occurred_on")

    rows: list[tuple[int, str, dict]] = []
    with table:
        for row in table:
            result.rows += 1
            read = RowReader(table, row, result.errors)
            reference = read.text("case_ref", required=True, max_length=32)
            kind_text = read.text("event", required=True, max_length=40).lower()
            if kind_text and kind_text not in FILE_EVENTS:
                read.fail("event", f"{kind_text!r} is not an event; expected one of: {', '.join(FILE_EVENTS)}")
            correction = read.text("correction").casefold()
            if correction not in YES | NO:
                read.fail("correction", f"{correction!r} is neither yes nor no")
            occurred_on, recorded_at = read.partial_date("occurred_on", required=True), read.timestamp("recorded_at")
            read.not_after("occurred_on", occurred_on, recorded_at)
            rows.append((row.number, reference, dict(
                kind=kind_text, occurred_on=occurred_on,
                recorded_at=recorded_at, source=read.text("source", max_length=200),
                note=read.text("note", max_length=5000), is_correction=correction in YES,
            )))
    if result.rows == 0:
        raise TableError(f"{path.name} has a header but no rows")

    named = {reference for _number, reference, _fields in rows if reference}
    cases = {c.reference: c for c in Case.objects.filter(reference__in=named)}
    for number, reference, _fields in rows:
        if reference and reference not in cases:
            result.errors.append(CellError(number, _header(table, "case_ref"), "case_ref", f"no case has reference {reference}"))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result

    present = _present_events(cases.values())
    items, numbers = [], []
    for number, reference, fields in rows:
        case = cases[reference]
        if fields["is_correction"] and not fields["note"]:
            # not the file name: the same register saved again under another name is still the same news
            fields["note"] = "correction imported from a register"
        key = (case.pk, fields["kind"], fields["occurred_on"].iso, fields["source"], fields["note"], fields["is_correction"])
        if key in present:
            result.skipped += 1
            continue
        present.add(key)
        items.append(services.NewEvent(case=case, recorded_by=recorded_by, **fields | {"kind": Event(fields["kind"])}))
        numbers.append(number)
    for position, reason in services.check_new_events(items):
        result.errors.append(CellError(numbers[position], _header(table, "event"), "event", reason))
    if result.errors:
        return result
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=EVENTS, file_name=path.name, file_sha256=digest, rows=result.rows,
                                           created=len(items), imported_at=django_timezone.now(),
                                           imported_by=recorded_by)
        for item in items:
            item.import_batch = batch
        services.append_events(items)
        audit.record(recorded_by, audit.Action.IMPORT, batch, label=path.name,
                     detail=f"{len(items)} events created, {result.skipped} already present")
    result.created = len(items)
    return result


def _header(table: Table, field_name: str) -> str:
    return table.headers[table.fields.index(field_name)] if field_name in table.fields else field_name


def _present_events(cases) -> set[tuple]:
    rows = CaseEvent.objects.filter(case__in=list(cases)).values_list(
        "case_id", "kind", "occurred_on", "source", "note", "is_correction")
    return set(rows)
