"""How far any decision rule on the engine's evidence could go: a classifier trained on the answers.

The engine learns without labels. To see whether a better decision rule on the same evidence exists,
this fits a classifier (gradient boosting, a random forest, a logistic regression) to truth.csv itself, on what the engine sees of each candidate
pair (its probability, the level and weight of every field, the other candidates of the same query
and the other queries' claims on the same record, the identical names on each side), and scores it
by 10-fold cross-validation over the left records: each left record is decided by a model that never
saw its answer. Decisions as the engine makes them: per left record its best candidate at >= 0.5,
one link per right record, and no link when two candidates are scored the same (the order of the
rows must not decide).

This is a measuring stick, not an engine: it needs the answers. If it cannot beat the engine, the
errors left are in the evidence, not in the way the engine weighs it.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from matching import CandidateIndex, Record, link
from matching.compare import DOB_LABELS, NAME_LABELS, PASSPORT_LABELS
from matching.records import prepare

TOP = 5        # candidates per left record the classifier sees (the engine's best first)
FOLDS = 10


def _level(levels: dict, level: str | None) -> int:
    return list(levels).index(level) if level in levels else -1


def _name_set(r: Record) -> tuple[str, ...]:
    return tuple(sorted(r.full_name.casefold().split()))


def _features(left: list[Record], right: list[Record]):
    """(feature rows, (left id, right id) per row, left position per row)."""
    result = link(left, right)
    index = CandidateIndex(right, model=result.model)
    right_by_id = {r.id: r for r in right}
    right_twins, left_twins = Counter(map(_name_set, right)), Counter(map(_name_set, left))
    queries = [(rec, prepare(rec)) for rec in left]
    answers = [sorted(index.query(q), key=lambda t: -t[1]) for _, q in queries]
    claims: dict[str, float] = defaultdict(float)
    for out in answers:
        for i, p, _ in out:
            claims[index.records[i].id] += p
    rows, pairs, groups = [], [], []
    for k, ((rec, q), out) in enumerate(zip(queries, answers)):
        probabilities = [p for _, p, _ in out]
        for rank, (i, p, parts) in enumerate(out[:TOP]):
            r = index.records[i]
            by_group = {group: (level, weight) for _, group, level, weight in parts}
            name = by_group.get("name") or by_group.get("name_initials") or (None, 0.0)
            dob = by_group.get("dob_full") or by_group.get("dob_partial") or (None, 0.0)
            passport = by_group.get("passport", (None, 0.0))
            others = probabilities[:rank] + probabilities[rank + 1:]
            rows.append([
                p, len(out), max(others, default=0.0), sum(probabilities), claims[r.id] - p,
                name[1], dob[1], passport[1], _level(NAME_LABELS, name[0]), _level(DOB_LABELS, dob[0]),
                _level(PASSPORT_LABELS, passport[0]), "dob_full" in by_group,
                bool(q.name.initials), bool(r.name.initials), len(q.name.keys), len(r.name.keys),
                q.dob is not None, r.dob is not None, bool(q.passport), bool(r.passport),
                right_twins[_name_set(right_by_id[r.id])], left_twins[_name_set(rec)],
            ])
            pairs.append((rec.id, r.id))
            groups.append(k)
    return np.array(rows, dtype=float), pairs, np.array(groups)


def _learner(kind: str):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    if kind == "boosting":
        return HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0)
    if kind == "forest":
        return RandomForestClassifier(500, min_samples_leaf=2, random_state=0, n_jobs=2)
    return LogisticRegression(max_iter=5000)


LEARNERS = ("boosting", "forest", "logistic")


def supervised_ceiling(left: list[Record], right: list[Record], gold: set, threshold: float = 0.5,
                       learner: str = "boosting") -> tuple[float, float, float, int, int]:
    """(precision, recall, F1, wrong links, missed links) of the cross-validated classifier
    (`learner`: one of LEARNERS)."""
    from sklearn.model_selection import GroupKFold

    X, pairs, groups = _features(left, right)
    y = np.array([pair in gold for pair in pairs])
    predicted = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(X, y, groups):
        model = _learner(learner)
        predicted[test] = model.fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    per_left: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (left_id, right_id), p in zip(pairs, predicted):
        per_left[left_id].append((p, right_id))
    best = []
    for left_id, scored in per_left.items():
        scored.sort(reverse=True)
        p, right_id = scored[0]
        tied = len(scored) > 1 and scored[1][0] >= p - 1e-9
        if p >= threshold and not tied:
            best.append((p, left_id, right_id))
    taken, links = set(), set()
    for p, left_id, right_id in sorted(best, reverse=True):
        if right_id not in taken:
            taken.add(right_id)
            links.add((left_id, right_id))
    tp = len(links & gold)
    fp, fn = len(links) - tp, len(gold) - tp
    precision = tp / len(links) if links else 0.0
    recall = tp / len(gold) if gold else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return precision, recall, f1, fp, fn
