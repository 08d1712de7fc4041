"""How fast the bitemporal figures and the events import are on a registry of realistic size.

    .venv/bin/python bench/figures.py                       # SQLite and PostgreSQL, 100k cases / 1M events
    .venv/bin/python bench/figures.py --cases 5000 --events-per-case 10 --import-rows 5000   # a quick run
    .venv/bin/python bench/figures.py --backend sqlite       # one backend only (what the driver runs)
    .venv/bin/python bench/figures.py --markdown bench/FIGURES.md

PostgreSQL is the one in DATABASE_URL when that names one, else a throwaway started with
scripts/postgres. Each backend runs in its own process so that Django's settings are read afresh.
The goals (issue 2): figures(on, known_at) under 1 s, a 100k-row events file imported in under 60 s.
A benchmark, not a test: it prints numbers and exits non-zero only if something is wrong, not slow.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIGURES_GOAL_S = 1.0
IMPORT_GOAL_S = 60.0
# The registry's history: recruitment began early in 2024; "now" is fixed so runs are comparable.
HISTORY_START = date(2024, 1, 1)
HISTORY_END = date(2025, 12, 31)
STATES = ["Punjab", "Haryana", "Uttar Pradesh", "Bihar", "Kerala", "Telangana", "Gujarat", "Jammu and Kashmir",
          "Karnataka", "Tamil Nadu", "Maharashtra", "Rajasthan"]
PROVINCES = ["Koshi", "Madhesh", "Bagmati", "Gandaki", "Lumbini", "Karnali", "Sudurpashchim"]
SOURCES = ["host ministry", "embassy", "family", "NGO", "media"]


# ---------------------------------------------------------------------------------------------
# Driver: one subprocess per backend, then the table.
# ---------------------------------------------------------------------------------------------

def drive(args) -> int:
    results = []
    sizes = ["--cases", str(args.cases), "--events-per-case", str(args.events_per_case),
             "--import-rows", str(args.import_rows), "--repeat", str(args.repeat), "--seed", str(args.seed)]
    if args.profile_import:
        sizes.append("--profile-import")
    for backend in args.backends.split(","):
        env = dict(os.environ)
        started = None
        if backend == "postgres" and not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            started = _start_postgres()
            if started is None:
                print("PostgreSQL could not be started; skipping it", file=sys.stderr)
                continue
            env["DATABASE_URL"] = started["DATABASE_URL"]
        try:
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
                out_path = out.name
            command = [sys.executable, __file__, "--backend", backend, "--json-out", out_path, *sizes]
            print(f"== {backend}: {' '.join(command[1:])}", flush=True)
            code = subprocess.call(command, env=env)
            if code != 0:
                print(f"{backend} run failed with exit code {code}", file=sys.stderr)
                return code
            results.append(json.loads(Path(out_path).read_text()))
            os.unlink(out_path)
        finally:
            if started:
                subprocess.call([str(ROOT / "scripts" / "postgres"), "stop", started["HOMEWARD_PG_DIR"]])
    table = render_table(results)
    print()
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(results, table, sys.argv[1:]))
        print(f"written to {args.markdown}")
    return 0


def _start_postgres() -> dict | None:
    try:
        out = subprocess.run([str(ROOT / "scripts" / "postgres"), "start"], check=True, capture_output=True,
                             text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(getattr(exc, "stderr", exc), file=sys.stderr)
        return None
    values = dict(part.split("=", 1) for part in out.strip().removeprefix("export ").split())
    return values


def render_table(results: list[dict]) -> str:
    header = ["measure"] + [r["backend"] for r in results]
    rows = []
    labels = [m["label"] for m in results[0]["measures"]] if results else []
    for index, label in enumerate(labels):
        row = [label]
        for r in results:
            m = r["measures"][index]
            row.append(m["display"])
        rows.append(row)
    rows.append(["data"] + [f"{r['cases']:,} cases / {r['events']:,} events" for r in results])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def render_markdown(results: list[dict], table: str, argv: list[str]) -> str:
    # The CPUs and Python are the same for every backend; the database versions differ.
    machine = "; ".join(dict.fromkeys(part for r in results for part in r["machine"].split(", ")))
    return f"""# Performance: figures and import

Measured with

    .venv/bin/python bench/figures.py {' '.join(argv)}

