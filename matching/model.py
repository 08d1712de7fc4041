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

import numpy as np

from .compare import (DOB_LABELS, NAME_LABELS, PASSPORT_LABELS, compare_dob, compare_names,
                      compare_passport, compare_phone, compare_place, compare_sex)
from .records import Prepared, prepare

DEFAULT_M = {
    # P(level | same person), measured on the development sets (levels of the true pairs), with a floor
    # so that no level is treated as impossible.
    # Names: the true pairs of the development sets agree exactly 0.72 and phonetically 0.13 of the time.
    # Lists of other tokens agree phonetically more often (simulated true names of held-out tokens:
    # exact 0.61, phonetic 0.22, against 0.84 and 0.10 with the development tokens; see
    # bench/transliteration_holdout.py), and with names as the only evidence EM cannot learn it, so the
    # shipped pair lies between the two.
    "name": {"exact": 0.64, "phonetic": 0.21, "fuzzy": 0.04, "initials": 0.05, "subset": 0.005,
             "partial": 0.009, "replaced": 0.003, "conflict": 0.002, "none": 0.01},
    # the same, given that one of the two names is written with initials ("R. Kumar"): then agreeing
    # "with initials" is what a true match nearly always looks like, not a rare level
    "name_initials": {"exact": 0.01, "phonetic": 0.01, "fuzzy": 0.01, "initials": 0.3, "subset": 0.03,
                      "partial": 0.02, "replaced": 0.03, "conflict": 0.01, "none": 0.03},
    "dob_full": {"exact": 0.93, "swapped": 0.015, "close": 0.01, "year_pm1_sameday": 0.025,
                 "same_year": 0.005, "year_pm1": 0.007, "different": 0.008},
    "dob_partial": {"year": 0.97, "year_month": 0.97, "same_year": 0.005, "year_pm1": 0.005,
                    "different": 0.01},
    "passport": {"exact": 0.94, "ocr": 0.015, "one_edit": 0.035, "different": 0.01},
    "phone": {"exact": 0.85, "last7": 0.05, "different": 0.10},
    "place": {"exact": 0.90, "similar": 0.04, "different": 0.06},
    "sex": {"exact": 0.97, "different": 0.03},
}
# Identifiers are unique to a person, so two different people share one only by a slip: at least as
# rarely as one in this many, however few numbers the registry holds (in a list of three, "one in three"
# would make an agreeing passport count for nothing).
MIN_IDENTIFIERS = 10_000
FIELDS = ("name", "date_of_birth", "passport_number", "phone", "home_state", "home_district", "sex")


@dataclass
class Model:
    m: dict = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_M.items()})
    prior: float = 0.9          # P(a query is in the registry at all)
    name_none_u: float = 0.9

    def m_of(self, group: str, level: str) -> float:
        return self.m[group].get(level, 1e-3)

    def to_dict(self) -> dict:
        """JSON-ready parameters, so a model trained on one batch can be stored and reused (registry)."""
        return {"m": self.m, "prior": self.prior, "name_none_u": self.name_none_u}

    @classmethod
    def from_dict(cls, data: dict) -> "Model":
        m = {k: dict(v) for k, v in DEFAULT_M.items()}
        for group, levels in data.get("m", {}).items():
            m.setdefault(group, {}).update({k: float(v) for k, v in levels.items()})
        return cls(m=m, prior=float(data.get("prior", 0.9)), name_none_u=float(data.get("name_none_u", 0.9)))


