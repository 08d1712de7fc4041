"""Realistic South Asian name tokens for synthetic benchmark data.

names-dataset is heavy (GBs of RAM, a minute to load), so the top names for India and Nepal are
extracted once and cached in bench/out/names.json (git-ignored).
"""
from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
CACHE = OUT / "names.json"


def top_names(n: int = 1000) -> dict[str, list[tuple[str, float]]]:
    """{'first': [(name, weight)...], 'last': [...]} for IN+NP, weights ~ popularity rank."""
    if CACHE.exists():
        data = json.loads(CACHE.read_text())
        if data.get("n", 0) >= n:
            return data
    from names_dataset import NameDataset
    nd = NameDataset()
    out: dict = {"n": n, "first": [], "last": []}
    for kind, first in (("first", True), ("last", False)):
        weights: dict[str, float] = {}
        for country in ("IN", "NP"):
            res = nd.get_top_names(n=n, use_first_names=first, country_alpha2=country)
            lists = res.get(country, {})
            names = lists if isinstance(lists, list) else [x for g in lists.values() for x in g]
            for rank, name in enumerate(names):
                if name.isascii() and name.isalpha() and len(name) > 1:
                    weights[name.capitalize()] = weights.get(name.capitalize(), 0) + 1.0 / (rank + 10)
        out[kind] = sorted(weights.items(), key=lambda kv: -kv[1])
    OUT.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps(out))
    return out


if __name__ == "__main__":
    d = top_names()
    print(len(d["first"]), len(d["last"]), d["first"][:10], d["last"][:10])
