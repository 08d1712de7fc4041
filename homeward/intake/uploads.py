"""Registers uploaded in the web UI: stored, previewed row by row, then committed all at once.

The file stays in DATA_DIR/uploads between preview and commit, with one JSON line per row giving
that row's outcome; both are streamed, so a 200k-row file never sits in memory (only a small
matching record per row does, to find the rows of one file that are the same man).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward import inserts
from homeward.audit import services as audit
from homeward.registry import bulk, services as registry
from homeward.registry.agents import AgentBook, AgentInput
from homeward.registry.importing import CASES, RowReader, read_sex
from homeward.registry.models import Case, ImportBatch, Report
from tabular import CellError, PartialDate, TableError, open_table, write_xlsx

from . import duplicates
from .models import ReviewItem, Upload
from .services import IntakeError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
NEW, ATTACH, REVIEW, PRESENT, ERROR = "new", "attach", "review", "present", "error"
OUTCOMES = (NEW, ATTACH, REVIEW, PRESENT, ERROR)
# A cell a spreadsheet would run: anything after '=', and '+', '-' or '@' right before a function call
# ('@SUM(', '+HYPERLINK('), a DDE command ('-cmd|'), a cell reference ('+A1', '-$B$2', '@Sheet1!C3') or
# a sum ('-2+3'). A handle ('@raj_agent_delhi'), a note ('- нет сведений'), a phone ('+91-98140-00001',
# '+7 (495) 123-45-67') or a lone '-' is data; exports neutralise whatever starts with these signs anyway.
_FORMULA = re.compile(r"""^\s*(?:=|[+\-@](?:
    [A-Za-z_][\w.]*\s*[(|]                          # SUM( HYPERLINK( cmd|
  | (?:[A-Za-z_][\w.]*!)?\$?[A-Za-z]{1,3}\$?\d+\b    # A1 $B$2 Sheet1!C3
  | \d[\d.]*\s*[+*/^&]                              # 2+3 (not 91-98140: phones have dashes)
))""", re.VERBOSE)
_MARKUP = re.compile(r"[<>]")
NAME_FIELDS = ("full_name", "given_name", "family_name", "patronymic", "agent_name", "agency", "agent_city")


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _outcomes_path(upload: Upload) -> Path:
    return upload_dir() / f"{upload.pk}.outcomes.jsonl"


def _registry_outcomes_path(upload: Upload) -> Path:
    """The first pass of the preview: each row against the registry only."""
    return upload_dir() / f"{upload.pk}.registry.jsonl"


def _file_path(upload: Upload) -> Path:
    return upload_dir() / upload.stored_as


def already_imported(digest: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=CASES, file_sha256=digest).first()


def store(chunks, file_name: str, *, by, origin: str, host: str) -> Upload:
    """Write the uploaded bytes to DATA_DIR/uploads (refusing more than MAX_BYTES) and preview them."""
    digest = hashlib.sha256()
    size = 0
    temporary = upload_dir() / f".incoming-{timezone.now():%Y%m%d%H%M%S%f}"
    try:
        with temporary.open("wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_BYTES:
                    raise IntakeError(f"{file_name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into parts")
                digest.update(chunk)
                handle.write(chunk)
        suffix = Path(file_name).suffix.lower()
        stored_as = digest.hexdigest() + (suffix if re.fullmatch(r"\.[a-z0-9]{1,6}", suffix) else "")
        temporary.replace(upload_dir() / stored_as)
    finally:
        temporary.unlink(missing_ok=True)
    upload = Upload.objects.create(file_name=Path(file_name).name[:300], file_sha256=digest.hexdigest(),
                                   stored_as=stored_as, uploaded_by=by, uploaded_at=timezone.now(),
                                   origin_country=origin.upper(), host_country=host.upper())
    audit.record_change(by, upload, action=audit.Action.CREATE, after={"file": upload.file_name, "bytes": size,
                                                                       "sha256": upload.file_sha256})
    preview(upload, user=by)
    return upload


@dataclass
class Planned:
    number: int
    fields: dict
    reference: str
    errors: list[CellError]


def _planned_rows(upload: Upload, table) -> Iterator[Planned]:
    if "full_name" not in table.fields and not {"given_name", "family_name"} & set(table.fields):
        raise TableError(_("%(file)s has no column for full_name (or given_name and family_name); columns "
                           "found: %(headers)s") % {"file": upload.file_name, "headers": ", ".join(table.headers)})
    seen_references: dict[str, int] = {}
    count = 0
    for row in table:
        count += 1
        if count > MAX_ROWS:
            raise TableError(_("%(file)s has more than %(max)s rows; split it into parts")
                             % {"file": upload.file_name, "max": MAX_ROWS})
        errors: list[CellError] = []
        read = RowReader(table, row, errors)
        for header, value in row.raw.items():
            if _FORMULA.match(value):
                errors.append(CellError(row.number, header, None,
                                        _("looks like a spreadsheet formula; type the value itself, not a formula")))
        for name_field in NAME_FIELDS:
            if _MARKUP.search(row.values.get(name_field, "")):
                read.fail(name_field, _("contains < or >, which no name has"))
        reference = read.text("reference", max_length=32)
        if reference and reference in seen_references:
            read.fail("reference", _("%(reference)s already appears in row %(row)s")
                      % {"reference": reference, "row": seen_references[reference]})
        seen_references.setdefault(reference, row.number)
        name = registry.NameInput(
            full_name=read.text("full_name"), given_name=read.text("given_name", max_length=150),
            family_name=read.text("family_name", max_length=150), patronymic=read.text("patronymic", max_length=150),
            source=f"uploaded in {upload.file_name}")
        if not name.resolved_full_name():
            read.fail("full_name" if "full_name" in table.fields else "given_name", _("the person has no name"))
        person = registry.PersonInput(
            names=[name], sex=read_sex(read), date_of_birth=read.date_of_birth(),
            home_state=read.text("home_state", max_length=100), home_district=read.text("home_district", max_length=100),
            home_village=read.text("home_village", max_length=100),
            passport_number=read.text("passport_number", max_length=64), phone=read.text("phone", max_length=64))
        reported_on = read.partial_date("reported_on")
        if reported_on and reported_on.first_day > timezone.now().date():
            read.fail("reported_on", _("%(date)s is in the future") % {"date": reported_on.iso})
        agent = AgentInput(name=read.text("agent_name", max_length=200), phone=read.text("agent_phone", max_length=64),
                           agency=read.text("agency", max_length=200), city=read.text("agent_city", max_length=100),
                           promised=read.text("promised", max_length=300))
        fields = dict(person=person, agent=agent, origin_country=read.country("origin", upload.origin_country),
                      host_country=read.country("host", upload.host_country),
                      reported_on=reported_on or PartialDate.from_iso(upload.uploaded_at.date().isoformat()),
                      military_unit=read.text("military_unit", max_length=100), note=read.text("note", max_length=5000))
        yield Planned(row.number, fields, reference, errors)
    if count == 0:
        raise TableError(_("%(file)s has a header but no rows") % {"file": upload.file_name})


def _record(person: registry.PersonInput, number: int = 0):
    return duplicates.record_of(id=str(number),
        full_name=person.names[0].resolved_full_name(),
        date_of_birth=person.date_of_birth.iso if person.date_of_birth else "", passport_number=person.passport_number,
        phone=person.phone, home_state=person.home_state, home_district=person.home_district, sex=person.sex)


CHUNK_ROWS = 1000
# What a forked matching worker matches against: the registry index and the cases the uploader may
# see. Set in each worker by the pool's initializer, from the arguments of the preview that made the
# pool (inherited through the fork, not pickled); the parent never sets it, so no other preview, in
# another thread, can see or replace it.
_WORKER_STATE: tuple | None = None


def _match_chunk(records, index, allowed: frozenset[int]) -> list[list[duplicates.Match]]:
    if not isinstance(allowed, (set, frozenset)):
        raise TypeError("matching needs the set of cases the uploader may see")  # never None: all cases
    return [duplicates.find(record, limit=1, threshold=duplicates.REVIEW, index=index, allowed=allowed)
            for record in records]


def _start_worker(index, allowed: frozenset[int]) -> None:
    global _WORKER_STATE
    _WORKER_STATE = (index, allowed)


def _match_chunk_in_worker(records) -> list[list[duplicates.Match]]:
    if _WORKER_STATE is None:
        raise RuntimeError("a matching worker was started without its index")
    return _match_chunk(records, *_WORKER_STATE)


def _workers() -> int:
    wanted = getattr(settings, "HOMEWARD_INTAKE_WORKERS", None)
    return max(1, int(wanted) if wanted is not None else min(os.cpu_count() or 1, 4))


def _outcome(planned: Planned, matches: list[duplicates.Match] | None, existing: bool) -> dict:
    outcome = {"row": planned.number, "name": planned.fields["person"].names[0].resolved_full_name()[:300]}
    if planned.errors:
        return outcome | {"outcome": ERROR, "errors": [[e.column, e.reason] for e in planned.errors]}
    if existing:
        return outcome | {"outcome": PRESENT, "case": planned.reference}
    if planned.fields["agent"]:
        outcome["agent"] = planned.fields["agent"].text()[:300]
    if not matches:
        return outcome | {"outcome": NEW}
    match = matches[0]
    return outcome | {"outcome": ATTACH if match.probability >= duplicates.ATTACH else REVIEW,
                      "case": match.reference, "case_id": match.case_id,
                      "probability": round(match.probability, 4), "explanation": match.explanation}


def preview(upload: Upload, *, user) -> Upload:
    """Decide every row's outcome and write them down; nothing in the registry changes.

    First every row is matched against the registry: matching is most of the work, so on a machine
    with several cores forked workers match chunks of rows while this process reads the next ones.
    Then the rows are matched against each other (`duplicates.repeats_within`), and a row that is
    more probably the same man as an earlier row than any registered case goes with that row (see
    `_within_file`). Outcomes are written in file order.
    """
    from homeward.access import visible_cases

    upload.problem = ""
    # This preview's own: passed down explicitly, so that a concurrent preview cannot change them.
    allowed = frozenset(visible_cases(user).values_list("pk", flat=True))
    index = duplicates.REGISTRY.current()
    workers = _workers()
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker, initargs=(index, allowed)) \
        if workers > 1 else None
    rows = 0
    in_flight: deque = deque()
    file_records = []  # the rows a commit would write, as matching records, in file order

    def write_ready(out, wait_for: int) -> None:
        while len(in_flight) > wait_for:
            chunk, existing, result = in_flight.popleft()
            found = iter(result.get() if pool else result)
            for planned, is_existing in zip(chunk, existing):
                needs_match = not planned.errors and not is_existing
                outcome = _outcome(planned, next(found) if needs_match else None, is_existing)
                out.write(json.dumps(outcome, ensure_ascii=False) + "\n")

    def submit(chunk: list[Planned]) -> None:
        references = {p.reference for p in chunk if p.reference and not p.errors}
        taken = set(Case.objects.filter(reference__in=references).values_list("reference", flat=True)) \
            if references else set()
        existing = [p.reference in taken for p in chunk]
        records = [_record(p.fields["person"], p.number) for p, is_existing in zip(chunk, existing)
                   if not p.errors and not is_existing]
        file_records.extend(records)
        result = pool.apply_async(_match_chunk_in_worker, (records,)) if pool else _match_chunk(records, index, allowed)
        in_flight.append((chunk, existing, result))

    try:
        with open_table(_file_path(upload)) as table, \
                _registry_outcomes_path(upload).open("w", encoding="utf-8") as out:
            chunk: list[Planned] = []
            for planned in _planned_rows(upload, table):
                rows += 1
                chunk.append(planned)
                if len(chunk) >= CHUNK_ROWS:
                    submit(chunk)
                    chunk = []
                    write_ready(out, wait_for=2 * workers)
            if chunk:
                submit(chunk)
            write_ready(out, wait_for=0)
    except TableError as exc:
        upload.problem = str(exc)
    except (OSError, UnicodeError, ValueError) as exc:
        upload.problem = _("%(file)s cannot be read: %(error)s") % {"file": upload.file_name, "error": exc}
    finally:
        if pool:
            pool.terminate()
    counts = dict.fromkeys(OUTCOMES, 0)
    if not upload.problem:
        repeats = duplicates.repeats_within(file_records, workers=workers)
        del file_records[:]
        with _outcomes_path(upload).open("w", encoding="utf-8") as out:
            for outcome in _within_file(_lines(_registry_outcomes_path(upload)), repeats):
                counts[outcome["outcome"]] += 1
                out.write(json.dumps(outcome, ensure_ascii=False) + "\n")
    _registry_outcomes_path(upload).unlink(missing_ok=True)
    upload.rows, upload.counts = rows, counts
    upload.save(update_fields=["rows", "counts", "problem"])
    return upload


def _within_file(lines: Iterator[dict], repeats: dict[str, list[duplicates.Earlier]]) -> Iterator[dict]:
    """The registry outcomes, with rows that repeat an earlier row of the file sent where that row goes.

    Earlier rows that go to the same case add up, as the names of one registered case do. A row goes
    with its earlier rows when that is more probable than its best registered case: at ATTACH
    probability it becomes a report on their case (the registered case they attach to, or the case
    the first of them opens); between REVIEW and ATTACH it opens its own case, queued for review as a
    possible duplicate of that one. 'same_as_row' names the most probable earlier row; 'opened_by_row'
    the row whose new case is meant, when no case exists yet.
    """
    goes_to: dict[int, tuple[int | None, str, int | None]] = {}  # row -> (case id, reference, opened by row)
    for outcome in lines:
        number, kind = outcome["row"], outcome["outcome"]
        if kind not in (NEW, ATTACH, REVIEW):
            yield outcome
            continue
        by_target: dict[tuple, float] = defaultdict(float)
        best: dict[tuple, duplicates.Earlier] = {}
        for earlier in repeats.get(str(number), ()):
            target = goes_to[int(earlier.id)]
            by_target[target] += earlier.probability
            best.setdefault(target, earlier)  # they come best first
        if by_target:
            target, probability = max(by_target.items(), key=lambda t: (t[1], -int(best[t[0]].id)))
            probability = min(probability, 1.0)
            if probability >= duplicates.REVIEW and probability > outcome.get("probability", 0.0):
                case_id, reference, opened_by = target
                outcome = {key: outcome[key] for key in ("row", "name", "agent") if key in outcome} | {
                    "outcome": ATTACH if probability >= duplicates.ATTACH else REVIEW,
                    "probability": round(probability, 4), "explanation": best[target].explanation,
                    "same_as_row": int(best[target].id)}
                outcome |= {"case": reference, "case_id": case_id} if case_id else {"opened_by_row": opened_by}
        if outcome["outcome"] == ATTACH:
            goes_to[number] = (outcome.get("case_id"), outcome.get("case", ""), outcome.get("opened_by_row"))
        else:
            goes_to[number] = (None, "", number)
        yield outcome


def outcomes(upload: Upload, *, start: int = 0, stop: int | None = None, only: str = "") -> list[dict]:
    """Rows start..stop of the preview (of those with outcome `only`, if given), read from disk."""
    if upload.problem or not _outcomes_path(upload).exists():
        return []
    lines = (o for o in _outcome_lines(upload) if not only or o["outcome"] == only)
    return list(itertools.islice(lines, start, stop))


def _outcome_lines(upload: Upload) -> Iterator[dict]:
    return _lines(_outcomes_path(upload))


def _lines(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def commit(upload: Upload, *, by, leave_out_rejected: bool = False) -> ImportBatch:
    """Write the previewed rows, all or none. A file already imported (same bytes) changes nothing."""
    if upload.problem:
        raise IntakeError(upload.problem)
    if batch := already_imported(upload.file_sha256):
        raise IntakeError(f"{upload.file_name} was already imported on {batch.imported_at:%Y-%m-%d %H:%M} UTC; "
                          "nothing was changed")
    if upload.counts.get(ERROR) and not leave_out_rejected:
        raise IntakeError(f"{upload.counts[ERROR]} row(s) have errors: fix them, or choose to leave them out")
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(kind=CASES, file_name=upload.file_name, file_sha256=upload.file_sha256,
                                               rows=upload.rows, imported_at=timezone.now(), imported_by=by)
            created = attached = 0
            pending: list[tuple[Planned, dict]] = []
            attaching: list[tuple[Planned, dict]] = []
            writing = _Writing(upload, batch, by)
            with open_table(_file_path(upload)) as table:
                for planned, outcome in zip(_planned_rows(upload, table), _outcome_lines(upload)):
                    if planned.number != outcome["row"]:
                        raise IntakeError("the stored file no longer matches its preview; upload it again")
                    kind = outcome["outcome"]
                    if kind == ATTACH:
                        attaching.append((planned, outcome))
                    elif kind in (NEW, REVIEW):
                        pending.append((planned, outcome))
                    if len(pending) + len(attaching) >= bulk.CHUNK:
                        # New cases first: a row may attach to the case an earlier row of its chunk opens.
                        created += writing.create_cases(pending)
                        attached += writing.attach(attaching)
                        pending, attaching = [], []
            created += writing.create_cases(pending)
            attached += writing.attach(attaching)
            ImportBatch.objects.filter(pk=batch.pk).update(created=created)
            batch.created = created
            upload.batch = batch
            upload.save(update_fields=["batch"])
            audit.record(by, audit.Action.IMPORT, batch, label=upload.file_name,
                         detail=f"{created} cases created, {attached} reports attached to cases, "
                                f"{upload.counts.get(ERROR, 0)} rows left out")
    except IntegrityError as exc:
        # Another commit of the same file, or a reference taken meanwhile: nothing was written.
        raise IntakeError(f"{upload.file_name} could not be committed ({exc}); nothing was written. Try again.") from None
    return batch


def _report(planned: Planned, upload: Upload) -> registry.ReportInput:
    fields = planned.fields
    return registry.ReportInput(
        source_type=Report.SourceType.REGISTER, received_on=fields["reported_on"].first_day,
        channel=Report.Channel.SPREADSHEET,
        original_text="\n".join(p for p in (f"row {planned.number} of {upload.file_name}", fields["note"]) if p))


class _Writing:
    """What a commit carries from chunk to chunk: the cases it opened (by row) and the agents it knows."""

    def __init__(self, upload: Upload, batch: ImportBatch, by):
        self.upload, self.batch, self.by = upload, batch, by
        self.opened: dict[int, int] = {}  # row number -> id of the case it opened
        self.agents = AgentBook()

    def _case_id(self, outcome: dict) -> int:
        return outcome["case_id"] if outcome.get("case_id") else self.opened[outcome["opened_by_row"]]

    def attach(self, attaching: list[tuple[Planned, dict]]) -> int:
        if not attaching:
            return 0
        cases = Case.objects.in_bulk([self._case_id(outcome) for _planned, outcome in attaching])
        bulk.add_reports([bulk.NewReport(case=cases[self._case_id(outcome)], report=_report(planned, self.upload),
                                         names=planned.fields["person"].names, agent=planned.fields["agent"])
                          for planned, outcome in attaching], recorded_by=self.by, import_batch=self.batch,
                         agent_book=self.agents)
        return len(attaching)

    def create_cases(self, pending: list[tuple[Planned, dict]]) -> int:
        if not pending:
            return 0
        cases = bulk.create_cases([bulk.NewCase(
            person=planned.fields["person"], origin_country=planned.fields["origin_country"],
            host_country=planned.fields["host_country"], reported_on=planned.fields["reported_on"],
            reference=planned.reference, office=getattr(self.by, "office", None),
            report=_report(planned, self.upload), military_unit=planned.fields["military_unit"],
            agent=planned.fields["agent"]) for planned, _outcome in pending],
            recorded_by=self.by, import_batch=self.batch, agent_book=self.agents)
        for case, (planned, _outcome) in zip(cases, pending):
            self.opened[planned.number] = case.pk
        now = timezone.now()
        reviews = [ReviewItem(case=case, candidate_id=self._case_id(outcome), probability=outcome["probability"],
                              explanation=outcome.get("explanation", {}), origin=f"upload {self.upload.file_name}",
                              created_at=now)
                   for case, (_planned, outcome) in zip(cases, pending) if outcome["outcome"] == REVIEW]
        if not reviews:
            return len(cases)
        # The candidates' references in one query: the entries' labels (str(item)) would fetch each
        # candidate case, a query per review (20k of them in a 100k-row register of many repeats).
        candidates = dict(Case.objects.filter(pk__in={item.candidate_id for item in reviews})
                          .values_list("pk", "reference"))
        inserts.insert_instances(reviews)
        audit.record_rows(self.by, ((item._meta.label_lower, item.pk,
                                     f"{item.case.reference} ~ {candidates[item.candidate_id]}", {
            "case": item.case.reference, "candidate": item.candidate_id, "probability": round(item.probability, 4)})
            for item in reviews), action=audit.Action.CREATE)
        return len(cases)


def purge(*, older_than: timedelta) -> int:
    """Remove the uploads made before `older_than` ago, committed or abandoned: each one's row, its
    outcomes and (once no other upload is the same file) the stored file. The registry keeps what
    was committed (the import batch, its reports and the audit trail); returns how many went."""
    stale = list(Upload.objects.filter(uploaded_at__lt=timezone.now() - older_than).order_by("pk"))
    if not stale:
        return 0
    with transaction.atomic():
        audit.record_rows(None, (("intake.upload", upload.pk, upload.file_name, {
            "purged": True, "sha256": upload.file_sha256, "uploaded_at": upload.uploaded_at.isoformat(),
            "committed": upload.batch_id is not None}) for upload in stale), action=audit.Action.CHANGE,
            detail="upload removed by homeward purge_intake")
        Upload.objects.filter(pk__in=[upload.pk for upload in stale]).delete()
        kept = set(Upload.objects.filter(stored_as__in={u.stored_as for u in stale}).values_list("stored_as", flat=True))
        paths = [path for upload in stale for path in (_outcomes_path(upload), _registry_outcomes_path(upload))]
        paths += [upload_dir() / name for name in {u.stored_as for u in stale} - kept]
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in paths])
    return len(stale)


def write_rejected(upload: Upload, target) -> int:
    """The rows with errors, as the file had them, plus an error column: fix and upload again."""
    rejected = {o["row"]: o["errors"] for o in _outcome_lines(upload) if o["outcome"] == ERROR}
    with open_table(_file_path(upload)) as table:
        headers = list(table.headers)
        extra: list[str] = []
        rows = []
        for row in table:
            if row.number in rejected:
                rows.append(row)
                extra += [h for h in row.raw if h not in headers and h not in extra]
    columns = headers + extra + ["error"]
    return write_xlsx(target, columns, (
        [row.raw.get(h, "") for h in headers + extra]
        + ["; ".join(f"row {row.number}, {column}: {reason}" for column, reason in rejected[row.number])]
        for row in rows))