class Stats:
    """Frequencies of values in the registry (the 'u' side of the model)."""

    def __init__(self, records: Iterable[Prepared] = ()):
        self.n = 0
        self.fine, self.coarse, self.initial = Counter(), Counter(), Counter()
        self.year, self.date, self.state, self.district = Counter(), Counter(), Counter(), Counter()
        self.n_dob = self.n_full = self.n_pass = self.n_phone = 0
        self.ntok = Counter()   # number of name units (tokens + initials) per record
        self._alike = None      # alike_p, until the next record
        self.n_repeated = 0     # names that write one of their names twice ("Pawan Pawan Sharma")
        self.n_tokens = 0
        for r in records:
            self.add(r)

    def add(self, r: Prepared) -> None:
        self.n += 1
        n = r.name
        fine, coarse, initial = self.fine, self.coarse, self.initial
        keys = set(n.keys)
        if n.family:
            keys.update(f for f in n.family if f)
        for k in keys:
            fine[k] = fine.get(k, 0) + 1
        for k in set(n.coarse):
            coarse[k] = coarse.get(k, 0) + 1
        # initials are counted per token: the question an initial answers is "does the *other* token
        # start with this letter", not "does any token of the record"
        for key, tok in zip(n.keys, n.tokens):
            for k in {key[:1], tok[:1]}:
                initial[k] = initial.get(k, 0) + 1
        self.n_tokens += len(n.keys)
        self._alike = None
        self.ntok[n_units(n)] += 1
        self.n_repeated += bool(n.repeated)
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
        return (self.initial.get(key, 0) + 1) / (self.n_tokens + 1)

    @property
    def alike_p(self) -> float:
        """P(two tokens of different people start with the same sound), from the skeletons' first
        letters (each record's distinct skeletons)."""
        if self._alike is None:
            first = Counter()
            for key, count in self.coarse.items():
                first[key[:1]] += count
            total = sum(first.values())
            self._alike = sum(c * c for c in first.values()) / (total * total) if total else 0.1
        return self._alike

    def year_p(self, y: int) -> float:
        return (self.year.get(y, 0) + 1) / (self.n_dob + 60)


def n_units(name) -> int:
    return name.optional.count(False) + len(name.initials)


FULL_LEVELS = frozenset({"exact", "phonetic", "fuzzy", "initials"})


def _w(m: float, u: float) -> float:
    # comparisons rather than min()/max(): this runs several times for each of millions of pairs
    if m < 1e-9:
        m = 1e-9
    if u < 1e-12:
        u = 1e-12
    elif u > 1.0:
        u = 1.0
    return _log2(m / u)


_log2 = math.log2


def name_part(a, b, stats: Stats, model: Model) -> tuple[str, float, str] | None:
    """(level, weight, parameter group) of the name comparison, or None when a name is missing."""
    level, matches = compare_names(a, b)
    if level == "missing":
        return None
    if level == "none":
        u = model.name_none_u
    else:
        u = 1.0
        fine, n1 = stats.fine, stats.n + 1
        for kind, key in matches:
            # an exact token is most agreements: its u inline, the others through token_u
            u *= (fine.get(key, 0) + 0.5) / n1 if kind == "exact" else stats.token_u(kind, key)
        if level in FULL_LEVELS:
            # agreeing on the whole name also means having no other tokens: a lone "Pandit" in the
            # registry is much rarer than "Pandit" as one token of a longer name
            u *= (stats.ntok.get(n_units(b), 0) + 1) / (stats.n + 1)
        if a.repeated and b.repeated and not set(a.repeated).isdisjoint(b.repeated):
            # both write the same name twice: a habit of this man's papers that few others share
            u *= (stats.n_repeated + 1) / (stats.n + 1)
        if level == "partial" or level == "replaced":
            # the conflicting tokens of two different people start alike by chance, once for each
            # pair of them that could (written out: this runs for most candidate pairs at scale)
            agreed = len(matches)
            if a.initials or b.initials:
                agreed -= sum(1 for kind, _ in matches if kind == "initial")
            na, nb = len(a.keys) - agreed, len(b.keys) - agreed
            alike = stats._alike
            if alike is None:
                alike = stats.alike_p
            alike *= (na if na > 1 else 1) * (nb if nb > 1 else 1)
            if alike > 1.0:
                alike = 1.0
            u *= alike if level == "partial" else 1 - alike
    group = "name_initials" if a.initials or b.initials else "name"
    return level, _w(model.m[group].get(level, 1e-3), u), group


