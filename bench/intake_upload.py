"""A 100k-row register uploaded through intake: preview (every row matched against the registry)
and atomic commit, on a throwaway SQLite database. Prints time and peak memory.

    .venv/bin/python bench/intake_upload.py                      # 100k rows (a third naming their recruiting
                                                                 # agent), 5k cases already registered
    .venv/bin/python bench/intake_upload.py --rows 10000 --registry 1000   # a quick run
    eval "$(scripts/postgres start)"; .venv/bin/python bench/intake_upload.py   # on a throwaway PostgreSQL

Goal (issue 4): previewed and committed in under 60 s each... and under 1 GiB of memory.
A benchmark, not a test: it prints numbers and exits non-zero only if something is wrong, not slow.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STATES = ["Punjab", "Haryana", "Uttar Pradesh", "Bihar", "Kerala", "Telangana", "Gujarat", "Rajasthan"]


def peak_rss_mib() -> float:
    """The larger of this process's peak and its largest matching worker's (Linux reports KiB)."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def cpu() -> tuple[float, float]:
    """CPU seconds so far of this process and of its reaped (matching) workers: what load does not inflate."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def names(country: str) -> tuple[list[str], list[str]]:
    given, family = [], []
    with (ROOT / "homeward/demo/names.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["country"] == country:
                (given if row["part"] == "given" else family).append(row["name"])
    return given, family


def person(rng, given, family):
    return (f"{rng.choice(given)} {rng.choice(family)}", f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."
            f"{rng.randint(1975, 2004)}", rng.choice(STATES), f"{rng.choice('KLMNPRZ')}{rng.randint(1000000, 9999999)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--registry", type=int, default=5_000, help="cases registered before the upload")
    parser.add_argument("--profile", action="store_true", help="profile the commit (cProfile) and print its top 30")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="homeward-intake-bench-"))
    # A PostgreSQL DATABASE_URL (e.g. from scripts/postgres start) is used as given; else a fresh SQLite.
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["HOMEWARD_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)

    from homeward.accounts.models import User
    from django.db import transaction

    from homeward.intake import uploads
    from homeward.registry import bulk, services
    from homeward.registry.models import Case
    from tabular import PartialDate

    rng = random.Random(4)
    given, family = names("IN")
    officer = User.objects.create_user("bench", role=User.Role.HQ_OFFICER, country="IN")
    started = time.perf_counter()
    registered = []
    items = []
    for _ in range(args.registry):
        name, dob, state, passport = person(rng, given, family)
        registered.append((name, dob, state, passport))
        day, month, year = map(int, dob.split("."))
        items.append(bulk.NewCase(person=services.PersonInput(
            names=[services.NameInput(full_name=name)], date_of_birth=PartialDate(year, month, day),
            home_state=state, passport_number=passport), origin_country="IN", host_country="RU",
            reported_on=PartialDate(2024, 3, 1), report=services.ReportInput(source_type="family",
                                                                             received_on=date(2024, 3, 1))))
    with transaction.atomic():
        for start in range(0, len(items), bulk.CHUNK):
            bulk.create_cases(items[start:start + bulk.CHUNK])
    print(f"registry: {args.registry} cases in {time.perf_counter() - started:.1f} s")

    register = workdir / "register.csv"
    with register.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ФИО", "Дата рождения", "Штат", "Номер паспорта", "Дата обращения", "Агент",
                         "Телефон агента"])
        agents = [(f"{rng.choice(given)} {rng.choice(family)}", f"+91 9{rng.randint(100000000, 999999999)}")
                  for _ in range(300)]
        for number in range(args.rows):
            if registered and number % 20 == 0:
                row = rng.choice(registered)  # some men are reported again
            else:
                row = person(rng, given, family)
            agent = rng.choice(agents) if rng.random() < 0.3 else ("", "")  # a third name their recruiter
            writer.writerow([*row, "01.05.2024", *agent])
    print(f"file: {args.rows} rows, {register.stat().st_size / 1e6:.1f} MB")

    started, cpu_started = time.perf_counter(), cpu()
    with register.open("rb") as handle:
        stored = uploads.store(iter(lambda: handle.read(1 << 20), b""), "register.csv", by=officer,
                               origin="IN", host="RU")
    preview_s = time.perf_counter() - started
    preview_cpu = [after - before for after, before in zip(cpu(), cpu_started)]
    if stored.problem:
        print(f"preview failed: {stored.problem}", file=sys.stderr)
        return 1
    print(f"preview: {preview_s:.1f} s (CPU {preview_cpu[0]:.1f} s here + {preview_cpu[1]:.1f} s in matching workers), "
          f"outcomes {stored.counts}, peak RSS so far {peak_rss_mib():.0f} MiB")

    profiler = None
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
    started, cpu_started = time.perf_counter(), cpu()
    if profiler:
        profiler.enable()
    batch = uploads.commit(stored, by=officer, leave_out_rejected=True)
    commit_s = time.perf_counter() - started
    commit_cpu = cpu()[0] - cpu_started[0]
    if profiler:
        profiler.disable()
        import pstats
        profiler.dump_stats(workdir / "commit.prof")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        print(f"profile of the commit: {workdir / 'commit.prof'}")
    from homeward.registry.models import CaseAgent, RecruitingAgent
    print(f"commit: {commit_s:.1f} s (CPU {commit_cpu:.1f} s; the database server's own is not counted), "
          f"{batch.created} cases created, {Case.objects.count()} in the registry, "
          f"{RecruitingAgent.objects.count()} agents linked to {CaseAgent.objects.count()} cases")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    print(f"goals: preview {'met' if preview_s < 60 else 'MISSED'} ({preview_s:.1f} s < 60 s), commit "
          f"{'met' if commit_s < 60 else 'MISSED'} ({commit_s:.1f} s < 60 s), memory "
          f"{'met' if peak_rss_mib() < 1024 else 'MISSED'} (< 1024 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
