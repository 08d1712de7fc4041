"""F1 on whole lists built from name tokens the engine was never tuned on.

The engine is judged on lists "of the same kind" as the development sets, built from other tokens.
This builds such lists twice with one generator: once from the development tokens (name-pairs.csv,
each Cyrillic spelling weighted by how often editors wrote it) and once from held-out tokens
(OpenSanctions `rigour` groups of tokens typical of India or Nepal that are not in name-pairs.csv; see
bench/transliteration_holdout.py). The generator copies what the development sets' README and files
show: 2,000 cases, 70 % of them on a host list 3.7 times as long, one to three tokens per name (8 /
74 / 18 %), 9 % written with an initial, 4 % with an honorific, capitals (10 % of cases, 30 % of host
rows), the host side in Cyrillic with the surname first in 75 % of rows and a typing error in 3 %;
`names-only` with years only (cases 80 %, host 90 %), `full` with full dates (cases 70 % full, 20 %
year; host 90 %), passports (cases 50 %, host 70 %, 3 % misread) and 3 % wrong dates on the host side.

Two things tell whether the held-out figure can be trusted: the development-token lists should score
close to the real development sets (the generator is realistic), and the gap between the two rows is
what unseen tokens cost. rigour lists a group's spellings without counts, so held-out Cyrillic
spellings are drawn uniformly, and a group holds whatever Wikidata joined to the name item: Гобинд
beside Сингх, Цзи and Чжи (Chinese readings) for Ji, Шо for Shah, Принц for Prince. They are drawn
as often as the common spellings, so the held-out row is a pessimistic bound, not an estimate.

    .venv/bin/python bench/heldout_lists.py --rigour-wheel bench/out/rigour-1.8.2-py3-none-any.whl
                                            [--seeds 3] [--joint] [--name-m '{"partial": 0.02}']
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _names import top_names  # noqa: E402
from identification_quality import prf, tie_ceiling  # noqa: E402
from transliteration_holdout import DEV_PAIRS, groups_from_wheel  # noqa: E402

from matching import Record, link  # noqa: E402
from matching.model import DEFAULT_M  # noqa: E402

HONORIFICS = ("Shri", "Sri", "Md.", "Smt.")   # not Kumari: in these lists it is also a name
OCR = str.maketrans("0O1I5S8B", "O0I1S5B8")
Spellings = dict[str, list[tuple[str, float]]]   # Latin token -> [(Cyrillic spelling, weight)]


def development_spellings() -> Spellings:
    out: Spellings = {}
    with open(DEV_PAIRS, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["latin"], []).append((row["cyrillic"], float(row["count"] or 1)))
    return out


def held_out_spellings(wheel: Path, typical: set[str]) -> Spellings:
    dev = set(development_spellings())
    out: Spellings = {}
    for latin, cyrillic in groups_from_wheel(wheel):
        for token in latin:
            if token in typical and token not in dev:
                out.setdefault(token, []).extend((c, 1.0) for c in cyrillic)
    return out


def typo(text: str, rnd: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rnd.randrange(1, len(text) - 1)
    if rnd.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]   # two letters swapped
    return text[:i] + text[i + 1:]                                 # one dropped


def person(tokens: list[str], weights: list[float], rnd: random.Random) -> dict:
    k = rnd.choices((1, 2, 3), (8, 74, 18))[0]
    names = []
    while len(names) < k:
        t = rnd.choices(tokens, weights)[0]
        if t not in names:
            names.append(t)
    year = rnd.randint(1970, 2005)
    return {"names": names, "dob": (year, rnd.randint(1, 12), rnd.randint(1, 28)),
            "passport": rnd.choice("ABCDEFGHJKLMNPRSTUVWZ") + f"{rnd.randrange(10**7):07d}"}


def left_record(i: int, p: dict, full: bool, rnd: random.Random) -> Record:
    words = [t.capitalize() for t in p["names"]]
    if len(words) > 1 and rnd.random() < 0.09:
        j = rnd.randrange(len(words) - 1)
        words[j] = words[j][0] + "."
    if rnd.random() < 0.04:
        words.insert(0, rnd.choice(HONORIFICS))
    name = " ".join(words)
    if rnd.random() < 0.10:
        name = name.upper()
    y, m, d = p["dob"]
    r = rnd.random()
    if full:
        dob = f"{y}-{m:02d}-{d:02d}" if r < 0.7 else str(y) if r < 0.9 else ""
    else:
        dob = str(y) if r < 0.8 else ""
    passport = p["passport"] if full and rnd.random() < 0.5 else ""
    return Record(id=f"L{i:05d}", full_name=name, date_of_birth=dob, passport_number=passport)


def right_record(i: int, p: dict, spellings: Spellings, full: bool, true: bool, rnd: random.Random) -> Record:
    words = []
    for t in p["names"]:
        forms, w = zip(*spellings[t])
        words.append(rnd.choices(forms, w)[0])
    if len(words) > 1 and rnd.random() < 0.75:
        words = [words[-1]] + words[:-1]
    if rnd.random() < 0.03:
        j = rnd.randrange(len(words))
        words[j] = typo(words[j], rnd)
    name = " ".join(words)
    if rnd.random() < 0.30:
        name = name.upper()
    y, m, d = p["dob"]
    if true and rnd.random() < 0.03:
        y, m, d = rnd.choice(((y + rnd.choice((-1, 1)), m, d), (y, m, rnd.randint(1, 28)), (y, d if d <= 12 else m, m)))
    has_date = rnd.random() < 0.9
    dob = (f"{y}-{m:02d}-{d:02d}" if full else str(y)) if has_date else ""
    passport = ""
    if full and rnd.random() < 0.7:
        passport = p["passport"]
        if true and rnd.random() < 0.03:
            j = rnd.randrange(1, len(passport))
            passport = passport[:j] + passport[j].translate(OCR) + passport[j + 1:]
    return Record(id=f"R{i:05d}", full_name=name, date_of_birth=dob, passport_number=passport)


def build(spellings: Spellings, popularity: dict[str, float], full: bool, seed: int, n_left: int = 2000):
    rnd = random.Random(seed)
    tokens = sorted(spellings)
    # the square root of names-dataset's popularity: that makes the development-token lists as flat
    # as the development sets (their commonest token 1 % of all, the 50 commonest 30 %)
    weights = [popularity.get(t, min(popularity.values())) ** 0.5 for t in tokens]
    people = [person(tokens, weights, rnd) for _ in range(n_left * 4)]
    cases, others = people[:n_left], people[n_left:]
    on_host = rnd.sample(range(n_left), int(0.7 * n_left))
    left = [left_record(i, p, full, rnd) for i, p in enumerate(cases)]
    host = [(cases[i], True, i) for i in on_host] + [(p, False, None) for p in others]
    rnd.shuffle(host)
    right, gold = [], set()
    for j, (p, true, i) in enumerate(host):
        right.append(right_record(j, p, spellings, full, true, rnd))
        if true:
            gold.add((left[i].id, right[-1].id))
    return left, right, gold


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rigour-wheel", type=Path, required=True, help="rigour 1.8.2 wheel (pip download)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--joint", action="store_true", help="link with claims solved jointly")
    ap.add_argument("--name-m", type=json.loads, default={},
                    help="JSON of name levels' m to try instead of the shipped ones, e.g. '{\"partial\": 0.02}'")
    args = ap.parse_args()
    DEFAULT_M["name"].update(args.name_m)
    if not args.rigour_wheel.exists():
        sys.exit(f"{args.rigour_wheel}: no such file (see bench/transliteration_holdout.py's docstring)")
    names = top_names()
    popularity: dict[str, float] = {}
    for kind in ("first", "last"):
        for n, w in names[kind]:
            popularity[n.lower()] = max(popularity.get(n.lower(), 0.0), w)
    pools = {"dev tokens": development_spellings(),
             "held-out tokens": held_out_spellings(args.rigour_wheel, set(popularity))}
    print(f"{'list':10} {'tokens':16} {'seed':>4} {'P':>7} {'R':>7} {'F1':>7} {'ceiling':>8}")
    for kind in ("names-only", "full"):
        for label, spellings in pools.items():
            scores = []
            for seed in range(args.seeds):
                left, right, gold = build(spellings, popularity, kind == "full", seed)
                links = link(left, right, joint=args.joint).links
                p, r, f = prf({(l.left_id, l.right_id) for l in links}, gold)
                ceiling = tie_ceiling(left, right, gold)[1]
                scores.append(f)
                print(f"{kind:10} {label:16} {seed:4d} {p:7.4f} {r:7.4f} {f:7.4f} {ceiling:8.4f}")
            print(f"{kind:10} {label:16} mean {'':7} {'':7} {sum(scores) / len(scores):7.4f}")


if __name__ == "__main__":
    main()