def score(q: Prepared, r: Prepared, stats: Stats, model: Model,
          name_cache: dict | None = None) -> tuple[float, list[tuple[str, str, str, float]]]:
    """Total log2 Bayes factor for the pair and per-field (field, parameter group, level, weight).

    `name_cache` memoises the name part by query name, then registry name, by identity: names are
    interned (normalise_name), lists repeat names a lot, and the name part is most of the cost.
    """
    parts: list[tuple[str, str, float]] = []
    total = 0.0
    if name_cache is not None:
        per_query = name_cache.get(id(q.name))
        if per_query is None:
            per_query = name_cache[id(q.name)] = {}
        np_ = per_query.get(id(r.name), False)
        if np_ is False:
            np_ = per_query[id(r.name)] = name_part(q.name, r.name, stats, model)
    else:
        np_ = name_part(q.name, r.name, stats, model)
    if np_ is not None:
        parts.append(("name", np_[2], np_[0], np_[1]))
        total += np_[1]
    if q.dob is not None and r.dob is not None:
        lvl = compare_dob(q.dob, r.dob)
        py = stats.year_p(q.dob[0])
        group = "dob_full" if q.dob[1] and q.dob[2] and r.dob[1] and r.dob[2] else "dob_partial"
        if group == "dob_full":
            if lvl == "exact":
                # how often the *other* registry records have this date (r itself always does), with
                # one pseudo-record at the year's rate: in a list of three, r's own date is no sign
                # that a third of all people share a birthday
                p0 = py / 365.25
                u = max((max(stats.date.get(r.dob, 0) - 1, 0) + p0) / max(stats.n_full, 1), p0)
            elif lvl == "swapped":
                u = py / 365.25
            elif lvl == "close":
                u = py * 0.12
            elif lvl == "year_pm1_sameday":
                u = 2 * py / 365.25
            elif lvl == "same_year":
                u = py
            elif lvl == "year_pm1":
                u = 2 * py
            else:
                u = 1.0
        elif lvl == "year" or lvl == "same_year":
            u = py
        elif lvl == "year_month":
            u = py / 12
        elif lvl == "year_pm1":
            u = 2 * py
        else:
            u = 1.0
        w = _w(model.m_of(group, lvl), u)
        parts.append(("date_of_birth", group, lvl, w))
        total += w
    if q.passport and r.passport:
        lvl = compare_passport(q.passport, q.passport_ocr, r.passport, r.passport_ocr)
        npass = max(stats.n_pass, MIN_IDENTIFIERS)
        # one edit away: identifiers are sparse in their space (and FEBRL-style typos are common), so this
        # is much rarer than 1/npass times the number of neighbours would suggest for a dense space
        u = 1 / npass if lvl == "exact" else 2 / npass if lvl == "ocr" else \
            max(1e-4, 1 / npass) if lvl == "one_edit" else 1.0
        w = _w(model.m_of("passport", lvl), u)
        parts.append(("passport_number", "passport", lvl, w))
        total += w
    if q.phone and r.phone:
        lvl = compare_phone(q.phone, r.phone)
        nph = max(stats.n_phone, MIN_IDENTIFIERS)
        u = {"exact": 1 / nph, "last7": min(1.0, 10 / nph)}.get(lvl, 1.0)
        w = _w(model.m_of("phone", lvl), u)
        parts.append(("phone", "phone", lvl, w))
        total += w
    for fname, qa, ra, counter in (("home_state", q.state, r.state, stats.state),
                                   ("home_district", q.district, r.district, stats.district)):
        if qa and ra:
            lvl = compare_place(qa, ra)
            u = {"exact": (counter.get(ra, 0) + 1) / (stats.n + 1), "similar": 0.05}.get(lvl, 0.9)
            w = _w(model.m_of("place", lvl), u)
            parts.append((fname, "place", lvl, w))
            total += w
    if q.sex and r.sex:
        lvl = compare_sex(q.sex, r.sex)
        w = _w(model.m_of("sex", lvl), 0.5)
        parts.append(("sex", "sex", lvl, w))
        total += w
    return total, parts


