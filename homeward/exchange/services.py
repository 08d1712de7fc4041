"""Everything that writes exchange data: partners, status words, request lists, responses, decisions."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from homeward import crypto
from homeward.access import cases_sent_to_partner, visible_cases
from homeward.accounts.models import Partner
from homeward.audit import services as audit
from homeward.date_reasons import date_reason
from homeward.intake import duplicates
from homeward.registry import services as registry
from homeward.registry.merging import survivor_of
from homeward.registry.lifecycle import TRANSITIONS, Event
from homeward.registry.models import Case
from matching import CandidateIndex, Record, to_cyrillic
from matching.model import exclusive_probabilities, explain
from matching.records import prepare
from tabular import (CellError, PartialDate, TableError, open_table, parse_date_of_birth,
                     parse_partial_date, write_csv, write_xlsx)
from tabular.headers import check_mapping

from .citizenship import citizenship_code
from .models import (Ask, Discrepancy, DiscrepancyEntry, PartnerSettings, RequestExport,
                     Response, ResponseRow, StatusWord)

# In a row's explanation: its reference names a case whose person the row does not match.
REFERENCE_DISAGREES = "reference_disagrees"
# How often a reference the partner quotes back names the right case: copied from our own request list,
# it is wrong only by a slip (a digit mistyped, a row shifted).
REFERENCE_PRIOR = 0.99
DEFAULT_AUTO = 0.95
DEFAULT_REVIEW = 0.5
# A CSV request list in UTF-8 is always written with a BOM ("utf-8-sig" is taken as the same).
CSV_ENCODINGS = ("utf-8", "cp1251")

# The request list's columns: (field, Russian header, English header). Nothing else leaves the registry.
COLUMNS = [
    ("reference", "наш номер", "our reference"),
    ("latin", "ФИО (латиница)", "Full name (Latin)"),
    ("cyrillic", "ФИО кириллицей (транскрипция, не официальное написание)",
     "Name in Cyrillic (transcription, not an official spelling)"),
    ("dob", "Дата рождения", "Date of birth"),
    ("passport", "Номер паспорта", "Passport number"),
    ("ask", "Просьба", "Request"),
]
ASK_RUSSIAN = {
    Ask.IDENTIFY: "установить местонахождение",
    Ask.DISCHARGE: "уволить с военной службы",
    Ask.CONFIRM_DEATH: "подтвердить гибель",
    Ask.RETURN_REMAINS: "вернуть останки",
    Ask.PAY_COMPENSATION: "выплатить компенсацию",
    Ask.RECHECK: "повторно проверить",
}


class ExchangeError(ValueError):
    """A request the exchange refuses, with a message fit for the person who made it."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors or [message]


class LikelyDuplicate(ExchangeError):
    """A new case refused: the registry probably holds the man already (`matches`, best first)."""

    def __init__(self, message: str, matches: list[duplicates.Match]):
        super().__init__(message)
        self.matches = matches


def fold_word(word: str) -> str:
    return " ".join(word.casefold().replace("ё", "е").split())


# ---------------------------------------------------------------- partners and vocabulary


@transaction.atomic
def add_partner(*, code: str, name: str, country: str, language: str = "ru", by=None) -> Partner:
    code, country = code.strip(), country.strip().upper()
    if not code or not name.strip():
        raise ExchangeError("a partner needs a code and a name")
    if len(country) != 2 or not country.isalpha():
        raise ExchangeError(f"country must be a two-letter ISO code, not {country!r}")
    if Partner.objects.filter(code=code).exists():
        raise ExchangeError(f"partner {code} already exists")
    partner = Partner.objects.create(code=code, name=name.strip(), country=country, language=language.strip() or "ru")
    audit.record_change(by, partner, action=audit.Action.CREATE,
                        after={"code": code, "name": partner.name, "country": country, "language": partner.language})
    return partner


@transaction.atomic
def set_thresholds(partner: Partner, *, auto: float, review: float, by=None) -> PartnerSettings:
    if not 0 <= review <= auto <= 1:
        raise ExchangeError("thresholds must satisfy 0 ≤ review ≤ auto ≤ 1")
    row, _created = PartnerSettings.objects.update_or_create(
        partner=partner, defaults={"auto_threshold": auto, "review_threshold": review})
    audit.record_change(by, partner, after={"auto_threshold": auto, "review_threshold": review})
    return row


def thresholds(partner: Partner) -> tuple[float, float]:
    row = PartnerSettings.objects.filter(partner=partner).first()
    if row:
        return row.auto_threshold, row.review_threshold
    return (getattr(settings, "EXCHANGE_AUTO_THRESHOLD", DEFAULT_AUTO),
            getattr(settings, "EXCHANGE_REVIEW_THRESHOLD", DEFAULT_REVIEW))


@transaction.atomic
def add_status_word(*, word: str, event: str, partner: Partner | None = None, note: str = "", by=None) -> StatusWord:
    folded = fold_word(word)
    if not folded:
        raise ExchangeError("the status word is empty")
    if event not in dict(StatusWord._meta.get_field("event").choices):
        raise ExchangeError(f"{event!r} is not an event a status word may mean")
    if StatusWord.objects.filter(partner=partner, word=folded).exists():
        raise ExchangeError(f"the word {folded!r} already has a meaning")
    row = StatusWord.objects.create(partner=partner, word=folded, event=event, note=note.strip())
    audit.record_change(by, row, action=audit.Action.CREATE,
                        after={"partner": partner.code if partner else "", "word": folded, "event": event, "note": row.note})
    return row


def vocabulary(partner: Partner) -> dict[str, StatusWord]:
    words = {w.word: w for w in StatusWord.objects.filter(partner__isnull=True)}
    words.update({w.word: w for w in StatusWord.objects.filter(partner=partner)})  # the partner's own win
    return words


