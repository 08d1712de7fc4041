"""Speed and memory of the identification engine on synthetic lists built from realistic names.

    .venv/bin/python bench/identification_scale.py --host 1000000 --cases 100000      # batch, 1M x 100k
    .venv/bin/python bench/identification_scale.py --interactive 100000               # intake latency
    .venv/bin/python bench/identification_scale.py --host 1000000 --cases 1000000 --splink   # vs Splink
    (--only-splink skips our run, --splink-keys adds Splink fed with our cross-script keys)

Each measured run happens in a fresh child process so that ru_maxrss is the peak of that run only
(DuckDB allocates outside Python, so tracemalloc would not see it); a sampler adds the PSS of the
link workers. Sizes are flags: start small.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _names import top_names  # noqa: E402

from functools import lru_cache  # noqa: E402

from matching import CandidateIndex, Record, link  # noqa: E402
from matching import to_cyrillic as _to_cyrillic  # noqa: E402

to_cyrillic = lru_cache(maxsize=None)(_to_cyrillic)

OCR = {"0": "O", "1": "I", "5": "S", "8": "B"}
STATES = ["Punjab", "Haryana", "Uttar Pradesh", "Bihar", "Kerala", "Gujarat", "Rajasthan", "Maharashtra",
          "West Bengal", "Tamil Nadu", "Telangana", "Himachal Pradesh", "Jammu and Kashmir", "Odisha"]


def _typo(rnd: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rnd.randrange(1, len(s) - 1)
    op = rnd.random()
    if op < 0.4:
        return s[:i] + s[i + 1:]
    if op < 0.7:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i] + s[i:]


def generate(n_host: int, n_cases: int, seed: int = 1, present: float = 0.7):
    """(cases in Latin, host roster in Cyrillic, truth pairs). The host roster holds `present` of the
    cases (with the usual damage: order, capitals, typos, wrong or partial dates, OCR'd passports)."""
    rnd = random.Random(seed)
    names = top_names()
    first, fw = zip(*names["first"])
    last, lw = zip(*names["last"])
    host: list[Record] = []
    cases: list[Record] = []
    truth: set[tuple[str, str]] = set()

    def person():
        toks = [rnd.choices(first, fw)[0]] + ([rnd.choices(first, fw)[0]] if rnd.random() < 0.15 else []) \
            + [rnd.choices(last, lw)[0]]
        y, m, d = rnd.randint(1975, 2006), rnd.randint(1, 12), rnd.randint(1, 28)
        pp = f"{rnd.choice('ABCDEGHJKLMNPRSTUVWZ')}{rnd.randrange(10**7):07d}"
        return toks, (y, m, d), pp

    def host_row(i, toks, ymd, pp):
        y, m, d = ymd
        order = toks[-1:] + toks[:-1] if rnd.random() < 0.8 else toks
        name = " ".join(to_cyrillic(t) for t in order)
        if rnd.random() < 0.05:
            name = _typo(rnd, name)
        if rnd.random() < 0.3:
            name = name.upper()
        if rnd.random() < 0.03:
            y += rnd.choice((-1, 1))
        dob = f"{y:04d}-{m:02d}-{d:02d}"
        pp_out = pp if rnd.random() < 0.5 else ""
        if pp_out and rnd.random() < 0.05:
            j = rnd.randrange(1, 8)
            pp_out = pp_out[:j] + OCR.get(pp_out[j], pp_out[j]) + pp_out[j + 1:]
        return Record(id=str(i), full_name=name, date_of_birth=dob, passport_number=pp_out)

    n_present = int(n_cases * present)
    for i in range(n_cases):
        toks, ymd, pp = person()
        shown = list(toks)
        r = rnd.random()
        if r < 0.08:
            shown = [shown[0][0] + "."] + shown[1:]
        elif r < 0.12:
            shown = ["Shri"] + shown
        name = " ".join(shown)
        if rnd.random() < 0.1:
            name = name.upper()
        r = rnd.random()
        dob = "" if r < 0.15 else str(ymd[0]) if r < 0.4 else f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}"
        cases.append(Record(id=f"C{i}", full_name=name, date_of_birth=dob,
                            passport_number=pp if rnd.random() < 0.4 else "",
                            home_state=rnd.choice(STATES)))
        if i < n_present:
            host.append(host_row(len(host), toks, ymd, pp))
            truth.add((f"C{i}", str(len(host) - 1)))
    while len(host) < n_host:
        host.append(host_row(len(host), *person()))
    rnd.shuffle(host)
    return cases, host, truth