LABELS = {"name": NAME_LABELS, "name_initials": NAME_LABELS, "dob_full": DOB_LABELS, "dob_partial": DOB_LABELS, "passport": PASSPORT_LABELS,
          "phone": {"exact": "exact", "last7": "last 7 digits agree", "different": "different"}}


def explain(parts) -> dict[str, str]:
    return {f: f"{LABELS.get(g, {}).get(lvl, lvl)} ({w:+.1f})" for f, g, lvl, w in parts}


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


def exclusive_both_ways(pairs: list[tuple[str, str, float]], *, damping: float = 0.5,
                        tolerance: float = 1e-9, max_iterations: int = 1000) -> list[float]:
    """The probabilities of (left id, right id, probability) pairs when a right record, too, is at most
    one left record.

    exclusive_probabilities shares a query's mass among its candidates; in a batch, a right record
    that another left record claims is less likely to be this one, and the query's mass moves to its
    other candidates: "Annu Rohit" without a date, between two "Рохит Анну", is the one whose
    namesake with a date has not taken the other. With a_j the probability that no *other* left record
    is right record j, each query's candidates become
        p'_j = p_j a_j / (1 - sum_k p_k (1 - a_k)),
    its own formula with candidate j's prior weighed by a_j (uncontested pairs keep p exactly). The
    equations are solved together (mean field), damped: undamped they can swing between two states.
    The pairs should include every candidate with a non-negligible probability, not only links.
    """
    if not pairs:
        return []
    left_of: dict[str, int] = {}
    right_of: dict[str, int] = {}
    rows = np.array([left_of.setdefault(left, len(left_of)) for left, _, _ in pairs])
    columns = np.array([right_of.setdefault(right, len(right_of)) for _, right, _ in pairs])
    prior_p = np.array([p for _, _, p in pairs], dtype=float)
    current = prior_p.copy()
    for _ in range(max_iterations):
        # an uncontested pair has free == 1 and denominator == 1 exactly, so it keeps p to the bit
        free = np.clip(1.0 - (np.bincount(columns, weights=current)[columns] - current), 0.0, 1.0)
        denominator = 1.0 - np.bincount(rows, weights=prior_p * (1.0 - free))[rows]
        updated = damping * current + (1 - damping) * prior_p * free / denominator
        change = float(np.abs(updated - current).max())
        current = updated
        if change < tolerance:
            break
    return current.tolist()


def pair_probability(weight: float, n_registry: int, prior: float) -> float:
    """Pairwise posterior (dedupe): prior odds pi/N per pair."""
    lam = prior / max(n_registry, 1)
    logit = weight + math.log2(lam / (1 - lam))
    if logit > 60:
        return 1.0
    return 1.0 / (1.0 + 2.0 ** (-logit))


