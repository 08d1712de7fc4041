"""How the cross-script layer does on name pairs (Latin against Cyrillic, Devanagari, Bengali) it was never tuned on.

The development sets draw their tokens from name-pairs.csv; lists the engine is judged on draw other
tokens from the same sources. OpenSanctions `rigour` ships one of them (persons.txt: spellings of one
Wikidata name item per line), so its groups for tokens typical of India or Nepal (names-dataset) and
absent from name-pairs.csv are a held-out sample of that kind. Printed per token pair: the level
compare_names gives (exact / phonetic / fuzzy agree; none, the pair is lost), and, for the other
side of the trade, how often tokens of *different* groups agree anyway; then Devanagari and Bengali
against Latin from the same groups (for Devanagari, the devanagari-latin set's own tokens apart).
Then, at the level of whole names: simulated true pairs (one to three tokens, the Cyrillic side in
reverse order, each token one of its spellings) and the name level they get, the quantity the model's
m-probabilities for names stand for (matching.model.DEFAULT_M).

    .venv/bin/pip download rigour==1.8.2 --no-deps -d bench/out    # the data file only; not installed
    .venv/bin/python bench/transliteration_holdout.py --rigour-wheel bench/out/rigour-1.8.2-py3-none-any.whl
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEV_PAIRS = ROOT.parent / "shared" / "data" / "identification" / "name-pairs.csv"

from _names import top_names  # noqa: E402

from matching.compare import compare_names  # noqa: E402
from matching.names import normalise_name  # noqa: E402

LATIN = re.compile(r"[a-z]+")
CYRILLIC = re.compile(r"[а-яё]+(?:-[а-яё]+)*")
DEVANAGARI = re.compile(r"[\u0900-\u097F]+")
BENGALI = re.compile(r"[\u0980-\u09FF]+")
DEVANAGARI_SET = ROOT.parent / "shared" / "data" / "identification" / "devanagari-latin" / "right.csv"
LEVELS = ("exact", "phonetic", "fuzzy", "subset", "none")
NAME_LEVELS = ("exact", "phonetic", "fuzzy", "partial", "replaced", "none")


def groups_from_wheel(wheel: Path, other: re.Pattern | None = None) -> list[tuple[list[str], list[str]]]:
    """(Latin spellings, spellings in the other script: Cyrillic unless given) of each name item in
    rigour's persons.txt."""
    other = other or CYRILLIC
    with zipfile.ZipFile(wheel) as z:
        text = z.read("rigour/data/names/persons.txt").decode("utf-8")
    out = []
    for line in text.splitlines():
        spellings = [s.strip() for s in line.split("=>")[0].split(",")]
        latin = [s for s in spellings if LATIN.fullmatch(s)]
        written = [s for s in spellings if other.fullmatch(s)]
        if latin and written:
            out.append((latin, written))
    return out


def level(a: str, b: str) -> str:
    return compare_names(normalise_name(a), normalise_name(b))[0]


def tally(pairs) -> Counter:
    return Counter(level(a, b) for a, b in pairs)


def show(label: str, counts: Counter) -> None:
    total = sum(counts.values()) or 1
    cells = "  ".join(f"{lvl} {counts.get(lvl, 0):5d} ({counts.get(lvl, 0) / total:5.1%})" for lvl in LEVELS)
    print(f"{label:34} {total:6d}  {cells}")


def different_names(groups, true_pairs, n: int = 20000) -> list[tuple[str, str]]:
    """n pairs of a Latin token of one group and a spelling of another group, none of them a true pair."""
    rnd = random.Random(7)
    other = set()
    while len(other) < n:
        (latin, _), (_, written) = rnd.sample(groups, 2)
        a, b = rnd.choice(latin), rnd.choice(written)
        if (a, b) not in true_pairs:
            other.add((a, b))
    return sorted(other)


