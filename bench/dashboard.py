"""How fast the reporting dashboard renders on a registry of 100k cases / 1M events.

    .venv/bin/python bench/dashboard.py                      # PostgreSQL (a throwaway one unless DATABASE_URL names one)
    .venv/bin/python bench/dashboard.py --backend sqlite
    .venv/bin/python bench/dashboard.py --cases 5000 --events-per-case 10   # a quick run

The data come from bench/figures.py's generator (imported, not copied). Each page is fetched through
Django's test client as a signed-in HQ officer and as an analyst, so the times include the SQL,
the breakdowns, the matplotlib charts and the template. "cold" is the first request for a question
(nothing cached); "warm" repeats it, as happens when several people look at the same day, and is
served from the in-process cache, which the next appended event invalidates. Before the first
question, one request for a day before any data warms the process (templates, matplotlib's fonts,
the connection), as any running server is; the caches are cleared before each question, so
nothing it computes is reused. The load average is printed before and after: the machine is shared.
The goal (issue 7): under 1 s on PostgreSQL. A benchmark, not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import _empty_postgres, _start_postgres, generate_registry  # noqa: E402

GOAL_S = 1.0
QUESTIONS = [
    ("dashboard on 2024-08-09 as known then", {"on": "2024-08-09", "known_at": "2024-08-09"}),
    ("dashboard on 2025-01-17 as known now", {"on": "2025-01-17"}),
    ("dashboard on 2025-12-31 as known now, by month", {"on": "2025-12-31", "by": "month"}),
    ("dashboard on 2025-12-31, origin NP, by partner", {"on": "2025-12-31", "origin": "NP", "by": "partner"}),
]


def drive(args) -> int:
    env = dict(os.environ)
    started = None
    if args.backend == "postgres" and not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        started = _start_postgres()
        if started is None:
            print("PostgreSQL could not be started", file=sys.stderr)
            return 1
        env["DATABASE_URL"] = started["DATABASE_URL"]
    try:
        return subprocess.call([sys.executable, __file__, "--run", "--backend", args.backend, "--cases",
                                str(args.cases), "--events-per-case", str(args.events_per_case), "--repeat",
                                str(args.repeat)] + (["--profile"] if args.profile else []) + (["--reuse"] if args.reuse else []), env=env)
    finally:
        if started:
            subprocess.call([str(ROOT / "scripts" / "postgres"), "stop", started["HOMEWARD_PG_DIR"]])


def run(args) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="homeward-dashboard-"))
    if args.backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings"
    os.environ.setdefault("HOMEWARD_DATA_DIR", str(workdir))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from homeward.accounts.models import User
    from homeward.reporting import charts, selectors

    from homeward.registry.models import Case, CaseEvent

    call_command("migrate", verbosity=0)
    if args.reuse and Case.objects.count() == args.cases:
        print(f"{connection.vendor}: reusing {args.cases:,} cases, {CaseEvent.objects.count():,} events", flush=True)
    else:
        if connection.vendor == "postgresql":
            _empty_postgres(connection)
        now = datetime.now(timezone.utc)
        started = time.perf_counter()
        counts = generate_registry(connection, random.Random(args.seed), args.cases, args.events_per_case, now)
        print(f"{connection.vendor}: {counts['cases']:,} cases, {counts['events']:,} events generated in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    users = {
        "hq officer": User.objects.get_or_create(username="bench-hq", defaults={"role": User.Role.HQ_OFFICER,
                                                                                 "country": "IN"})[0],
        "analyst": User.objects.get_or_create(username="bench-analyst", defaults={"role": User.Role.ANALYST})[0],
    }
    warm = Client(HTTP_HOST="localhost")
    warm.force_login(users["analyst"])
    for src in re.findall(r'src="(/reporting/charts/[^"]+)"', warm.get("/reporting/", {"on": "2023-01-31"}).content.decode()):
        warm.get(src.replace("&amp;", "&"))
    print("load average %.2f %.2f %.2f" % os.getloadavg(), flush=True)
    rows = []
    for label, query in QUESTIONS:
        for who, user in users.items():
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            selectors.clear_cache()
            charts.clear()
            times, with_charts = [], []
            for _ in range(args.repeat + 1):
                started = time.perf_counter()
                response = client.get("/reporting/", query)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
                # The charts the page asks for, fetched one after another (a browser fetches them together).
                for src in re.findall(r'src="(/reporting/charts/[^"]+)"', response.content.decode()):
                    chart = client.get(src.replace("&amp;", "&"))
                    assert chart.status_code == 200 and chart.content.startswith(b"<?xml")
                with_charts.append(time.perf_counter() - started)
            cold, warm = times[0], statistics.median(times[1:])
            rows.append((f"{label} ({who})", cold, warm))
            print(f"{label:50} {who:10} page cold {cold:6.3f} s warm {warm:6.3f} s | with charts cold "
                  f"{with_charts[0]:6.3f} s warm {statistics.median(with_charts[1:]):6.3f} s  "
                  f"{'ok' if cold < GOAL_S else 'SLOW'}", flush=True)
    if args.profile:
        import cProfile
        import pstats

        client = Client(HTTP_HOST="localhost")
        client.force_login(users["hq officer"])
        selectors.clear_cache()
        charts.clear()
        profile = cProfile.Profile()
        profile.runcall(client.get, "/reporting/", dict(QUESTIONS[0][1]))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    print("load average %.2f %.2f %.2f" % os.getloadavg(), flush=True)
    worst = max(cold for _, cold, _ in rows)
    print(f"\nslowest cold render: {worst:.3f} s (goal {GOAL_S} s) — {'ok' if worst < GOAL_S else 'SLOW'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240809)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one cold request")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the registry in DATABASE_URL when it already has --cases cases")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return run(args) if args.run else drive(args)


if __name__ == "__main__":
    sys.exit(main())