on {machine}. Goals (issue 2): `figures(on, known_at)` under 1 s; a 100k-row events file imported
in under 60 s. Figures times are the median of the repeated runs (first run in brackets) of the
counts, then of the per-case rows (100k-row answers, read by the command line, not by pages); every
figures run was checked against `lifecycle.status_on` on a sample of cases. The import includes
rewriting the status spans of the cases it touches; the spans of the generated registry were
rebuilt from its log in {', '.join(f"{r['backend']} {r['spans_s']:.0f} s" for r in results)}.

{table}
"""


# ---------------------------------------------------------------------------------------------
# One backend: generate, measure, report.
# ---------------------------------------------------------------------------------------------

def run_backend(args) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    if args.backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    elif not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("--backend postgres needs DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    os.environ.setdefault("HOMEWARD_DATA_DIR", str(workdir))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        _empty_postgres(connection)

    rng = random.Random(args.seed)
    now = datetime.now(timezone.utc)
    measures: list[dict] = []

    started = time.perf_counter()
    counts = generate_registry(connection, rng, args.cases, args.events_per_case, now)
    load_s = time.perf_counter() - started
    print(f"generated {counts['cases']:,} cases and {counts['events']:,} events in {load_s:.1f} s "
          f"({counts['corrections']:,} corrections, {counts['retractions']:,} retractions, "
          f"{counts['merges']:,} merges)", flush=True)

    measures += measure_figures(connection, args, now)

    import_cases, path = prepare_import(connection, rng, args.import_rows, workdir, now, counts)
    measures.append(measure_import(connection, path, args, import_cases))

    result = {
        "backend": args.backend, "cases": counts["cases"], "events": counts["events"], "load_s": load_s,
        "spans_s": counts["spans_s"],
        "machine": _machine(connection), "measures": measures,
    }
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result))
    print(render_table([result]))
    if connection.vendor == "sqlite":
        connection.close()
        for child in workdir.iterdir():
            child.unlink()
        workdir.rmdir()
    return 0


def _machine(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    return f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {version}"


def _empty_postgres(connection) -> None:
    # A DATABASE_URL given by the caller may hold an earlier run; TRUNCATE is allowed by the trigger.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_caseevent, registry_report, registry_importbatch, registry_personname, "
                       "registry_personidentifier, registry_case, registry_person RESTART IDENTITY CASCADE")


# ---------------------------------------------------------------------------------------------
# Data: a realistic mixture of lifecycles, written with the database's bulk path.
# ---------------------------------------------------------------------------------------------

class Writer:
    """Rows into a table by COPY on PostgreSQL and executemany on SQLite, bypassing the ORM's per-row cost."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        from django.db import transaction

        # One transaction a chunk: SQLite in autocommit would sync to disk once a row.
        with transaction.atomic(), self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                self.connection.connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [self._sqlite(r) for r in rows])

    @staticmethod
    def _sqlite(row: tuple) -> tuple:
        # Django keeps SQLite datetimes as naive UTC text and dates as ISO text.
        return tuple(
            v.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime)
            else v.isoformat() if isinstance(v, date)
            else v
            for v in row
        )

    def finish(self, models) -> None:
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            if self.postgres:
                for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
                # What autovacuum does soon after a load; without it the planner guesses at 1M rows.
                cursor.execute("ANALYZE")


PERSON_COLUMNS = ["id", "sex", "date_of_birth", "home_country", "home_state", "home_district", "home_village",
                  "created_at"]
CASE_COLUMNS = ["id", "reference", "person_id", "origin_country", "host_country", "office_id", "left_home_on",
                "route", "promised_job", "recruiting_agent_as_told", "contract_date", "contract_number",
                "military_unit", "last_known_location", "created_at", "status"]
EVENT_COLUMNS = ["id", "case_id", "kind", "occurred_on", "occurred_from", "recorded_at", "recorded_by_id",
                 "report_id", "source", "note", "is_correction", "corrects_id", "details", "import_batch_id"]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(6, 19), rng.randint(0, 59), rng.randint(0, 59),
                    tzinfo=timezone.utc)


def _occurred(rng: random.Random, day: date, not_before: date) -> tuple[str, date]:
    """Mostly exact days; sometimes only the month or the year, as registers write them."""
    roll = rng.random()
    if roll < 0.05 and date(day.year, 1, 1) >= not_before:
        return f"{day.year}", date(day.year, 1, 1)
    if roll < 0.15 and date(day.year, day.month, 1) >= not_before:
        return f"{day.year}-{day.month:02d}", date(day.year, day.month, 1)
    return day.isoformat(), day