def _peak_mib() -> float:
    """Peak memory of this run: the larger of this process's ru_maxrss and the sampled peak of the
    proportional set size (PSS) of this process plus its worker processes (forked workers share the
    registry pages, so adding their RSS would count them twice)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return max(own, _PSS_PEAK[0])


_PSS_PEAK = [0.0]


def _cpu_s() -> float:
    """CPU seconds of this process (all threads) and its finished children: unlike wall time, it does
    not grow when other work shares the machine, so two engines measured at different loads compare."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _start_memory_sampler(interval: float = 0.5) -> None:
    import os
    import threading

    def run():
        me = os.getpid()
        while True:
            total = _pss_kib(me) + sum(_pss_kib(c) for c in _children(me))
            _PSS_PEAK[0] = max(_PSS_PEAK[0], total / 1024)
            time.sleep(interval)
    threading.Thread(target=run, daemon=True).start()


def run_batch(n_host, n_cases, workers=1, *, q):
    _start_memory_sampler()
    t0 = time.perf_counter()
    cases, host, truth = generate(n_host, n_cases)
    t_gen = time.perf_counter() - t0
    cpu0 = _cpu_s()
    res = link(cases, host, workers=workers)
    cpu = _cpu_s() - cpu0
    pred = {(l.left_id, l.right_id) for l in res.links}
    tp = len(pred & truth)
    p, r = tp / max(len(pred), 1), tp / max(len(truth), 1)
    q.put(dict(engine="homeward", gen_s=t_gen, link_s=res.seconds, cpu_s=cpu, pairs=res.candidate_pairs, links=len(pred),
               precision=p, recall=r, f1=2 * p * r / max(p + r, 1e-9), peak_mib=_peak_mib(), phases=res.phases))