# ---------------------------------------------------------------- request lists


def consented(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Only cases whose reporter agreed that the person's details go to the host's authorities."""
    return cases.filter(reports__consent_to_share=True).distinct()


def _dob_text(iso: str) -> str:
    if not iso:
        return ""
    date = PartialDate.from_iso(iso)
    if date.precision == "day":
        return f"{date.day:02d}.{date.month:02d}.{date.year}"
    if date.precision == "month":
        return f"{date.month:02d}.{date.year}"
    return str(date.year)


def _latin_name(case: Case) -> str:
    names = list(case.person.names.all())
    latin = [n.full_name for n in names if n.script == "Latin"]
    return (latin or [n.full_name for n in names] or [""])[0]


def request_rows(cases, ask: str) -> list[list[str]]:
    # The file is bilingual whatever language the officer's pages are in.
    with translation.override("en"):
        asked = f"{ASK_RUSSIAN[Ask(ask)]} / {Ask(ask).label}"
    rows = []
    for case in cases:
        latin = _latin_name(case)
        passports = [i.value for i in case.person.identifiers.all() if i.kind == "passport"]
        rows.append([case.reference, latin, to_cyrillic(latin), _dob_text(case.person.date_of_birth),
                     passports[0] if passports else "", asked])
    return rows


@dataclass
class ExportedFile:
    export: RequestExport
    content: bytes
    file_name: str


@transaction.atomic
def export_request(*, partner: Partner, ask: str, cases: QuerySet[Case], fmt: str = "xlsx", encoding: str = "utf-8",
                   by=None, file_name: str = "") -> ExportedFile:
    """Write a request list for the consented cases among `cases`, record it and note it on every case."""
    if ask not in Ask.values:
        raise ExchangeError(f"unknown request {ask!r}; expected one of: {', '.join(Ask.values)}")
    if fmt not in ("xlsx", "csv"):
        raise ExchangeError(f"format must be xlsx or csv, not {fmt!r}")
    chosen = list(consented(cases).select_related("person").prefetch_related("person__names", "person__identifiers")
                  .order_by("reference"))
    if not chosen:
        raise ExchangeError(_("no case to send: none of the selected cases has consent to share"))
    headers = [c[0] for c in COLUMNS]
    russian, english = [c[1] for c in COLUMNS], [c[2] for c in COLUMNS]
    rows = request_rows(chosen, ask)
    buffer = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(buffer, headers, rows, header_rows=[russian, english], sheet_title="Запрос")
    else:
        if encoding not in (*CSV_ENCODINGS, "utf-8-sig"):
            raise ExchangeError(f"a CSV list is written in {' or '.join(CSV_ENCODINGS)}, not {encoding!r}")
        # As a Russian-locale Excel opens it by double-click: ';' between cells, and UTF-8 only with a BOM.
        encoding = "utf-8-sig" if encoding.startswith("utf-8") else encoding  # recorded as written
        try:
            write_csv(buffer, russian, [english, *rows], encoding=encoding, delimiter=";")
        except CellError as exc:
            raise ExchangeError(str(exc)) from None
    content = buffer.getvalue()
    now = timezone.now()
    file_name = file_name or f"request-{partner.code}-{now:%Y%m%d-%H%M%S}.{fmt}"
    sent = {str(case.pk): values for case, values in zip(chosen, rows)}
    export = RequestExport.objects.create(partner=partner, ask=ask, file_name=file_name,
                                          file_sha256=hashlib.sha256(content).hexdigest(), created_at=now, created_by=by,
                                          sent_rows_ciphertext=crypto.encrypt(json.dumps(sent, ensure_ascii=False)))
    export.cases.set(chosen)
    registry.append_events([
        registry.NewEvent(case=case, kind=Event.REQUEST_SENT, occurred_on=PartialDate.from_date(now.date()),
                          recorded_at=now, recorded_by=by, source=partner.code,
                          details={"partner": partner.code, "export": export.pk, "ask": ask})
        for case in chosen
    ])
    audit.record_change(by, export, action=audit.Action.EXPORT,
                        after={"partner": partner.code, "ask": ask, "cases": [c.reference for c in chosen],
                               "sha256": export.file_sha256, "format": fmt, "encoding": encoding})
    return ExportedFile(export, content, file_name)


# ---------------------------------------------------------------- response lists


@dataclass
class ImportResult:
    response: Response | None
    counts: dict = field(default_factory=lambda: dict(by_reference=0, auto=0, review=0, host_only=0, errors=0))
    errors: list[str] = field(default_factory=list)
    already_imported: bool = False


@dataclass
class _Parsed:
    number: int
    reference: str
    full_name: str
    date_of_birth: str
    passport: str
    unit: str
    location: str
    word: str
    event: str
    occurred_on: str
    note: str
    citizenship: str  # as the host wrote it


# The longest text each stored column of a row takes, by the table field it is read from: a longer cell
# is the row's error, not a database error that loses the whole file (PostgreSQL enforces the limits).
TEXT_LIMITS = {field_name: ResponseRow._meta.get_field(column).max_length for field_name, column in (
    ("reference", "reference"), ("full_name", "full_name"), ("military_unit", "military_unit"),
    ("location", "location"), ("citizenship", "citizenship_text"))}


# Our own request list's name columns (COLUMNS), as a partner sends the list back with a status column
# added: read as the name, the Latin one first. Our other columns (reference, date of birth, passport)
# are spellings tabular knows already.
OWN_NAME_HEADERS = [COLUMNS[1][1], COLUMNS[1][2], COLUMNS[2][1], COLUMNS[2][2]]


def _loose(text: str) -> str:
    return " ".join(text.casefold().split())


def _open(content: bytes, name: str, mapping: dict[str, str] | None):
    """The response list opened with the importer's mapping; a list that is our own request list sent
    back (its name columns are nothing tabular knows) is opened again with those columns mapped."""
    def opened(with_mapping):
        stream = io.BytesIO(content)
        stream.name = name
        return open_table(stream, mapping=with_mapping or None)

    table = opened(mapping)
    if "full_name" in table.fields or {"given_name", "family_name"} & set(table.fields):
        return table
    present = {_loose(part) for header in table.headers for part in [header, *header.split(" / ")]}
    mapped = {_loose(header) for header in mapping or {}}
    own = next((h for h in OWN_NAME_HEADERS if _loose(h) in present and _loose(h) not in mapped), None)
    if own is None:
        return table
    table.close()
    return opened({**(mapping or {}), own: "full_name"})


def _parse(content: bytes, name: str, partner: Partner, mapping: dict[str, str] | None = None,
           ) -> tuple[list[_Parsed], list[str]]:
    words = vocabulary(partner)
    parsed, errors = [], []
    today = timezone.now().date()
    try:
        with _open(content, name, mapping) as table:
            table.require("status")
            column = {f: table.column(f) for f in table.fields if f}
            if "full_name" not in column and not {"given_name", "family_name"} & set(column):
                found = ", ".join(f'"{h}"' for h in table.headers) or "none"
                raise TableError(_('%(name)s: no column for the name: a full name (e.g. "ФИО") or its parts '
                                   '("Фамилия", "Имя", "Отчество"). Headers found: %(found)s. If one of them is '
                                   'the right column, map it ("Header=field").') % {"name": name, "found": found})
            name_column = column.get("full_name") or column.get("family_name") or column["given_name"]
            for row in table.rows():
                v = row.values
                problems = []

                def problem(field_name, reason):
                    problems.append(_('row %(row)s, column "%(column)s": %(reason)s')
                                    % {"row": row.number, "column": column.get(field_name, field_name),
                                       "reason": reason})

                def date_of(field_name, parse=parse_partial_date):
                    text = v.get(field_name, "")
                    try:
                        value = parse(text)
                    except ValueError as exc:
                        problem(field_name, date_reason(exc))
                        return ""
                    if value and value.first_day > today:
                        problem(field_name, _("%(date)s is in the future") % {"date": text.strip()})
                        return ""
                    return value.iso if value else ""

                full_name = registry.NameInput(
                    full_name=v.get("full_name", ""), given_name=v.get("given_name", ""),
                    family_name=v.get("family_name", ""), patronymic=v.get("patronymic", "")).resolved_full_name()
                if not full_name:
                    problems.append(_('row %(row)s, column "%(column)s": the name is empty')
                                    % {"row": row.number, "column": name_column})
                word = v.get("status", "")
                meaning = words.get(fold_word(word))
                if not fold_word(word):
                    problem("status", _("the status is empty"))
                elif meaning is None:
                    problem("status", _('unknown status word "%(word)s"; an administrator can add its meaning on '
                                        "the partners page") % {"word": word})
                dob, occurred = date_of("date_of_birth", parse_date_of_birth), date_of("occurred_on")
                texts = {f: v.get(f, "").strip() for f in ("reference", "military_unit", "location", "citizenship")}
                for field_name, text in texts.items():
                    if len(text) > TEXT_LIMITS[field_name]:
                        problem(field_name, _("longer than %(limit)s characters") % {"limit": TEXT_LIMITS[field_name]})
                if len(full_name) > TEXT_LIMITS["full_name"]:
                    problem("full_name" if "full_name" in column else name_column,
                            _("longer than %(limit)s characters") % {"limit": TEXT_LIMITS["full_name"]})
                if problems:
                    errors.extend(problems)
                    continue
                note = v.get("note", "")
                if meaning.note:
                    note = f"{meaning.note}; {note}" if note else meaning.note
                parsed.append(_Parsed(row.number, texts["reference"], full_name, dob,
                                      v.get("passport_number", "").strip(), texts["military_unit"],
                                      texts["location"], word.strip(), meaning.event, occurred,
                                      note.strip(), texts["citizenship"]))
    except TableError as exc:
        return [], [str(exc)]
    if not parsed and not errors:
        errors.append(_("%(name)s has no data rows") % {"name": name})
    return parsed, errors


def _record(case: Case, name_of: dict, passports: dict) -> Record:
    return Record(id=str(case.pk), full_name=name_of.get(case.pk, ""), date_of_birth=case.person.date_of_birth,
                  passport_number=passports.get(case.person_id, ""))


def _index(cases: QuerySet[Case]) -> tuple[CandidateIndex, dict[int, Case]]:
    """One record per case: its first Latin name (the engine compares across scripts), DOB and passport."""
    from homeward.registry.models import PersonIdentifier, PersonName

    by_pk = {c.pk: c for c in cases.select_related("person").only("pk", "reference", "status", "person_id",
                                                                     "person__date_of_birth")}
    # Names and passports are read by the person ids already in hand, not through the scope as a
    # subquery: on PostgreSQL, statistics taken while the tables were nearly empty (before a bulk
    # load is analysed) planned that subquery as nested full scans: 75-100 s for 200 cases in CI.
    names: dict[int, tuple[str, str]] = {}
    passports: dict[int, str] = {}
    person_ids = sorted({c.person_id for c in by_pk.values()})
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start:start + CHUNK]
        for person_id, full_name, script in PersonName.objects.filter(person_id__in=chunk).order_by("id") \
                .values_list("person_id", "full_name", "script"):
            if person_id not in names or (script == "Latin" and names[person_id][1] != "Latin"):
                names[person_id] = (full_name, script)
        passports.update((p, crypto.decrypt(c)) for p, c in PersonIdentifier.objects.filter(
            person_id__in=chunk, kind="passport").order_by("id").values_list("person_id", "ciphertext"))
    name_of = {pk: names.get(c.person_id, ("", ""))[0] for pk, c in by_pk.items()}
    return CandidateIndex(_record(c, name_of, passports) for c in by_pk.values()), by_pk


def outcome(ours: str, theirs: str) -> str:
    """How their status compares with ours: the same, news the lifecycle allows, or a contradiction."""
    if ours == theirs:
        return ResponseRow.Outcome.AGREES
    if not ours or ours == Event.REPORTED or Event(theirs) in TRANSITIONS[Event(ours)]:
        return ResponseRow.Outcome.UPDATES
    return ResponseRow.Outcome.CONFLICTS


def linking_scope(partner: Partner) -> QuerySet[Case]:
    """The cases a response list from `partner` is linked against: every case named in a request list
    to it (a retracted request names none).

    Importing an answer is the organisation's act, done once per file (a second import of the same
    bytes is a no-op), so its links are the same whoever imports it: an officer who sees one office's
    cases links the other offices' men too. What each person then sees of the rows, the review queue
    and the discrepancies stays within their own scope.
    """
    return cases_sent_to_partner(partner)


@transaction.atomic
def import_response(*, partner: Partner, content: bytes, file_name: str, mapping: dict[str, str] | None = None,
                    by=None) -> ImportResult:
    """Read a partner's answer, link every row to our cases and queue what needs a person; all or nothing.

    Rows are linked against `linking_scope(partner)` whoever imports. `mapping` ("Header" -> field)
    reads columns under other names.
    A row with our reference is applied at once only if its name, date of birth and passport agree
    with that case as the engine sees it (the auto threshold); otherwise it is reviewed.
    """
    sha = hashlib.sha256(content).hexdigest()
    existing = Response.objects.filter(partner=partner, file_sha256=sha).first()
    if existing:
        return ImportResult(existing, _counts(existing), already_imported=True)
    try:
        if mapping:
            check_mapping(mapping)
    except ValueError as exc:
        return ImportResult(None, dict(by_reference=0, auto=0, review=0, host_only=0, errors=1), [str(exc)])
    parsed, errors = _parse(content, file_name, partner, mapping)
    scope = linking_scope(partner)
    references = {p.reference for p in parsed if p.reference}
    ordered = sorted(references)
    known = {c.reference: c for start in range(0, len(ordered), CHUNK)
             for c in scope.filter(reference__in=ordered[start:start + CHUNK])}
    for p in parsed:
        if p.reference and p.reference not in known:
            errors.append(_("row %(row)s: reference %(reference)s is not one of the cases asked of %(partner)s")
                          % {"row": p.number, "reference": p.reference, "partner": partner.code})
    if errors:
        return ImportResult(None, dict(by_reference=0, auto=0, review=0, host_only=0, errors=len(errors)), errors)
    try:
        with transaction.atomic():
            response = _link_and_apply(partner, parsed, known, scope, content_sha=sha, file_name=file_name, by=by)
    except ExchangeError as exc:
        return ImportResult(None, dict(by_reference=0, auto=0, review=0, host_only=0, errors=len(exc.errors)),
                            exc.errors)
    return ImportResult(response, _counts(response))


def _row_record(p: _Parsed) -> Record:
    return Record(id=f"row{p.number}", full_name=p.full_name, date_of_birth=p.date_of_birth, passport_number=p.passport)


def _reference_agreement(index: CandidateIndex, position: dict[str, int], p: _Parsed, case: Case) -> tuple[float, dict]:
    """How probably the row is the man of the case its reference names, and the engine's reasons.

    The engine weighs the row's name, date of birth and passport against that case exactly as it weighs
    a row without reference against its candidates (the same index, so the same name frequencies), with
    one difference: the reference has already picked the one candidate, and references are right far
    more often than not (REFERENCE_PRIOR), so the question is whether the row contradicts it, not
    whether the row alone would find that case among all of ours. Agreeing fields, or a name alone, carry
    the link over the auto threshold; a man who is plainly someone else (a wrong digit) falls far below.
    """
    at = position.get(str(case.pk))
    if at is None:
        return 0.0, {}
    scored = index.scored(prepare(_row_record(p)), among=[at])
    if not scored:
        return 0.0, {}
    _at, weight, parts = scored[0]
    return exclusive_probabilities([weight], 1, REFERENCE_PRIOR)[0], explain(parts)


def _link_and_apply(partner: Partner, parsed: list[_Parsed], known: dict[str, Case], scope: QuerySet[Case], *,
                    content_sha: str, file_name: str, by) -> Response:
    now = timezone.now()
    response = Response.objects.create(partner=partner, file_name=file_name, file_sha256=content_sha, imported_at=now,
                                       imported_by=by, rows=len(parsed))
    auto_at, review_at = thresholds(partner)
    to_match = [p for p in parsed if not p.reference]
    index, by_pk = _index(scope)
    position = {record.id: at for at, record in enumerate(index.records)} if known else {}
    found_for = dict(zip((p.number for p in to_match),
                         _candidates(index, [_row_record(p) for p in to_match], review_at)))
    rows = []
    for p in parsed:
        row = ResponseRow(response=response, number=p.number, reference=p.reference, full_name=p.full_name,
                          date_of_birth=p.date_of_birth, passport_ciphertext=crypto.encrypt(p.passport) if p.passport else "",
                          military_unit=p.unit, location=p.location, status_word=p.word, event=p.event,
                          occurred_on=p.occurred_on, note=p.note, citizenship_text=p.citizenship,
                          citizenship=citizenship_code(p.citizenship))
        if p.reference:
            row.probability, fields = _reference_agreement(index, position, p, known[p.reference])
            # a case merged since the request stands for the man no longer: its survivor takes the news
            row.case = survivor_of(known[p.reference])
            row.explanation = {"fields": fields}
            if row.probability >= auto_at:
                row.link = ResponseRow.Link.BY_REFERENCE
            else:
                # One wrong digit in a reference must not put another man's news on a case: a person decides.
                row.link = ResponseRow.Link.REVIEW
                row.explanation[REFERENCE_DISAGREES] = True
        elif found := found_for[p.number]:
            best = found[0]
            row.case, row.probability = survivor_of(by_pk[int(best.id)]), best.match_probability
            row.explanation = {"fields": best.explanation,
                               "others": [{"case": by_pk[int(c.id)].reference, "probability": c.match_probability}
                                          for c in found[1:]]}
            row.link = ResponseRow.Link.AUTO if best.match_probability >= auto_at else ResponseRow.Link.REVIEW
        else:
            row.link = ResponseRow.Link.HOST_ONLY
        if row.case is not None:
            row.our_status_before = row.case.status
            row.outcome = outcome(row.case.status, row.event)
        rows.append(row)
    ResponseRow.objects.bulk_create(rows, batch_size=2000)
    rows = list(response.response_rows.select_related("case", "response__partner"))
    _apply([r for r in rows if r.link == ResponseRow.Link.BY_REFERENCE], by, now)
    _open_discrepancies(response, rows, scope, by, now)
    audit.record_change(by, response, action=audit.Action.IMPORT,
                        after={"partner": partner.code, "file": file_name, "sha256": content_sha, **_counts(response)})
    return response


# Below this many rows the engine's queries take seconds; above it they are shared among processes.
PARALLEL_FROM = 5000
# The index a forked worker queries: set in the worker itself by the pool's initializer (it is the
# parent's own index, inherited through the fork, never pickled), so no other request can see or change it.
_WORKER_INDEX: CandidateIndex | None = None


def _start_worker(index: CandidateIndex) -> None:
    global _WORKER_INDEX
    _WORKER_INDEX = index


def _query_chunk(args: tuple[list[Record], float]) -> list[list]:
    records, threshold = args
    return [_WORKER_INDEX.candidates(r, limit=3, threshold=threshold) for r in records]


def _candidates(index: CandidateIndex | None, records: list[Record], threshold: float) -> list[list]:
    """The engine's best candidates for each record, in order.

    A 50k-row answer against a 100k registry spends most of its time here, so large lists are split
    among forked processes: they inherit the built index instead of rebuilding it, and touch no database.
    """
    if not records:
        return []
    processes = min(4, os.cpu_count() or 1)
    if len(records) < PARALLEL_FROM or processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [index.candidates(r, limit=3, threshold=threshold) for r in records]
    size = -(-len(records) // (processes * 4))
    chunks = [(records[i:i + size], threshold) for i in range(0, len(records), size)]
    with multiprocessing.get_context("fork").Pool(processes, initializer=_start_worker, initargs=(index,)) as pool:
        return [found for part in pool.map(_query_chunk, chunks) for found in part]


def _counts(response: Response) -> dict:
    counts = dict(by_reference=0, auto=0, review=0, host_only=0, errors=0)
    for link in response.response_rows.values_list("link", flat=True):
        counts[link] += 1
    return counts


CHUNK = 5000  # rows per statement: SQLite allows only so many parameters in one query


def _apply(rows: list[ResponseRow], by, now: datetime) -> None:
    """Write the partner's assertions of accepted rows as events, and open a discrepancy where they conflict."""
    for start in range(0, len(rows), CHUNK):
        _apply_chunk(rows[start:start + CHUNK], by, now)


