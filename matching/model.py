"""Fellegi–Sunter scoring with term-frequency adjustment, and unsupervised (EM) re-estimation of m.

weight(field) = log2( m(level) / u(level) ), where m = P(level | same person) is a model parameter and
u = P(level | different people) is taken from the registry itself: for names it is the product of the
frequencies of the tokens that agreed (a match on Singh is weak, on Mangukiya strong), for dates of birth
the frequency of the birth year, for identifiers one over the number of identifiers.

Probabilities: a query (a left record, an intake report) is the same person as at most one registry
record. With prior pi that it is in the registry at all, spread evenly over the N registry records,
    P(candidate i) = (pi/N)·BF_i / ((1-pi) + (pi/N)·sum_j BF_j)
over all candidates j of that query. Two near-equal candidates therefore share the probability mass and
neither reaches 0.5: the engine abstains instead of guessing between two Kumars born the same year.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from .compare import (DOB_LABELS, NAME_LABELS, PASSPORT_LABELS, compare_dob, compare_names,
                      compare_passport, compare_phone, compare_place, compare_sex)
from .records import Prepared

DEFAULT_M = {
    # P(level | same person), measured on the development sets (levels of the true pairs), with a floor
    # so that no level is treated as impossible.
    "name": {"exact": 0.72, "phonetic": 0.13, "fuzzy": 0.04, "initials": 0.05, "subset": 0.005,
             "partial": 0.012, "conflict": 0.002, "none": 0.01},
    "dob_full": {"exact": 0.93, "swapped": 0.015, "close": 0.01, "year_pm1_sameday": 0.025,
                 "same_year": 0.005, "year_pm1": 0.007, "different": 0.008},
    "dob_partial": {"year": 0.97, "year_month": 0.97, "same_year": 0.005, "year_pm1": 0.015,
                    "different": 0.01},
    "passport": {"exact": 0.95, "ocr": 0.015, "one_edit": 0.025, "different": 0.01},
    "phone": {"exact": 0.85, "last7": 0.05, "different": 0.10},
    "place": {"exact": 0.90, "similar": 0.04, "different": 0.06},
    "sex": {"exact": 0.97, "different": 0.03},
}
FIELDS = ("name", "date_of_birth", "passport_number", "phone", "home_state", "home_district", "sex")


@dataclass
class Model:
    m: dict = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_M.items()})
    prior: float = 0.9          # P(a query is in the registry at all)
    name_none_u: float = 0.9

    def m_of(self, group: str, level: str) -> float:
        return self.m[group].get(level, 1e-3)


class Stats:
    """Frequencies of values in the registry (the 'u' side of the model)."""

    def __init__(self, records: Iterable[Prepared] = ()):
        self.n = 0
        self.fine, self.coarse, self.initial = Counter(), Counter(), Counter()
        self.year, self.date, self.state, self.district = Counter(), Counter(), Counter(), Counter()
        self.n_dob = self.n_full = self.n_pass = self.n_phone = 0
        self.ntok = Counter()   # number of name units (tokens + initials) per record
        for r in records:
            self.add(r)

    def add(self, r: Prepared) -> None:
        self.n += 1
        n = r.name
        self.fine.update(set(n.keys))
        self.ntok[n_units(n)] += 1
        self.coarse.update(set(n.coarse))
        self.initial.update({k[:1] for k in n.keys} | {t[:1] for t in n.tokens} | set(n.initials))
        if r.dob:
            self.n_dob += 1
            self.year[r.dob[0]] += 1
            if r.dob[1] and r.dob[2]:
                self.n_full += 1
                self.date[r.dob] += 1
        self.n_pass += bool(r.passport)
        self.n_phone += bool(r.phone)
        if r.state:
            self.state[r.state] += 1
        if r.district:
            self.district[r.district] += 1

    # --- u helpers ---
    def token_u(self, kind: str, key: str) -> float:
        n1 = self.n + 1
        if kind == "exact":
            return (self.fine.get(key, 0) + 0.5) / n1
        # Spelling-variant agreement: as rare as the registry token itself, with some allowance for the
        # other spellings that would also have agreed at this level.
        if kind in ("phonetic", "fuzzy"):
            # key is "query-key registry-key": weigh by the commoner of the two spellings, so a typo
            # in the registry (a rare spelling) does not make the agreement look rare
            ka, _, kb = key.partition(" ")
            f = (max(self.fine.get(ka, 0), self.fine.get(kb, 0)) + 0.5) / n1
            return min(1.0, 1.5 * f) if kind == "phonetic" else min(1.0, 4 * f + 1e-4)
        if kind == "joined":
            return max(self.coarse.get(key, 0) + 0.5, 1.0) / n1
        return (self.initial.get(key, 0) + 1) / n1

    def year_p(self, y: int) -> float:
        return (self.year.get(y, 0) + 1) / (self.n_dob + 60)


def n_units(name) -> int:
    return sum(1 for o in name.optional if not o) + len(name.initials)


FULL_LEVELS = frozenset({"exact", "phonetic", "fuzzy", "initials"})


def _w(m: float, u: float) -> float:
    return math.log2(max(m, 1e-9) / min(max(u, 1e-12), 1.0))


def score(q: Prepared, r: Prepared, stats: Stats, model: Model) -> tuple[float, dict[str, tuple[str, float]]]:
    """Total log2 Bayes factor for the pair and per-field (level label, weight)."""
    out: dict[str, tuple[str, float]] = {}
    level, matches = compare_names(q.name, r.name)
    if level != "missing":
        if level == "none":
            u = model.name_none_u
        else:
            u = 1.0
            for kind, key in matches:
                u *= stats.token_u(kind, key)
            if level in FULL_LEVELS:
                # agreeing on the whole name also means having no other tokens: a lone "Pandit" in the
                # registry is much rarer than "Pandit" as one token of a longer name
                u *= (stats.ntok.get(n_units(r.name), 0) + 1) / (stats.n + 1)
        out["name"] = (NAME_LABELS[level], _w(model.m_of("name", level), u))
    lvl = compare_dob(q.dob, r.dob)
    if lvl != "missing":
        y = q.dob[0]
        py = stats.year_p(y)
        full = bool(q.dob[1] and q.dob[2] and r.dob[1] and r.dob[2])
        if full:
            if lvl == "exact":
                u = max((stats.date.get(r.dob, 0) + 0.5) / (stats.n_full + 1), py / 365.25)
            else:
                u = {"swapped": py / 365.25, "close": py * 0.12, "year_pm1_sameday": 2 * py / 365.25,
                     "same_year": py, "year_pm1": 2 * py}.get(lvl, 1.0)
            m = model.m_of("dob_full", lvl)
        else:
            u = {"year": py, "year_month": py / 12, "same_year": py, "year_pm1": 2 * py}.get(lvl, 1.0)
            m = model.m_of("dob_partial", lvl)
        out["date_of_birth"] = (DOB_LABELS[lvl], _w(m, u))
    lvl = compare_passport(q.passport, q.passport_ocr, r.passport, r.passport_ocr)
    if lvl != "missing":
        npass = max(stats.n_pass, 1)
        u = {"exact": 1 / npass, "ocr": 2 / npass, "one_edit": min(1.0, 80 / npass)}.get(lvl, 1.0)
        out["passport_number"] = (PASSPORT_LABELS[lvl], _w(model.m_of("passport", lvl), u))
    lvl = compare_phone(q.phone, r.phone)
    if lvl != "missing":
        nph = max(stats.n_phone, 1)
        u = {"exact": 1 / nph, "last7": min(1.0, 10 / nph)}.get(lvl, 1.0)
        out["phone"] = (lvl.replace("last7", "last 7 digits agree"), _w(model.m_of("phone", lvl), u))
    for fname, qa, ra, counter in (("home_state", q.state, r.state, stats.state),
                                   ("home_district", q.district, r.district, stats.district)):
        lvl = compare_place(qa, ra)
        if lvl != "missing":
            total = sum(counter.values()) or 1
            u = {"exact": (counter.get(ra, 0) + 1) / (total + 1), "similar": 0.05}.get(lvl, 0.9)
            out[fname] = (lvl, _w(model.m_of("place", lvl), u))
    lvl = compare_sex(q.sex, r.sex)
    if lvl != "missing":
        out["sex"] = (lvl, _w(model.m_of("sex", lvl), 0.5))
    return sum(w for _, w in out.values()), out


def explain(parts: dict[str, tuple[str, float]]) -> dict[str, str]:
    return {f: f"{label} ({w:+.1f})" for f, (label, w) in parts.items()}


def exclusive_probabilities(weights: list[float], n_registry: int, prior: float) -> list[float]:
    """Posterior that the query is each candidate, given it is at most one registry record."""
    if not weights:
        return []
    log_lam = math.log2(prior / max(n_registry, 1))
    top = max(weights) + log_lam
    # work relative to the largest term to stay in range
    base = math.log2(1 - prior)
    ref = max(top, base)
    terms = [2.0 ** (w + log_lam - ref) for w in weights]
    denom = 2.0 ** (base - ref) + sum(terms)
    return [t / denom for t in terms]


def pair_probability(weight: float, n_registry: int, prior: float) -> float:
    """Pairwise posterior (dedupe): prior odds pi/N per pair."""
    lam = prior / max(n_registry, 1)
    logit = weight + math.log2(lam / (1 - lam))
    if logit > 60:
        return 1.0
    return 1.0 / (1.0 + 2.0 ** (-logit))