def run_interactive(n, *, q, queries=1000):
    _start_memory_sampler()
    cases, host, truth = generate(n, queries, seed=2)
    t0 = time.perf_counter()
    idx = CandidateIndex(host)
    build = time.perf_counter() - t0
    times = []
    for c in cases:
        t = time.perf_counter()
        idx.candidates(c)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    q.put(dict(engine="interactive", registry=n, build_s=build, p50_ms=times[len(times) // 2],
               p95_ms=times[int(len(times) * 0.95)], max_ms=times[-1], peak_mib=_peak_mib()))


def splink_link(cases, host, keys=False, threshold=0.5):
    """Splink 5's default-style DuckDB pipeline: standard comparisons, u by random sampling, EM; names
    either ASCII-folded with anyascii (first/last token as forename/surname) or, with keys=True, given
    our cross-script keys as columns (sorted, so order-free). Returns (links as a set, seconds)."""
    import pandas as pd
    from anyascii import anyascii
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from matching import normalise_name

    def frame(recs, side):
        rows = []
        for r in recs:
            full = r.full_name or f"{r.given_name} {r.family_name}"
            if keys:
                toks = sorted(normalise_name(full).keys)
            else:
                toks = anyascii(full).lower().replace(".", " ").split()
            rows.append(dict(unique_id=f"{side}{r.id}", first_name=toks[0] if toks else None,
                             surname=toks[-1] if len(toks) > 1 else None,
                             dob=r.date_of_birth if len(r.date_of_birth) == 10 else None,
                             year=r.date_of_birth[:4] or None, passport=r.passport_number or None))
        return pd.DataFrame(rows)

    t0 = time.perf_counter()
    db = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        probability_two_random_records_match=0.7 / max(len(host), 1),
        comparisons=[cl.NameComparison("first_name"), cl.NameComparison("surname"),
                     cl.DateOfBirthComparison("dob", input_is_string=True),
                     cl.ExactMatch("passport")],
        # host rosters put the surname first: also block on the swapped pair. (Name + birth *year*
        # rules are what one would write first, but with Zipf-distributed Indian names they produced
        # more than 16 GiB of pairs at 1M x 1M; name + full date keeps Splink within memory. The same
        # goes for the EM training rule: surname + year took > 12 GiB.)
        blocking_rules_to_generate_predictions=[block_on("first_name", "surname"),
                                                "l.first_name = r.surname and l.surname = r.first_name",
                                                block_on("surname", "dob"), block_on("first_name", "dob"),
                                                block_on("passport")],
        retain_intermediate_calculation_columns=False)
    linker = Linker([db.register(frame(cases, "L")), db.register(frame(host, "R"))], settings)
    # each step may fail on some lists (no full dates on a names-only list): keep going, as a user would
    # (the prior is set in the settings: estimating it by deterministic rules breaks Splink's predict on
    # lists without full dates)
    steps = [lambda: linker.training.estimate_u_using_random_sampling(max_pairs=1e6),
             lambda: linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob")),
             lambda: linker.training.estimate_parameters_using_expectation_maximisation(
                 block_on("first_name", "surname"))]
    for step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - splink raises several kinds
            print(f"splink training step failed: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
    df = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    secs = time.perf_counter() - t0
    df = df.sort_values("match_probability", ascending=False)
    pred, seen_l, seen_r = set(), set(), set()
    for a, b in df[["unique_id_l", "unique_id_r"]].astype(str).itertuples(index=False):
        l_, r_ = (a, b) if a.startswith("L") else (b, a)
        if l_ in seen_l or r_ in seen_r:   # one link per record, best first, as our engine reports
            continue
        seen_l.add(l_), seen_r.add(r_), pred.add((l_[1:], r_[1:]))
    return pred, secs


def run_splink(n_host, n_cases, keys=False, *, q):
    _start_memory_sampler()
    cases, host, truth = generate(n_host, n_cases)
    cpu0 = _cpu_s()
    pred, secs = splink_link(cases, host, keys)
    cpu = _cpu_s() - cpu0
    tp = len(pred & truth)
    p, r = tp / max(len(pred), 1), tp / max(len(truth), 1)
    q.put(dict(engine="splink+keys" if keys else "splink", link_s=secs, cpu_s=cpu, pairs=None, links=len(pred),
               precision=p, recall=r, f1=2 * p * r / max(p + r, 1e-9), peak_mib=_peak_mib()))


def in_child(fn, *args):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=lambda *a: fn(*a[:-1], q=a[-1]), args=(*args, q))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", type=int, default=0, help="host roster rows (batch run)")
    ap.add_argument("--cases", type=int, default=0, help="case list rows (batch run)")
    ap.add_argument("--interactive", type=int, default=0, help="registry size for the latency run")
    ap.add_argument("--splink", action="store_true", help="also run Splink's default pipeline")
    ap.add_argument("--splink-keys", action="store_true", help="and Splink fed with our cross-script keys")
    ap.add_argument("--only-splink", action="store_true", help="skip the homeward batch run")
    ap.add_argument("--workers", type=int, default=1, help="processes for homeward's batch scoring")
    args = ap.parse_args()
    top_names()   # warm the cache outside the measured child processes
    if args.host and args.cases and not args.only_splink:
        out = in_child(run_batch, args.host, args.cases, args.workers)
        print(f"homeward link {args.cases:,} x {args.host:,} ({args.workers} worker(s)): {out['link_s']:.1f} s "
              f"(CPU {out['cpu_s']:.1f} s; +{out['gen_s']:.1f} s data generation), {out['pairs']:,} candidate pairs, "
              f"P {out['precision']:.4f} R {out['recall']:.4f} F1 {out['f1']:.4f}, peak {out['peak_mib']:.0f} MiB")
        print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in out["phases"].items()))
    if args.host and args.cases and (args.splink or args.only_splink):
        for keys in (False, True) if args.splink_keys else (False,):
            out = in_child(run_splink, args.host, args.cases, keys)
            print(f"{out['engine']} link {args.cases:,} x {args.host:,}: {out['link_s']:.1f} s (CPU {out['cpu_s']:.1f} s), "
                  f"P {out['precision']:.4f} R {out['recall']:.4f} F1 {out['f1']:.4f}, "
                  f"peak {out['peak_mib']:.0f} MiB")
    if args.interactive:
        out = in_child(run_interactive, args.interactive)
        print(f"interactive, registry {args.interactive:,}: build {out['build_s']:.1f} s, candidates() p50 "
              f"{out['p50_ms']:.1f} ms, p95 {out['p95_ms']:.1f} ms, max {out['max_ms']:.1f} ms, "
              f"peak {out['peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