def name_levels(spellings: dict[str, list[str]], n: int = 20000, seed: int = 3) -> Counter:
    """Levels of n simulated true name pairs: 1-3 tokens (mostly 2), each token's Cyrillic side one of
    its spellings at random, written in reverse order as host lists mostly do."""
    rnd = random.Random(seed)
    tokens = sorted(spellings)
    counts = Counter()
    for _ in range(n):
        latin = rnd.sample(tokens, rnd.choice((1, 2, 2, 2, 3)))
        cyrillic = [rnd.choice(spellings[t]) for t in reversed(latin)]
        counts[level(" ".join(latin), " ".join(cyrillic))] += 1
    return counts


def show_names(label: str, counts: Counter) -> None:
    total = sum(counts.values()) or 1
    cells = "  ".join(f"{lvl} {counts.get(lvl, 0) / total:5.1%}" for lvl in NAME_LEVELS)
    print(f"{label:34} {total:6d}  {cells}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rigour-wheel", type=Path, required=True, help="rigour 1.8.2 wheel (pip download)")
    ap.add_argument("--show", type=int, default=0, help="print this many held-out pairs that are lost")
    args = ap.parse_args()
    if not args.rigour_wheel.exists():
        sys.exit(f"{args.rigour_wheel}: no such file (see the command in this script's docstring)")
    typical = {n.lower() for kind in ("first", "last") for n, _ in top_names()[kind]}
    with open(DEV_PAIRS, encoding="utf-8") as f:
        dev = [(r["latin"], r["cyrillic"]) for r in csv.DictReader(f)]
    dev_latin = {a for a, _ in dev}
    held_out, groups = set(), []
    for latin, cyrillic in groups_from_wheel(args.rigour_wheel):
        mine = [a for a in latin if a in typical and a not in dev_latin]
        if mine:
            held_out.update((a, b) for a in mine for b in cyrillic)
            groups.append((mine, cyrillic))
    print(f"{'token pairs':34} {'n':>6}  levels (share)")
    show("development (name-pairs.csv)", tally(dev))
    show("held out (rigour, IN/NP tokens)", tally(sorted(held_out)))
    # Different names: a held-out Latin token against the Cyrillic spellings of another group.
    show("different names (other groups)", tally(different_names(groups, held_out)))
    dev_spellings, held_spellings = {}, {}
    for a, b in dev:
        dev_spellings.setdefault(a, []).append(b)
    for a, b in sorted(held_out):
        held_spellings.setdefault(a, []).append(b)
    # Devanagari against Latin: the devanagari-latin set draws its tokens from these same groups, so
    # the tokens its Latin side uses are "development" and the others held out. Bengali has no
    # development set: all of it is held out.
    with open(DEVANAGARI_SET, encoding="utf-8-sig") as f:
        dev_devanagari = {t.lower() for r in csv.DictReader(f) for t in LATIN.findall(r["full_name"].lower())}
    for script, pattern in (("Devanagari", DEVANAGARI), ("Bengali", BENGALI)):
        seen, held, script_groups = [], [], []
        for latin, written in groups_from_wheel(args.rigour_wheel, pattern):
            mine = [a for a in latin if a in typical]
            if mine:
                script_groups.append((mine, written))
            for a in mine:
                (seen if script == "Devanagari" and a in dev_devanagari else held).extend((a, b) for b in written)
        if seen:
            show(f"{script}, dev-set tokens", tally(seen))
        show(f"{script}, held out", tally(held))
        show(f"{script}, different names", tally(different_names(script_groups, set(seen) | set(held))))
    print(f"\n{'simulated true names':34} {'n':>6}  name levels (share)")
    show_names("development tokens", name_levels(dev_spellings))
    show_names("held-out tokens", name_levels(held_spellings))
    if args.show:
        lost = [(a, b) for a, b in sorted(held_out) if level(a, b) == "none"]
        print(f"\nheld-out pairs with no agreement ({len(lost)}), first {args.show}:")
        for a, b in lost[:args.show]:
            print(f"  {a} / {b}")


if __name__ == "__main__":
    main()
