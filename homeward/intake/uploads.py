"""Registers uploaded in the web UI: stored, previewed row by row, then committed all at once.

The file stays in DATA_DIR/uploads between preview and commit, with one JSON line per row giving
that row's outcome; both are streamed, so a 200k-row file never sits in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.audit import services as audit
from homeward.registry import bulk, services as registry
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
# A cell a spreadsheet would run: '=cmd|...', '@SUM(...)', '+cmd', '-2+3' (but not '+91 98…' or a lone '-').
_FORMULA = re.compile(r"^\s*(=|@|[+\-]\s*[^\d\s])")
_MARKUP = re.compile(r"[<>]")
NAME_FIELDS = ("full_name", "given_name", "family_name", "patronymic")


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _outcomes_path(upload: Upload) -> Path:
    return upload_dir() / f"{upload.pk}.outcomes.jsonl"


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
    missing = []
    if "full_name" not in table.fields and not {"given_name", "family_name"} & set(table.fields):
        missing.append("full_name (or given_name and family_name)")
    if missing:
        raise TableError(f"{upload.file_name} has no column for {', '.join(missing)}; columns found: "
                         f"{', '.join(table.headers)}")
    seen_references: dict[str, int] = {}
    count = 0
    for row in table:
        count += 1
        if count > MAX_ROWS:
            raise TableError(f"{upload.file_name} has more than {MAX_ROWS} rows; split it into parts")
        errors: list[CellError] = []
        read = RowReader(table, row, errors)
        for header, value in row.raw.items():
            if _FORMULA.match(value):
                errors.append(CellError(row.number, header, None, "looks like a spreadsheet formula; "
                                        "type the value itself, not a formula"))
        for name_field in NAME_FIELDS:
            if _MARKUP.search(row.values.get(name_field, "")):
                read.fail(name_field, "contains < or >, which no name has")
        reference = read.text("reference", max_length=32)
        if reference and reference in seen_references:
            read.fail("reference", f"{reference} already appears in row {seen_references[reference]}")
        seen_references.setdefault(reference, row.number)
        name = registry.NameInput(
            full_name=read.text("full_name"), given_name=read.text("given_name", max_length=150),
            family_name=read.text("family_name", max_length=150), patronymic=read.text("patronymic", max_length=150),
            source=f"uploaded in {upload.file_name}")
        if not name.resolved_full_name():
            read.fail("full_name" if "full_name" in table.fields else "given_name", "the person has no name")
        person = registry.PersonInput(
            names=[name], sex=read_sex(read), date_of_birth=read.partial_date("date_of_birth"),
            home_state=read.text("home_state", max_length=100), home_district=read.text("home_district", max_length=100),
            home_village=read.text("home_village", max_length=100),
            passport_number=read.text("passport_number", max_length=64), phone=read.text("phone", max_length=64))
        reported_on = read.partial_date("reported_on")
        if reported_on and reported_on.first_day > timezone.now().date():
            read.fail("reported_on", f"{reported_on.iso} is in the future")
        fields = dict(person=person, origin_country=read.country("origin", upload.origin_country),
                      host_country=read.country("host", upload.host_country),
                      reported_on=reported_on or PartialDate.from_iso(upload.uploaded_at.date().isoformat()),
                      military_unit=read.text("military_unit", max_length=100), note=read.text("note", max_length=5000))
        yield Planned(row.number, fields, reference, errors)
    if count == 0:
        raise TableError(f"{upload.file_name} has a header but no rows")


def _record(person: registry.PersonInput):
    return duplicates.record_of(
        full_name=person.names[0].resolved_full_name(),
        date_of_birth=person.date_of_birth.iso if person.date_of_birth else "", passport_number=person.passport_number,
        phone=person.phone, home_state=person.home_state, home_district=person.home_district, sex=person.sex)


# Set in the parent just before the matching workers fork, so that they inherit the index for free.
_WORKER_INDEX = None
_WORKER_ALLOWED: set[int] | None = None
CHUNK_ROWS = 1000


def _match_chunk(records) -> list[list[duplicates.Match]]:
    return [duplicates.find(record, limit=1, threshold=duplicates.REVIEW, index=_WORKER_INDEX,
                            allowed=_WORKER_ALLOWED) for record in records]


def _workers() -> int:
    wanted = getattr(settings, "HOMEWARD_INTAKE_WORKERS", None)
    return max(1, int(wanted) if wanted is not None else min(os.cpu_count() or 1, 4))


def _outcome(planned: Planned, matches: list[duplicates.Match] | None, existing: bool) -> dict:
    outcome = {"row": planned.number, "name": planned.fields["person"].names[0].resolved_full_name()[:300]}
    if planned.errors:
        return outcome | {"outcome": ERROR, "errors": [[e.column, e.reason] for e in planned.errors]}
    if existing:
        return outcome | {"outcome": PRESENT, "case": planned.reference}
    if not matches:
        return outcome | {"outcome": NEW}
    match = matches[0]
    return outcome | {"outcome": ATTACH if match.probability >= duplicates.ATTACH else REVIEW,
                      "case": match.reference, "case_id": match.case_id,
                      "probability": round(match.probability, 4), "explanation": match.explanation}


def preview(upload: Upload, *, user) -> Upload:
    """Decide every row's outcome and write them down; nothing in the registry changes.

    Matching is most of the work; on a machine with several cores forked workers match chunks of
    rows while this process reads the next ones, and outcomes are written in file order.
    """
    global _WORKER_INDEX, _WORKER_ALLOWED
    from homeward.access import visible_cases

    counts = dict.fromkeys(OUTCOMES, 0)
    upload.problem = ""
    _WORKER_ALLOWED = set(visible_cases(user).values_list("pk", flat=True))
    _WORKER_INDEX = duplicates.REGISTRY.current()
    workers = _workers()
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
    rows = 0
    in_flight: deque = deque()

    def write_ready(out, wait_for: int) -> None:
        while len(in_flight) > wait_for:
            chunk, existing, result = in_flight.popleft()
            found = iter(result.get() if pool else result)
            for planned, is_existing in zip(chunk, existing):
                needs_match = not planned.errors and not is_existing
                outcome = _outcome(planned, next(found) if needs_match else None, is_existing)
                counts[outcome["outcome"]] += 1
                out.write(json.dumps(outcome, ensure_ascii=False) + "\n")

    def submit(chunk: list[Planned]) -> None:
        references = {p.reference for p in chunk if p.reference and not p.errors}
        taken = set(Case.objects.filter(reference__in=references).values_list("reference", flat=True)) \
            if references else set()
        existing = [p.reference in taken for p in chunk]
        records = [_record(p.fields["person"]) for p, is_existing in zip(chunk, existing)
                   if not p.errors and not is_existing]
        result = pool.apply_async(_match_chunk, (records,)) if pool else _match_chunk(records)
        in_flight.append((chunk, existing, result))

    try:
        with open_table(_file_path(upload)) as table, _outcomes_path(upload).open("w", encoding="utf-8") as out:
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
        upload.problem = f"{upload.file_name} cannot be read: {exc}"
    finally:
        if pool:
            pool.terminate()
        _WORKER_INDEX = _WORKER_ALLOWED = None
    upload.rows, upload.counts = rows, counts
    upload.save(update_fields=["rows", "counts", "problem"])
    return upload


def outcomes(upload: Upload, *, start: int = 0, stop: int | None = None, only: str = "") -> list[dict]:
    """Rows start..stop of the preview (of those with outcome `only`, if given), read from disk."""
    if upload.problem or not _outcomes_path(upload).exists():
        return []
    lines = (o for o in _outcome_lines(upload) if not only or o["outcome"] == only)
    return list(itertools.islice(lines, start, stop))


def _outcome_lines(upload: Upload) -> Iterator[dict]:
    with _outcomes_path(upload).open(encoding="utf-8") as handle:
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
                        created += _create_cases(pending, upload, batch, by)
                        attached += _attach(attaching, upload, batch, by)
                        pending, attaching = [], []
            created += _create_cases(pending, upload, batch, by)
            attached += _attach(attaching, upload, batch, by)
            ImportBatch.objects.filter(pk=batch.pk).update(created=created)
            batch.created = created
            upload.batch = batch
            upload.save(update_fields=["batch"])
            audit.record(by, audit.Action.IMPORT, batch, label=upload.file_name,
                         detail=f"{created} cases created, {attached} reports attached to existing cases, "
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


def _attach(attaching: list[tuple[Planned, dict]], upload: Upload, batch: ImportBatch, by) -> int:
    if not attaching:
        return 0
    cases = Case.objects.in_bulk([outcome["case_id"] for _planned, outcome in attaching])
    bulk.add_reports([(cases[outcome["case_id"]], _report(planned, upload), planned.fields["person"].names)
                      for planned, outcome in attaching], recorded_by=by, import_batch=batch)
    return len(attaching)


def _create_cases(pending: list[tuple[Planned, dict]], upload: Upload, batch: ImportBatch, by) -> int:
    if not pending:
        return 0
    cases = bulk.create_cases([bulk.NewCase(
        person=planned.fields["person"], origin_country=planned.fields["origin_country"],
        host_country=planned.fields["host_country"], reported_on=planned.fields["reported_on"],
        reference=planned.reference, office=getattr(by, "office", None), report=_report(planned, upload),
        military_unit=planned.fields["military_unit"]) for planned, _outcome in pending],
        recorded_by=by, import_batch=batch)
    reviews = [ReviewItem(case=case, candidate_id=outcome["case_id"], probability=outcome["probability"],
                          explanation=outcome.get("explanation", {}), origin=f"upload {upload.file_name}",
                          created_at=timezone.now())
               for case, (_planned, outcome) in zip(cases, pending) if outcome["outcome"] == REVIEW]
    ReviewItem.objects.bulk_create(reviews)
    audit.record_many(by, reviews, action=audit.Action.CREATE, changes_of=lambda item: {
        "case": item.case.reference, "candidate": item.candidate_id, "probability": round(item.probability, 4)})
    return len(cases)


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
