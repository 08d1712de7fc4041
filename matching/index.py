"""Candidate generation (blocking) and scoring of one query against a registry.

Batch linkage uses this same index (the right-hand list is the registry, each left record a query), so a
pair gets the same probability in both modes by construction, not by keeping two implementations in step.

Blocking keys are built from the *coarse* phonetic keys, so a Devanagari or Cyrillic query meets its
Latin-script registry record in the same bucket:
  2|a|b     two name tokens (any order)            - the workhorse
  3|a|b|y   two name tokens + birth year          - the same, for common names at scale
  y|a|1998  one name token + birth year            - survives a misspelt or initialled other token
  d|date|ab full date of birth + two first letters - survives misspelt names (FEBRL-style typos)
  e|date|a  the same with one letter                - only while such buckets are small
  p|X       OCR-folded passport; t|phone
  1|a       one token (incl. joined pairs)         - only for queries with fewer than two full tokens,
                                                     or for rare tokens when the date is missing
Very large buckets are skipped: they carry no identifying power and would swamp the scorer.
"""
from __future__ import annotations

import gc
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from .model import Model, Stats, exclusive_probabilities, explain, pair_probability, score
from .records import Prepared, Record

MAX_BUCKET = 100
DATED_NAME_BUCKET = 25
SMALL_BUCKET = 8
MAX_SINGLE = 300
RARE_SINGLE = 30


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    match_probability: float
    explanation: dict[str, str]


_DOUBLE = re.compile(r"(.)\1+")


def _collapse(s: str) -> str:
    return _DOUBLE.sub(r"\1", s)


def _name_coarse(p: Prepared) -> list[str]:
    n = p.name
    return sorted({c for c, o in zip(n.coarse, n.optional) if not o and c})


def block_keys(p: Prepared) -> tuple[list[str], list[str]]:
    """(keys, single-token keys) for a record."""
    cs = _name_coarse(p)
    keys = [f"2|{a}|{b}" for i, a in enumerate(cs) for b in cs[i + 1:]]
    if p.dob:
        y = p.dob[0]
        keys += [f"y|{c}|{y}" for c in cs]
        keys += [f"3|{a}|{b}|{y}" for i, a in enumerate(cs) for b in cs[i + 1:]]
        if p.dob[1] and p.dob[2]:
            date = f"{p.dob[0]}-{p.dob[1]}-{p.dob[2]}"
            letters = sorted({c[0] for c in cs} | set(p.name.initials))
            keys += [f"e|{date}|{a}" for a in letters]
            keys += [f"d|{date}|{a}{b}" for i, a in enumerate(letters) for b in letters[i + 1:]]
    if p.passport_ocr:
        keys.append(f"p|{p.passport_ocr}")
    if p.phone:
        keys.append(f"t|{p.phone}")
    singles = [f"1|{c}" for c in cs]
    singles += [f"1|{_collapse(a + b)}" for a in cs for b in cs if a != b]
    return keys, singles


def _prepare(record) -> Prepared:
    if isinstance(record, Prepared):
        return record
    if not isinstance(record, Record):
        record = Record.from_mapping(record)
    return Prepared.of(record)


class CandidateIndex:
    """The registry in memory, ready for one-record queries (intake) or batch use."""

    def __init__(self, records: Iterable[Record] = (), *, model: Model | None = None):
        self.model = model or Model()
        self.records: list[Prepared] = []
        self.stats = Stats()
        self._keys: dict[str, list[int]] = defaultdict(list)
        self._single: dict[str, list[int]] = defaultdict(list)
        self._name_cache: dict = {}
        # Building allocates millions of small long-lived objects; the cyclic GC would rescan them all
        # again and again (quadratic-looking slowdowns at 1M records). Pause it, then (for big
        # registries, which live as long as the process) freeze the result so collections skip it.
        enabled = gc.isenabled()
        gc.disable()
        try:
            for r in records:
                self.add(r)
        finally:
            if enabled:
                gc.enable()
        if len(self.records) >= 50_000:
            gc.freeze()

    def set_model(self, model: Model) -> None:
        self.model = model
        self._name_cache.clear()

    def __len__(self) -> int:
        return len(self.records)

    def add(self, record: Record) -> None:
        p = _prepare(record)
        idx = len(self.records)
        if self._name_cache:
            self._name_cache.clear()   # frequencies change: cached name weights are stale
        self.records.append(p)
        self.stats.add(p)
        keys, singles = block_keys(p)
        for k in keys:
            self._keys[k].append(idx)
        for k in singles:
            self._single[k].append(idx)

    # --- candidate generation ---
    def candidate_indices(self, q: Prepared) -> set[int]:
        keys, singles = block_keys(q)
        out: set[int] = set()
        get = self._keys.get
        # With a date of birth on the query, the date-bearing keys (3|, y|, d|) find the plausible
        # candidates; a big name-only bucket then adds only people born in other years.
        # Likewise a query with two full tokens reaches its namesakes through 2|/3|; one token plus the
        # year is then only for a misspelt other token, worth it when that bucket is small.
        n_full = sum(1 for o in q.name.optional if not o)
        caps = {"2": DATED_NAME_BUCKET if q.dob else MAX_BUCKET,
                "y": DATED_NAME_BUCKET if n_full >= 2 else MAX_BUCKET, "e": SMALL_BUCKET}
        for k in keys:
            post = get(k)
            if post and len(post) <= caps.get(k[0], MAX_BUCKET):
                out.update(post)
        cap = MAX_SINGLE if n_full < 2 else RARE_SINGLE
        if cap:
            sget = self._single.get
            for k in singles:
                post = sget(k)
                if post and len(post) <= cap:
                    out.update(post)
        return out

    def scored(self, q: Prepared, exclude: int | None = None):
        """[(registry index, log2 Bayes factor, per-field parts)] for all candidates of q."""
        res = []
        recs, stats, model, cache = self.records, self.stats, self.model, self._name_cache
        if len(cache) > 100_000:   # query names, with some two million name pairs between them
            cache.clear()
        for i in self.candidate_indices(q):
            if i == exclude:
                continue
            w, parts = score(q, recs[i], stats, model, cache)
            res.append((i, w, parts))
        return res

    def query(self, q: Prepared) -> list[tuple[int, float, dict]]:
        """[(index, probability, parts)] best first, probabilities exclusive over the candidates."""
        sc = self.scored(q)
        probs = exclusive_probabilities([w for _, w, _ in sc], len(self.records), self.model.prior)
        recs = self.records
        # sorted as plain tuples (no key function: this runs for every query of a batch); i is unique,
        # so the comparison never reaches parts
        order = sorted([(-p, recs[i].id, i, parts) for (i, _w, parts), p in zip(sc, probs)])
        return [(i, -neg_p, parts) for neg_p, _id, i, parts in order]

    def candidates(self, record: Record, *, limit: int = 10, threshold: float = 0.1) -> list[Candidate]:
        q = _prepare(record)
        out = []
        for i, p, parts in self.query(q):
            if p < threshold or len(out) >= limit:
                break
            out.append(Candidate(self.records[i].id, p, explain(parts)))
        return out

    def pair_probability(self, weight: float) -> float:
        return pair_probability(weight, len(self.records), self.model.prior)
