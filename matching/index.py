"""Candidate generation (blocking) and scoring of one query against a registry.

Batch linkage uses this same index (the right-hand list is the registry, each left record a query), so a
pair gets the same probability in both modes by construction, not by keeping two implementations in step.
Very large buckets (see blocking.py for the keys) are skipped: they carry no identifying power and would
swamp the scorer.
"""
from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from .blocking import block_keys
from .model import Model, Stats, exclusive_probabilities, explain, pair_probability, score
from .records import Prepared, Record, prepare

MAX_BUCKET = 100
DATED_NAME_BUCKET = 25
SMALL_BUCKET = 8
MAX_SINGLE = 300
RARE_SINGLE = 30
STRONG_KEYS = frozenset("3dpt")   # see candidate_tiers
SURE = 0.99
PROGRESS_STEP = 10_000


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    match_probability: float
    explanation: dict[str, str]


class CandidateIndex:
    """The registry in memory, ready for one-record queries (intake) or batch use."""

    def __init__(self, records: Iterable[Record] = (), *, model: Model | None = None,
                 progress: Callable[[int], None] | None = None):
        """`progress`, if given, is called with the number of records just indexed (in steps of
        PROGRESS_STEP): a million-row registry takes most of a minute."""
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
                if progress is not None and len(self.records) % PROGRESS_STEP == 0:
                    progress(PROGRESS_STEP)
        finally:
            if enabled:
                gc.enable()
        if progress is not None and len(self.records) % PROGRESS_STEP:
            progress(len(self.records) % PROGRESS_STEP)
        if len(self.records) >= 50_000:
            gc.freeze()

    def set_model(self, model: Model) -> None:
        self.model = model
        self._name_cache.clear()

    def __len__(self) -> int:
        return len(self.records)

    def add(self, record: Record) -> None:
        p = prepare(record)
        idx = len(self.records)
        if self._name_cache:
            self._name_cache.clear()   # frequencies change: cached name weights are stale
        self.records.append(p)
        self.stats.add(p)
        keys, singles, undated = block_keys(p)
        if not p.dob:
            keys += undated
        for k in keys:
            self._keys[k].append(idx)
        for k in singles:
            self._single[k].append(idx)

    # --- candidate generation ---
    def candidate_tiers(self, q: Prepared) -> tuple[set[int], set[int]]:
        """(strong, weak) candidates of q, disjoint.

        Strong: records sharing two name tokens and the birth year, the full date and two initial
        letters, a passport or a phone (or two name tokens, when the query has no date). Weak: one
        token and the year, one token and the date, two tokens in another year, one rare token - the
        reach for misspelt, initialled or missing parts. At a million records weak candidates are
        a third to a half of all, and fewer than one in 500 of them ends up linked.
        """
        keys, singles, undated = block_keys(q)
        strong: set[int] = set()
        weak: set[int] = set()
        get = self._keys.get
        # With a date of birth on the query, the date-bearing keys (3|, y|, d|) find the plausible
        # candidates; a big name-only bucket then adds only people born in other years.
        # Likewise a query with two full tokens reaches its namesakes through 2|/3|; one token plus the
        # year is then only for a misspelt other token, worth it when that bucket is small.
        n_full = sum(1 for o in q.name.optional if not o)
        caps = {"2": DATED_NAME_BUCKET if q.dob else MAX_BUCKET,
                "y": DATED_NAME_BUCKET if n_full >= 2 else MAX_BUCKET, "e": SMALL_BUCKET,
                "n": DATED_NAME_BUCKET if n_full >= 2 else MAX_BUCKET}
        if q.dob:
            keys += undated
        strong_kinds = STRONG_KEYS if q.dob else STRONG_KEYS | {"2"}
        for k in keys:
            post = get(k)
            if post and len(post) <= caps.get(k[0], MAX_BUCKET):
                (strong if k[0] in strong_kinds else weak).update(post)
        cap = MAX_SINGLE if n_full < 2 else RARE_SINGLE
        if cap:
            sget = self._single.get
            for k in singles:
                post = sget(k)
                if post and len(post) <= cap:
                    weak.update(post)
        weak -= strong
        return strong, weak

    def candidate_indices(self, q: Prepared) -> set[int]:
        strong, weak = self.candidate_tiers(q)
        return strong | weak

    def scored(self, q: Prepared, exclude: int | None = None, among: Iterable[int] | None = None):
        """[(registry index, log2 Bayes factor, per-field parts)] for the candidates of q (or `among`)."""
        res = []
        recs, stats, model, cache = self.records, self.stats, self.model, self._name_cache
        if len(cache) > 100_000:   # query names, with some two million name pairs between them
            cache.clear()
        for i in self.candidate_indices(q) if among is None else among:
            if i == exclude:
                continue
            w, parts = score(q, recs[i], stats, model, cache)
            res.append((i, w, parts))
        return res

    def query(self, q: Prepared) -> list[tuple[int, float, dict]]:
        """[(index, probability, parts)] best first, probabilities exclusive over the candidates.

        The weak candidates are scored only when the strong ones leave the query undecided: when a
        strong candidate is already SURE, a weak one could not take the link from it and adds almost
        nothing to the denominator, and skipping them saves a third of the work of a big batch.
        """
        strong, weak = self.candidate_tiers(q)
        sc = self.scored(q, among=strong)
        n, prior = len(self.records), self.model.prior
        probs = exclusive_probabilities([w for _, w, _ in sc], n, prior)
        if weak and not (probs and max(probs) >= SURE):
            sc += self.scored(q, among=weak)
            probs = exclusive_probabilities([w for _, w, _ in sc], n, prior)
        recs = self.records
        # sorted as plain tuples (no key function: this runs for every query of a batch); i is unique,
        # so the comparison never reaches parts
        order = sorted([(-p, recs[i].id, i, parts) for (i, _w, parts), p in zip(sc, probs)])
        return [(i, -neg_p, parts) for neg_p, _id, i, parts in order]

    def candidates(self, record: Record, *, limit: int = 10, threshold: float = 0.1) -> list[Candidate]:
        q = prepare(record)
        out = []
        for i, p, parts in self.query(q):
            if p < threshold or len(out) >= limit:
                break
            out.append(Candidate(self.records[i].id, p, explain(parts)))
        return out

    def pair_probability(self, weight: float) -> float:
        return pair_probability(weight, len(self.records), self.model.prior)