class Ids:
    def __init__(self, start: int = 1):
        self.next = start

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def case_history(rng: random.Random, ids: Ids, case_id: int, reported: date, target: int, now: datetime,
                 last_day: date) -> tuple[list[tuple], str, dict]:
    """One case's event rows: a walk along the lifecycle, with the odd correction, retraction and merge."""
    from homeward.registry.lifecycle import TRANSITIONS, Event

    rows: list[tuple] = []
    kinds = {"corrections": 0, "retractions": 0, "merges": 0}
    today = now.date()

    def add(kind: str, occurred_on: str, occurred_from: date, recorded_at: datetime, *, correction=False,
            corrects=None, note="") -> int:
        event_id = ids.take()
        recorded_at = min(recorded_at, now - timedelta(minutes=1))
        rows.append((event_id, case_id, kind, occurred_on, occurred_from, recorded_at, None, None,
                     rng.choice(SOURCES), note, correction, corrects, "{}", None))
        return event_id

    def recorded(day: date) -> datetime:
        # Most news reaches the registry within days; some only months later, which is what makes
        # "as known then" differ from "as corrected".
        lag = rng.randint(0, 6) if rng.random() < 0.9 else rng.randint(30, 240)
        return _at(min(day + timedelta(days=lag), today), rng)

    occurred_on, occurred_from = _occurred(rng, reported, date.min)
    add(Event.REPORTED.value, occurred_on, occurred_from, recorded(reported))
    status, day = Event.REPORTED, reported
    status_ids: list[int] = []
    for _ in range(target - 1):
        # Cases reported lately have their events crowded into the days left, rather than dropped,
        # so that the size asked for is the size measured.
        day = min(day + timedelta(days=rng.randint(1, 25)), last_day)
        nexts = sorted(TRANSITIONS[status] - {Event.MERGED})
        if not nexts or rng.random() < 0.35:
            # Requests to the host change no status; a long-open case collects many of them.
            add(Event.REQUEST_SENT.value, day.isoformat(), day, recorded(day))
            continue
        status = rng.choice(nexts)
        occurred_on, occurred_from = _occurred(rng, day, rows[-1][4])
        status_ids.append(add(status.value, occurred_on, occurred_from, recorded(day)))
    last_recorded = max(r[5] for r in rows)
    final = status.value

    if status_ids and rng.random() < 0.03:
        # The host later states the truth from an earlier date, overriding what was recorded after it.
        target_id = rng.choice(status_ids)
        target_row = next(r for r in rows if r[0] == target_id)
        kind = rng.choice([Event.KILLED, Event.MISSING, Event.DISCHARGED, Event.PRISONER])
        on = target_row[4]
        add(kind.value, on.isoformat(), on, last_recorded + timedelta(days=rng.randint(1, 120)), correction=True,
            corrects=target_id if rng.random() < 0.5 else None, note="host ministry letter")
        kinds["corrections"] += 1
    if status_ids and rng.random() < 0.02:
        target_id = rng.choice(status_ids)
        when = max(r[5] for r in rows) + timedelta(days=rng.randint(1, 60))
        add(Event.RETRACTION.value, when.date().isoformat(), when.date(), when, corrects=target_id,
            note="entered against the wrong case")
        kinds["retractions"] += 1
    if rng.random() < 0.005:
        when = max(r[5] for r in rows) + timedelta(days=rng.randint(1, 60))
        merged = add(Event.MERGED.value, when.date().isoformat(), when.date(), when, note="duplicate")
        kinds["merges"] += 1
        if rng.random() < 0.2:
            later = when + timedelta(days=rng.randint(1, 30))
            add(Event.UNMERGED.value, later.date().isoformat(), later.date(), later, corrects=merged,
                note="not the same man")
    return rows, final, kinds


