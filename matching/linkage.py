"""Batch modes: link two lists, deduplicate one list."""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .index import CandidateIndex
from .model import Model, exclusive_both_ways, explain, train as train_model
from .records import prepare


@dataclass(frozen=True, slots=True)
class Link:
    left_id: str
    right_id: str
    match_probability: float
    explanation: dict[str, str]


@dataclass
class LinkResult:
    links: list[Link]
    candidate_pairs: int
    seconds: float
    left_rows: int = 0
    right_rows: int = 0
    model: Model | None = None
    phases: dict[str, float] = field(default_factory=dict)   # seconds: index, queries, train, score


@dataclass
class DedupeResult:
    clusters: dict[str, str]
    links: list[Link]
    candidate_pairs: int
    seconds: float
    rows: int = 0
    model: Model | None = field(default=None)


def _notify(callback, value):
    if callback is not None:
        callback(value)


CHUNK = 2000
PARALLEL_FROM = 20000
# Candidates below this still count when claims are solved jointly (another query's claim on a record,
# or a query's mass that moves to them) though they are not links; weaker ones change nothing visible.
CLAIM_FLOOR = 0.02
_STATE = None   # (index, prepared left records, lowest probability kept) for the forked workers


def _checked_threshold(threshold) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a probability between 0 and 1, not {threshold!r}")
    return float(threshold)


def _unique_ids(records, side: str) -> None:
    """Links and clusters are keyed by id: two records with one id would silently become one."""
    seen: set[str] = set()
    for r in records:
        if r.id in seen:
            raise ValueError(f"the {side} have the id {r.id!r} more than once; ids must be unique")
        seen.add(r.id)


def _link_chunk(bounds: tuple[int, int]) -> tuple[list[tuple], int]:
    """Links of a slice of the left list as plain tuples: from a worker they pickle several times
    faster than Link objects."""
    index, left_p, keep_from = _STATE
    out, pairs = [], 0
    for q in left_p[bounds[0]:bounds[1]]:
        res = index.query(q)
        pairs += len(res)
        for i, p, parts in res:
            if p < keep_from:
                break
            out.append((q.id, index.records[i].id, p, explain(parts)))
    return out, pairs


def _with_claims(link_: Link, joint_probability: float) -> dict[str, str]:
    """The explanation, saying so when other left records' claims moved the probability: the fields'
    weights alone give the one it had on its own."""
    if joint_probability == link_.match_probability:
        return link_.explanation
    return {**link_.explanation,
            "claims": f"{link_.match_probability:.4f} on its own; other left records claim these right records"}