def _apply_chunk(rows: list[ResponseRow], by, now: datetime) -> None:
    if not rows:
        return
    events = []
    for row in rows:
        response = row.response
        occurred = PartialDate.from_iso(row.occurred_on) if row.occurred_on else PartialDate.from_date(response.imported_at.date())
        events.append(registry.NewEvent(
            case=row.case, kind=Event(row.event), occurred_on=occurred, recorded_at=response.imported_at, recorded_by=by,
            source=f"{response.partner.code} · {response.file_name}", note=row.note,
            asserted_by_partner=response.partner.code,
            details={"response": response.pk, "row": row.number, "unit": row.military_unit, "location": row.location,
                     "status_word": row.status_word, "date_given": bool(row.occurred_on)}))
        row.decision = ResponseRow.Decision.ACCEPTED
        row.decided_at, row.decided_by = now, by
    try:
        registry.append_events(events)
    except registry.RegistryError as exc:
        # Nothing was appended (append_events is all or none); name every refused row, not just the first.
        refused = registry.check_new_events(events) or [(None, str(exc))]
        errors = [_("%(file)s, row %(row)s: %(reason)s") % {"file": rows[at].response.file_name,
                                                             "row": rows[at].number, "reason": reason}
                  if at is not None else reason for at, reason in refused]
        raise ExchangeError(errors[0] if len(errors) == 1 else _("%(count)s rows refused; the first: %(error)s")
                            % {"count": len(errors), "error": errors[0]}, errors) from None
    ResponseRow.objects.filter(pk__in=[r.pk for r in rows]).update(
        decision=ResponseRow.Decision.ACCEPTED, decided_at=now, decided_by=by)
    conflicts = [row for row in rows if row.outcome == ResponseRow.Outcome.CONFLICTS]
    Discrepancy.objects.bulk_create([
        Discrepancy(partner=row.response.partner, response=row.response, row=row, case=row.case,
                    kind=Discrepancy.Kind.CONFLICT, owner=by, opened_at=now, updated_at=now,
                    summary=f"{row.case.reference}: we say {row.our_status_before or 'nothing'}, "
                            f"they say {row.event} ({row.status_word})")
        for row in conflicts
    ], batch_size=2000)
    # Answers settle what we were waiting for: an ours-only item of this case is resolved by a linked row.
    _resolve_all(Discrepancy.objects.filter(case_id__in={r.case_id for r in rows}, kind=Discrepancy.Kind.OURS_ONLY,
                                            partner=rows[0].response.partner),
                 "answered in a later response", by, now)