def generate_registry(connection, rng: random.Random, n_cases: int, events_per_case: int, now: datetime) -> dict:
    from homeward.registry.models import Case, CaseEvent, Person

    writer = Writer(connection)
    event_ids = Ids()
    counts = {"cases": 0, "events": 0, "corrections": 0, "retractions": 0, "merges": 0}
    chunk = 10_000
    last_day = min(HISTORY_END, now.date())
    for first in range(1, n_cases + 1, chunk):
        persons, cases, events = [], [], []
        for case_id in range(first, min(first + chunk, n_cases + 1)):
            origin = "IN" if rng.random() < 0.8 else "NP"
            reported = _day(rng, HISTORY_START, last_day - timedelta(days=30))
            persons.append((case_id, "M", f"{rng.randint(1980, 2005)}", origin,
                            rng.choice(STATES if origin == "IN" else PROVINCES), "", "", now))
            # Lengths spread evenly around the mean: some cases one report, some long-running.
            target = rng.randint(1, 2 * events_per_case - 1)
            rows, status, kinds = case_history(rng, event_ids, case_id, reported, target, now, last_day)
            events += rows
            for key, value in kinds.items():
                counts[key] += value
            cases.append((case_id, f"{origin}-{reported.year}-B{case_id:07d}", case_id, origin, "RU", None,
                          "", "", "", "", "", "", "", "", now, status))
        writer.write("registry_person", PERSON_COLUMNS, persons)
        writer.write("registry_case", CASE_COLUMNS, cases)
        writer.write("registry_caseevent", EVENT_COLUMNS, events)
        counts["cases"] += len(cases)
        counts["events"] += len(events)
    # The rows went in past the services, as a migration of legacy data would: the derived caches
    # (the status spans the figures count) are rebuilt from the log, as `homeward refresh_statuses` does.
    from homeward.registry.spans import rebuild_all

    started = time.perf_counter()
    counts["spans"] = rebuild_all()
    counts["spans_s"] = time.perf_counter() - started
    print(f"status spans rebuilt from the log: {counts['spans']:,} in {counts['spans_s']:.1f} s", flush=True)
    writer.finish([Person, Case, CaseEvent])
    return counts


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------

def _end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc)


def measure_figures(connection, args, now: datetime) -> list[dict]:
    from homeward.registry.figures import compare, figures

    pairs = [
        (date(2024, 8, 9), _end_of(date(2024, 8, 9)), None),
        (date(2025, 1, 17), _end_of(date(2025, 1, 17)), None),
        (date(2025, 1, 17), now, None),
        (now.date(), now, None),
        (now.date(), now, "IN"),
    ]
    measures = []
    for on, known_at, origin in pairs:
        # figures() answers each question when asked: the counts (what pages show) in one query,
        # the per-case rows (what the command line and the checks read) in another.
        times, case_times = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            counts = figures(on, known_at, origin=origin).counts
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = figures(on, known_at, origin=origin)
            len(result.cases)
            case_times.append(time.perf_counter() - started)
        check_against_reference(result, on, known_at, origin)
        assert counts == result.counts
        known = "now" if known_at is now else known_at.date().isoformat()
        label = f"figures(on={on}, known_at={known}{', origin=' + origin if origin else ''})"
        measure = _timing(label, times, FIGURES_GOAL_S, f"{counts['known']:,} cases")
        measure["display"] += f"; per case {statistics.median(case_times):.3f} s"
        measures.append(measure)
        print(f"{label}: counts median {statistics.median(times):.3f} s, first {times[0]:.3f} s; per-case rows "
              f"median {statistics.median(case_times):.3f} s; {counts}", flush=True)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        comparison = compare(date(2024, 8, 9), _end_of(date(2024, 8, 9)))
        comparison.as_known_then.counts, comparison.as_corrected.counts
        times.append(time.perf_counter() - started)
    label = "compare(on=2024-08-09, known_at=2024-08-09)"
    # compare runs figures twice, so its goal is twice that of one.
    measures.append(_timing(label, times, 2 * FIGURES_GOAL_S, f"{len(comparison.changes):,} changes"))
    print(f"{label}: median {statistics.median(times):.3f} s; {len(comparison.changes):,} changes", flush=True)
    return measures


def _timing(label: str, times: list[float], goal: float, note: str) -> dict:
    median = statistics.median(times)
    verdict = "ok" if median < goal else "SLOW"
    return {"label": label, "median_s": median, "first_s": times[0], "goal_s": goal,
            "display": f"{median:.3f} s ({times[0]:.3f}) {verdict}"}


def check_against_reference(result, on: date, known_at: datetime, origin: str | None, sample: int = 400) -> None:
    """The SQL fold must agree with lifecycle.status_on; a fast wrong answer is no answer."""
    from homeward.registry.lifecycle import bucket_of
    from homeward.registry.models import Case
    from homeward.registry.services import _facts_by_case
    from homeward.registry.lifecycle import status_on

    cases = Case.objects.all()
    if origin:
        cases = cases.filter(origin_country=origin)
    ids = list(cases.order_by("?").values_list("id", flat=True)[:sample])
    facts = _facts_by_case(ids)
    for case_id in ids:
        status = status_on(facts[case_id], on, known_at)
        bucket = bucket_of(status)
        got = result.cases.get(case_id)
        expected = bucket.value if bucket else None
        if (got.bucket if got else None) != expected:
            raise SystemExit(f"figures() disagrees with status_on for case {case_id} on {on} as known at "
                             f"{known_at}: SQL says {got}, reference says {status}")