def train(index, queries, *, iterations: int = 4, strength: float = 30.0, max_queries: int = 10000,
          progress=None, exclude_self: bool = False) -> Model:
    """Unsupervised re-estimation of the m-probabilities on these lists (held-out-field EM).

    The u side stays fixed (registry frequencies), so only how often the same person shows each level
    of agreement is learnt - the part that differs between sources (FEBRL's typing errors vs a ministry's
    transcriptions). Plain EM locks onto the wrong signal here: on names-only lists "one shared token and
    the same year" is common among *different* people and EM happily calls it a match. So the level
    counts of a field are weighted by the match probability computed *without that field*: under
    conditional independence that selection does not depend on the field's own level, and a field that
    is the only evidence (names on a names-only list) gets no counts and keeps its shipped default.
    Each parameter is anchored by `strength` pseudo-observations at the defaults; the prior is not
    re-estimated (it is a statement about the use, not about the files).
    """
    base = index.model
    queries = list(queries)[:max_queries]
    model = Model(m={k: dict(v) for k, v in base.m.items()}, prior=base.prior, name_none_u=base.name_none_u)
    params = [(g, lvl) for g, levels in model.m.items() for lvl in levels]
    param_of = {gl: k for k, gl in enumerate(params)}
    group_names = list(model.m)
    group_index = {g: k for k, g in enumerate(group_names)}
    group_of_param = np.array([group_index[g] for g, _ in params])
    # Every candidate pair of the sample as flat arrays (candidates in query order; their field parts),
    # so that the iterations run in numpy: as per-query Python loops they cost more than the scoring
    cand_query, cand_w, part_cand, part_group, part_param, part_w = [], [], [], [], [], []
    for k, q in enumerate(queries):
        for _i, w, parts in index.scored(prepare(q), exclude=k if exclude_self else None):
            c = len(cand_w)
            cand_query.append(k), cand_w.append(w)
            for _f, g, lvl, wf in parts:
                part_cand.append(c), part_group.append(group_index.get(g, -1))
                part_param.append(param_of.get((g, lvl), -1)), part_w.append(wf)
    if progress:
        progress(len(queries))
    if not cand_w:
        return model
    cand_query, cand_w = np.array(cand_query), np.array(cand_w, dtype=float)
    part_cand, part_group = np.array(part_cand, dtype=np.intp), np.array(part_group)
    part_param, part_w = np.array(part_param), np.array(part_w, dtype=float)
    n_cands = len(cand_w)
    starts = np.flatnonzero(np.r_[True, cand_query[1:] != cand_query[:-1]])   # first candidate per query
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n_cands]))
    parts_per_cand = np.bincount(part_cand, minlength=n_cands)
    log_lam = math.log2(model.prior / max(len(index.records), 1))
    base_term = math.log2(1 - model.prior)
    known = part_param >= 0
    for _ in range(iterations):
        counts = np.zeros(len(params))
        for gi in range(len(group_names)):
            in_g = part_group == gi
            if not in_g.any():
                continue
            without = cand_w - np.bincount(part_cand[in_g], weights=part_w[in_g], minlength=n_cands)
            p = _exclusive_by_query(without + log_lam, base_term, starts, seg)
            # only pairs that at least two *other* fields already decide: with one other field
            # (a names-only list) the model is not identifiable and that field's own errors
            # (namesakes) would be learnt as the same person's variation
            others = parts_per_cand - np.bincount(part_cand[in_g], minlength=n_cands)
            decided = (p >= 0.95) & (others >= 2)
            sel = in_g & known & decided[part_cand]
            counts += np.bincount(part_param[sel], weights=p[part_cand[sel]], minlength=len(params))
        old = np.array([model.m[g][lvl] for g, lvl in params])
        for gi, g in enumerate(group_names):
            mine = [k for k in range(len(params)) if group_of_param[k] == gi]
            total = counts[mine].sum()
            for k in mine:
                lvl = params[k][1]
                model.m[g][lvl] = float((counts[k] + strength * DEFAULT_M[g][lvl]) / (total + strength))
        new = np.array([model.m[g][lvl] for g, lvl in params])
        shift = np.log2(np.maximum(new, 1e-9)) - np.log2(np.maximum(old, 1e-9))
        moved = np.where(known, shift[part_param], 0.0)   # move the stored weights to the new parameters
        part_w += moved
        cand_w += np.bincount(part_cand, weights=moved, minlength=n_cands)
    return model


def _exclusive_by_query(terms, base_term: float, starts, seg):
    """exclusive_probabilities for many queries at once: `terms` (log2 of lambda x BF per candidate) are
    grouped by query, `starts` the first candidate of each query, `seg` each candidate's query."""
    ref = np.maximum(np.maximum.reduceat(terms, starts), base_term)
    scaled = np.exp2(terms - ref[seg])
    denom = np.exp2(base_term - ref) + np.add.reduceat(scaled, starts)
    return scaled / denom[seg]