def _role(by) -> str:
    return getattr(by, "role", "") if getattr(by, "is_authenticated", False) else ""


def _resolve_all(items: QuerySet[Discrepancy], note: str, by, now: datetime) -> None:
    """Resolve the unresolved ones among `items`, each with `note` in its thread (internal)."""
    ids = list(items.exclude(state=Discrepancy.State.RESOLVED).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        Discrepancy.objects.filter(pk__in=chunk).update(state=Discrepancy.State.RESOLVED, updated_at=now)
    author = by if _role(by) else None
    DiscrepancyEntry.objects.bulk_create([
        DiscrepancyEntry(discrepancy_id=pk, at=now, author=author, role=_role(by), text=note) for pk in ids
    ], batch_size=2000)


def _open_discrepancies(response: Response, rows: list[ResponseRow], scope: QuerySet[Case], by,
                        now: datetime) -> None:
    partner = response.partner
    named = {r.case_id for r in rows if r.case_id}
    asked = set(scope.values_list("pk", flat=True))
    waiting = set(Discrepancy.objects.filter(partner=partner, kind=Discrepancy.Kind.OURS_ONLY)
                  .exclude(state=Discrepancy.State.RESOLVED).values_list("case_id", flat=True))
    answered = set(ResponseRow.objects.filter(response__partner=partner, decision=ResponseRow.Decision.ACCEPTED)
                   .values_list("case_id", flat=True))
    missing = sorted(asked - named - waiting - answered)
    ours_only = [case for start in range(0, len(missing), CHUNK)
                 for case in Case.objects.filter(pk__in=missing[start:start + CHUNK]).only("pk", "reference")]
    items = [Discrepancy(partner=partner, response=response, case=case, kind=Discrepancy.Kind.OURS_ONLY, owner=by,
                         opened_at=now, updated_at=now, summary=f"{case.reference}: asked, not in {response.file_name}")
             for case in ours_only]
    items += [Discrepancy(partner=partner, response=response, row=row, kind=Discrepancy.Kind.HOST_ONLY, owner=by,
                          opened_at=now, updated_at=now,
                          summary=f"row {row.number}: {row.full_name} ({row.status_word}); a new case is proposed")
              for row in rows if row.link == ResponseRow.Link.HOST_ONLY]
    Discrepancy.objects.bulk_create(items, batch_size=2000)


# ---------------------------------------------------------------- review decisions


@transaction.atomic
def decide(row: ResponseRow, decision: str, *, by=None, reason: str = "") -> ResponseRow:
    """Accept (write their assertion), reject (with a reason: the row is host-only) or ask for more."""
    # Only the row is locked: PostgreSQL cannot lock the nullable side (case) of the outer join.
    row = ResponseRow.objects.select_for_update(of=("self",)).select_related("response__partner", "case").get(pk=row.pk)
    if row.decision == ResponseRow.Decision.ACCEPTED or row.decision == ResponseRow.Decision.REJECTED:
        raise ExchangeError(f"row {row.number} is already {row.get_decision_display()}")
    if row.case is None:
        raise ExchangeError(f"row {row.number} has no proposed case to decide on")
    now = timezone.now()
    before = {"decision": row.decision}
    if decision == ResponseRow.Decision.ACCEPTED:
        row.outcome = outcome(row.case.status, row.event)
        row.our_status_before = row.case.status
        row.save(update_fields=["outcome", "our_status_before"])
        _apply([row], by, now)
        _settle(row, now, "linked and accepted", by)
    elif decision == ResponseRow.Decision.REJECTED:
        if not reason.strip():
            raise ExchangeError(_("a rejection needs a reason"))
        row.decision, row.reason, row.decided_at, row.decided_by = decision, reason.strip(), now, by
        row.save(update_fields=["decision", "reason", "decided_at", "decided_by"])
        _settle(row, now, "link rejected", by)
        Discrepancy.objects.create(partner=row.response.partner, response=row.response, row=row, kind=Discrepancy.Kind.HOST_ONLY,
                                   owner=by, opened_at=now, updated_at=now,
                                   summary=f"row {row.number}: {row.full_name} ({row.status_word}); link to "
                                           f"{row.case.reference} rejected; a new case is proposed")
    elif decision == ResponseRow.Decision.NEED_INFO:
        row.decision, row.reason, row.decided_at, row.decided_by = decision, reason.strip(), now, by
        row.save(update_fields=["decision", "reason", "decided_at", "decided_by"])
        item = Discrepancy.objects.create(partner=row.response.partner, response=row.response, row=row,
                                          case=row.case, kind=Discrepancy.Kind.NEED_INFO, owner=by, opened_at=now,
                                          updated_at=now,
                                          summary=f"row {row.number}: {row.full_name} may be {row.case.reference}")
        if reason.strip():
            _add_entry(item, reason.strip(), by=by, at=now)
    else:
        raise ExchangeError(f"unknown decision {decision!r}")
    audit.record_change(by, row, before=before, after={"decision": row.decision, "case": row.case.reference,
                                                       "reason": row.reason})
    return row


def _settle(row: ResponseRow, now: datetime, note: str, by=None) -> None:
    _resolve_all(Discrepancy.objects.filter(row=row, kind=Discrepancy.Kind.NEED_INFO), note, by, now)


@transaction.atomic
def accept_auto(*, responses: QuerySet[Response] | None = None, by=None) -> int:
    """Accept every pending auto-proposed link of the open responses, in one go."""
    responses = responses if responses is not None else Response.objects.filter(is_open=True)
    rows = list(ResponseRow.objects.select_for_update(of=("self",)).filter(
        response__in=responses, link=ResponseRow.Link.AUTO, decision=ResponseRow.Decision.PENDING)
        .select_related("response__partner", "case").order_by("response_id", "number"))
    now = timezone.now()
    for row in rows:
        row.our_status_before, row.outcome = row.case.status, outcome(row.case.status, row.event)
    ResponseRow.objects.bulk_update(rows, ["our_status_before", "outcome"], batch_size=2000)
    for response_id in sorted({r.response_id for r in rows}):
        _apply([r for r in rows if r.response_id == response_id], by, now)
    if rows:
        audit.record(by, audit.Action.CHANGE, target_type="exchange.responserow", label="accept auto links",
                     detail=f"{len(rows)} rows accepted")
    return len(rows)


def _add_entry(item: Discrepancy, text: str, *, by, at: datetime, for_partner: bool = False,
               partner: Partner | None = None) -> DiscrepancyEntry:
    return DiscrepancyEntry.objects.create(discrepancy=item, at=at, author=by if _role(by) else None, role=_role(by),
                                           partner=partner, text=text, for_partner=for_partner)


def _change(item: Discrepancy, *, state: str, by, text: str = "", for_partner: bool = False,
            partner: Partner | None = None, owner=None) -> Discrepancy:
    """A new state (and owner), with a note added to the thread if there is one; audited."""
    before = {"state": item.state, "owner": item.owner_id}
    now = timezone.now()
    item.state, item.updated_at = state, now
    if owner is not None:
        item.owner = owner
    item.save(update_fields=["state", "updated_at", "owner"])
    after = {"state": item.state, "owner": item.owner_id}
    if text:
        entry = _add_entry(item, text, by=by, at=now, for_partner=for_partner, partner=partner)
        after |= {"note": text, "entry": entry.pk, "for_partner": for_partner}
    audit.record_change(by, item, before=before, after=after)
    return item


@transaction.atomic
def update_discrepancy(item: Discrepancy, *, state: str, note: str = "", owner=None, by=None,
                       to_partner: bool = False) -> Discrepancy:
    """An officer's change: a state, an owner, a note added to the thread (internal to us unless
    `to_partner`: then a reply the partner's liaison reads)."""
    if state not in Discrepancy.State.values:
        raise ExchangeError(f"unknown state {state!r}")
    note = note.strip()
    if state == Discrepancy.State.RESOLVED and not note:
        raise ExchangeError(_("resolving a discrepancy needs a note saying how"))
    if to_partner:
        if not note:
            raise ExchangeError(_("a reply to the partner needs a text"))
        # The liaison sees a discrepancy about one of the cases asked of its agency, and nothing else.
        if item.case_id is None or not cases_sent_to_partner(item.partner).filter(pk=item.case_id).exists():
            raise ExchangeError(_("the partner does not see this discrepancy, so a reply would not reach it; "
                                  "keep the note internal"))
    return _change(item, state=state, by=by, text=note, for_partner=to_partner, owner=owner)


@transaction.atomic
def answer_discrepancy(item: Discrepancy, *, answer: str, by) -> Discrepancy:
    """The partner's liaison answers a discrepancy; an officer still decides whether it is resolved."""
    if not answer.strip():
        raise ExchangeError(_("an answer cannot be empty"))
    item = Discrepancy.objects.select_for_update().select_related("partner").get(pk=item.pk)
    if by.partner_id != item.partner_id:
        raise ExchangeError(_("only the partner asked can answer"))
    if item.state == Discrepancy.State.RESOLVED:
        raise ExchangeError(_("this question is already settled; it takes no more answers"))
    return _change(item, state=Discrepancy.State.ANSWERED, by=by, text=answer.strip(), for_partner=True,
                   partner=item.partner)


def sent_to_partner(partner: Partner, cases: QuerySet[Case]) -> list[dict]:
    """What the liaison may see of each case: the row of the latest request list it was in, as it was
    sent (a name or passport added to our record since is not the partner's to see)."""
    latest = {}
    for export in RequestExport.objects.filter(partner=partner).order_by("created_at", "id").prefetch_related("cases"):
        sent = json.loads(crypto.decrypt(export.sent_rows_ciphertext)) if export.sent_rows_ciphertext else {}
        for case in export.cases.all():
            latest[case.pk] = (export, sent.get(str(case.pk)))
    visible = cases.filter(pk__in=latest).select_related("person").prefetch_related(
        "person__names", "person__identifiers").order_by("reference")
    # lists sent before the rows were kept are rebuilt from the record as it is now
    return [{"case": case, "values": latest[case.pk][1] or request_rows([case], latest[case.pk][0].ask)[0],
             "sent_at": latest[case.pk][0].created_at} for case in visible]


@transaction.atomic
def recheck_request(*, partner: Partner, cases: QuerySet[Case], fmt: str = "xlsx", encoding: str = "utf-8",
                    by=None) -> ExportedFile:
    """A request list ("please re-check these") for the cases of the open discrepancies with this partner."""
    open_items = Discrepancy.objects.filter(partner=partner, state=Discrepancy.State.OPEN, case__isnull=False,
                                            case__in=cases)
    ids = set(open_items.values_list("case_id", flat=True))
    exported = export_request(partner=partner, ask=Ask.RECHECK, cases=Case.objects.filter(pk__in=ids), fmt=fmt,
                              encoding=encoding, by=by)
    sent = set(exported.export.cases.values_list("pk", flat=True))
    now = timezone.now()
    for item in open_items.filter(case__in=sent):
        update_discrepancy(item, state=Discrepancy.State.ASKED_AGAIN,
                           note=f"re-check asked in request {exported.export.pk}", by=by)
    return exported


def likely_duplicates(row: ResponseRow, cases: QuerySet[Case], *, exclude=(),
                      threshold: float = duplicates.REVIEW) -> list[duplicates.Match]:
    """The cases among `cases` that may be the man of `row`, best first: intake's engine and its review
    threshold, as an officer's new report is checked (`intake.duplicates.find`)."""
    record = duplicates.record_of(full_name=row.full_name, date_of_birth=row.date_of_birth,
                                  passport_number=row.passport)
    allowed = cases.exclude(pk__in=list(exclude)) if exclude else cases
    return duplicates.find(record, limit=5, threshold=threshold, allowed=allowed)


def _host_only_item(item: Discrepancy) -> tuple[Discrepancy, ResponseRow]:
    item = Discrepancy.objects.select_for_update(of=("self",)).select_related("row__response__partner").get(pk=item.pk)
    row = item.row
    if item.kind != Discrepancy.Kind.HOST_ONLY or row is None or item.state == Discrepancy.State.RESOLVED:
        raise ExchangeError(_("only an unresolved host-only item can become a new case or be linked to one"))
    return item, row


@transaction.atomic
def create_case_from_row(item: Discrepancy, *, origin_country: str, office=None, by=None,
                         cases: QuerySet[Case] | None = None, distinct_from=()) -> Case:
    """Open the case a host-only row proposes: the person as the partner lists him, and its assertion.

    Refused (`LikelyDuplicate`) while a case among `cases` (default: those `by` may see; the whole
    registry without a user) may be the same man at intake's review threshold, unless the officer has
    said those cases (their pks in `distinct_from`) are other men: link the row to the case instead
    (`link_row_to_case`). A case whose link this row was rejected for is no candidate either.
    """
    item, row = _host_only_item(item)
    if cases is None:
        cases = visible_cases(by) if by is not None else Case.objects.all()
    rejected = [row.case_id] if row.decision == ResponseRow.Decision.REJECTED and row.case_id else []
    distinct = set(distinct_from)
    matches = likely_duplicates(row, cases, exclude=[*rejected, *distinct])
    if matches:
        raise LikelyDuplicate(
            _("No new case opened: %(name)s (row %(row)s) may already be in the registry as %(cases)s. Link the "
              "row to that case instead, or confirm that none of them is the same man.")
            % {"name": row.full_name, "row": row.number,
               "cases": ", ".join(f"{m.reference} ({m.probability:.0%})" for m in matches)}, matches)
    response = row.response
    occurred = PartialDate.from_iso(row.occurred_on) if row.occurred_on else PartialDate.from_date(response.imported_at.date())
    try:
        case = registry.create_case(
            person=registry.PersonInput(names=[registry.NameInput(full_name=row.full_name, source=response.partner.code)],
                                        date_of_birth=PartialDate.from_iso(row.date_of_birth) if row.date_of_birth else None,
                                        passport_number=row.passport),
            origin_country=origin_country, host_country=response.partner.country, reported_on=occurred,
            # We learned of him when the list came in: the same moment as his partner's assertion, written after.
            recorded_at=response.imported_at, recorded_by=by, office=office,
            report=registry.ReportInput(source_type="host_list", received_on=response.imported_at.date(),
                                        channel="spreadsheet", reporter_name=response.partner.code,
                                        original_text=f"{response.file_name}, row {row.number}"),
            recruitment=registry.RecruitmentInput(military_unit=row.military_unit, last_known_location=row.location),
        )
    except registry.RegistryError as exc:
        raise ExchangeError(str(exc)) from None
    row.case = case
    row.our_status_before, row.outcome = case.status, outcome(case.status, row.event)
    row.save(update_fields=["case", "our_status_before", "outcome"])
    if row.event != Event.REPORTED:
        _apply([row], by, timezone.now())
    note = f"new case {case.reference} opened"
    if others := list(cases.filter(pk__in=distinct).order_by("reference").values_list("reference", flat=True)):
        note += f"; not the same man as {', '.join(others)} (checked by the officer)"
    update_discrepancy(item, state=Discrepancy.State.RESOLVED, note=note, owner=by, by=by)
    item.case = case
    item.save(update_fields=["case"])
    return case


@transaction.atomic
def link_row_to_case(item: Discrepancy, case: Case, *, by=None) -> ResponseRow:
    """The man of a host-only row is one of our cases after all (a likely duplicate the officer
    confirmed): link the row to it and accept it as a reviewed link is accepted (`decide`), which
    writes the partner's assertion on the case; the host-only item is resolved."""
    item, row = _host_only_item(item)
    case = survivor_of(case)
    if row.decision == ResponseRow.Decision.ACCEPTED:
        raise ExchangeError(_("row %(row)s is already accepted") % {"row": row.number})
    before = {"link": row.link, "decision": row.decision, "case": row.case.reference if row.case else ""}
    match = next(iter(likely_duplicates(row, Case.objects.filter(pk=case.pk), threshold=0.0)), None)
    row.case, row.link, row.decision = case, ResponseRow.Link.REVIEW, ResponseRow.Decision.PENDING
    row.probability = match.probability if match else None
    row.explanation = {"fields": match.explanation if match else {}, "linked_from": ResponseRow.Link.HOST_ONLY}
    row.save(update_fields=["case", "link", "decision", "probability", "explanation"])
    audit.record_change(by, row, before=before, after={"link": row.link, "case": case.reference,
                                                       "probability": row.probability})
    row = decide(row, ResponseRow.Decision.ACCEPTED, by=by)
    update_discrepancy(item, state=Discrepancy.State.RESOLVED, owner=by, by=by,
                       note=f"row linked to {case.reference}: the same man")
    item.case = case
    item.save(update_fields=["case"])
    return row