def prepare_import(connection, rng: random.Random, n_rows: int, workdir: Path, now: datetime,
                   counts: dict) -> tuple[int, Path]:
    """Cases opened (bulk, not measured) and a register of their later events as a CSV file."""
    from homeward.registry.lifecycle import Event
    from homeward.registry.models import Case, CaseEvent, Person

    writer = Writer(connection)
    per_case = 4
    n_cases = max(1, n_rows // per_case)
    first_case = counts["cases"] + 1
    event_id = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    today = now.date()
    paths = [
        [Event.IDENTIFIED, Event.DISCHARGE_REQUESTED, Event.DISCHARGED, Event.RETURNED_HOME],
        [Event.IDENTIFIED, Event.MISSING, Event.PRISONER, Event.RETURNED_HOME],
        [Event.IDENTIFIED, Event.KILLED, Event.REMAINS_IDENTIFIED, Event.REMAINS_REPATRIATED],
        [Event.NOT_IN_SERVICE, Event.IDENTIFIED, Event.DISCHARGE_REQUESTED, Event.CONTRACT_ANNULLED],
    ]
    persons, cases, events, lines = [], [], [], []
    for offset in range(n_cases):
        case_id = first_case + offset
        reference = f"IN-2025-I{case_id:07d}"
        reported = _day(rng, date(2025, 1, 1), today - timedelta(days=200))
        persons.append((case_id, "M", "1999", "IN", rng.choice(STATES), "", "", now))
        cases.append((case_id, reference, case_id, "IN", "RU", None, "", "", "", "", "", "", "", "", now,
                      Event.REPORTED.value))
        event_id += 1
        events.append((event_id, case_id, Event.REPORTED.value, reported.isoformat(), reported,
                       _at(reported, rng), None, None, "family", "", False, None, "{}", None))
        day = reported
        for kind in rng.choice(paths)[: min(per_case, n_rows - len(lines))]:
            day += timedelta(days=rng.randint(2, 40))
            written = day.isoformat() if rng.random() < 0.7 else day.strftime("%d.%m.%Y")
            lines.append((day, reference, kind.value, written, rng.choice(SOURCES),
                          "per host ministry list" if rng.random() < 0.3 else ""))
    writer.write("registry_person", PERSON_COLUMNS, persons)
    writer.write("registry_case", CASE_COLUMNS, cases)
    writer.write("registry_caseevent", EVENT_COLUMNS, events)
    writer.finish([Person, Case, CaseEvent])
    # A register is kept in date order, so one case's rows are spread through the file.
    lines.sort(key=lambda line: line[0])
    path = workdir / "events.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["case_ref", "event", "occurred_on", "source", "note", "correction"])
        for _day_, *rest in lines:
            out.writerow([*rest, ""])
    print(f"import file: {len(lines):,} rows for {n_cases:,} cases, {path.stat().st_size / 1e6:.1f} MB", flush=True)
    return n_cases, path


def measure_import(connection, path: Path, args, n_cases: int) -> dict:
    from homeward.registry.importing import import_events

    rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    profiler = cProfile.Profile() if args.profile_import else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = import_events(path)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    if not result.ok or result.created != rows:
        raise SystemExit(f"import failed: {result.summary()}; first errors: {result.errors[:5]}")
    print(f"import_events: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)", flush=True)
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(35)
        print(text.getvalue())
    verdict = "ok" if elapsed < IMPORT_GOAL_S else "SLOW"
    return {"label": f"import_events({rows:,} rows, {n_cases:,} cases)", "median_s": elapsed, "first_s": elapsed,
            "goal_s": IMPORT_GOAL_S, "display": f"{elapsed:.1f} s ({rows / elapsed:,.0f} rows/s) {verdict}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], help="run one backend in this process")
    parser.add_argument("--backends", default="sqlite,postgres", help="driver: which backends to run")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figures query")
    parser.add_argument("--seed", type=int, default=20240809)
    parser.add_argument("--profile-import", action="store_true", help="print a cProfile of the import")
    parser.add_argument("--markdown", help="driver: write the table to this Markdown file")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return run_backend(args) if args.backend else drive(args)


if __name__ == "__main__":
    sys.exit(main())