def link(left: Iterable, right: Iterable, *, threshold: float = 0.5,
         progress: Callable[[int], None] | None = None, model: Model | None = None,
         one_to_one: bool = True, joint: bool = False, train: bool | None = None, workers: int = 1,
         stage: Callable[[str], None] | None = None) -> LinkResult:
    """Propose links between two lists, best first.

    Each left record is scored against the right list exactly as CandidateIndex.candidates would, so
    a pair gets the same probability as in interactive mode. `one_to_one` then keeps, best first, at
    most one link per right record as well: when two left records both claim the same right record,
    the weaker claim is an abstention, not a second link, and the stronger one too unless it outweighs
    all the others together (a tie is not decided by the order of the ids).
    `joint` (with one_to_one) first solves the claims of the two lists together
    (model.exclusive_both_ways): a right record that another left record has taken moves a query's
    mass to its other candidates ("Annu Rohit" without a date, between two "Рохит Анну", is the one
    whose dated namesake has not taken the other). Contested pairs then get a probability that
    depends on the rest of the batch, so it differs from the interactive one; uncontested pairs keep
    theirs, and a changed one says so in its explanation ("claims"). On the development sets it adds
    0.001-0.002 F1 (bench/identification_quality.py --joint).
    `progress`, if given, is called with the number of rows just processed: the right list's as they
    are indexed, then the left list's as they are linked (len(right) + len(left) in all). `stage`, if
    given, is called with "indexing", "preparing" (the left list), "training" (when it trains) and
    "linking" as each phase begins.
    `train` re-estimates the model on these two lists first (default: when no model is given); the
    model used is returned in the result, and CandidateIndex(right, model=result.model) gives the same
    probabilities for the same pairs.
    `workers` > 1 scores the left list in forked processes (Linux/macOS): about that much faster on an
    idle machine, but each worker ends up with its own copy of the registry's Python objects
    (reference counting un-shares copy-on-write pages), so memory grows by ~1.5 GiB per million
    registry rows per extra worker. (Preparing the lists in workers as well was measured and gained
    nothing: sending prepared records back costs the parent about what preparing them does.)
    """
    threshold = _checked_threshold(threshold)
    t0 = time.perf_counter()
    phases = {}
    _notify(stage, "indexing")
    index = CandidateIndex(right, model=model, progress=progress)
    _unique_ids(index.records, "right records")
    phases["index"] = time.perf_counter() - t0
    _notify(stage, "preparing")
    left_p = [prepare(r) for r in left]
    _unique_ids(left_p, "left records")
    phases["queries"] = time.perf_counter() - t0 - sum(phases.values())
    if train or (train is None and model is None):
        _notify(stage, "training")
        index.set_model(train_model(index, left_p))
    phases["train"] = time.perf_counter() - t0 - sum(phases.values())
    _notify(stage, "linking")
    global _STATE
    joint = joint and one_to_one
    _STATE = (index, left_p, min(threshold, CLAIM_FLOOR) if joint else threshold)
    chunks = [(lo, min(lo + CHUNK, len(left_p))) for lo in range(0, len(left_p), CHUNK)]
    links: list[Link] = []
    pairs = 0
    workers = max(1, min(os.cpu_count() or 1, workers))
    try:
        if workers > 1 and len(left_p) >= PARALLEL_FROM and "fork" in mp.get_all_start_methods():
            # Workers inherit the built index by fork (copy-on-write); frozen objects are not touched
            # by the collector, which keeps the shared pages shared.
            gc.freeze()
            with mp.get_context("fork").Pool(workers) as pool:
                for (lo, hi), (chunk_links, n) in zip(chunks, pool.imap(_link_chunk, chunks)):
                    links.extend(Link(*t) for t in chunk_links)
                    pairs += n
                    _notify(progress, hi - lo)
        else:
            for lo, hi in chunks:
                chunk_links, n = _link_chunk((lo, hi))
                links.extend(Link(*t) for t in chunk_links)
                pairs += n
                _notify(progress, hi - lo)
    finally:
        _STATE = None
    if joint:
        both_ways = exclusive_both_ways([(l.left_id, l.right_id, l.match_probability) for l in links])
        links = [Link(l.left_id, l.right_id, p, _with_claims(l, p)) for l, p in zip(links, both_ways)
                 if p >= threshold]
    links.sort(key=lambda l: (-l.match_probability, l.left_id, l.right_id))
    if one_to_one:
        claims: dict[str, float] = {}
        for l in links:
            claims[l.right_id] = claims.get(l.right_id, 0.0) + l.match_probability
        seen_l, seen_r, kept = set(), set(), []
        for l in links:
            if l.left_id in seen_l or l.right_id in seen_r:
                continue
            seen_l.add(l.left_id), seen_r.add(l.right_id)
            # two records of ours that claim the same one about equally ("Pandit Pathak, 1997" twice):
            # which is meant is a guess, so neither is linked
            if l.match_probability > claims[l.right_id] - l.match_probability:
                kept.append(l)
        links = kept
    phases["score"] = time.perf_counter() - t0 - sum(phases.values())
    return LinkResult(links, pairs, time.perf_counter() - t0, len(left_p), len(index), index.model, phases)



def dedupe(records: Iterable, *, threshold: float = 0.5, progress: Callable[[int], None] | None = None,
           model: Model | None = None, train: bool | None = None,
           stage: Callable[[str], None] | None = None) -> DedupeResult:
    """Cluster one list: pairwise probabilities >= threshold joined by connected components.

    `progress` and `stage` as for link(): the rows are counted twice, as they are indexed and as they
    are compared (2 x len(records) in all)."""
    threshold = _checked_threshold(threshold)
    t0 = time.perf_counter()
    _notify(stage, "indexing")
    index = CandidateIndex(records, model=model, progress=progress)
    recs = index.records
    _unique_ids(recs, "records")
    if train or (train is None and model is None):
        _notify(stage, "training")
        index.set_model(train_model(index, recs, exclude_self=True))
    _notify(stage, "deduplicating")
    parent = list(range(len(recs)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links, pairs = [], 0
    for k, q in enumerate(recs):
        for i, w, parts in index.scored(q, exclude=k):
            if i < k:
                continue  # each unordered pair once
            pairs += 1
            p = index.pair_probability(w)
            if p >= threshold:
                links.append(Link(q.id, recs[i].id, p, explain(parts)))
                parent[find(i)] = find(k)
        if (k + 1) % 1000 == 0:
            _notify(progress, 1000)
    _notify(progress, len(recs) % 1000)
    links.sort(key=lambda l: (-l.match_probability, l.left_id, l.right_id))
    clusters = {r.id: recs[find(k)].id for k, r in enumerate(recs)}
    return DedupeResult(clusters, links, pairs, time.perf_counter() - t0, len(recs), index.model)
