"""Possible existing cases for a person being reported: the identification engine over the registry.

The index lives in the process and is brought up to date before each query: new cases are added to
it; anything else that changes whom it should hold (names added to old persons, merges) rebuilds it.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max

from matching import CandidateIndex, Record
from matching.model import exclusive_probabilities, explain, score

from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, CaseEvent, PersonIdentifier, PersonName

# Above ATTACH an upload row is taken to be that case; between REVIEW and ATTACH an officer decides.
ATTACH = 0.9
REVIEW = 0.5
SHOWN = 0.1


@dataclass(frozen=True)
class Match:
    case_id: int
    reference: str
    probability: float
    explanation: dict


def _signature() -> tuple:
    return (
        Case.objects.aggregate(m=Max("id"))["m"] or 0,
        PersonName.objects.aggregate(m=Max("id"))["m"] or 0,
        PersonIdentifier.objects.aggregate(m=Max("id"))["m"] or 0,
        CaseEvent.objects.filter(kind__in=[Event.MERGED, Event.UNMERGED]).aggregate(m=Max("id"))["m"] or 0,
    )


def records_for(cases) -> list[Record]:
    """One record per name a case's person is known by (in any script), ids 'case:name:reference'."""
    cases = list(cases.exclude(status=Event.MERGED).values_list("pk", "person_id", "person__date_of_birth",
                                                               "person__home_state", "person__home_district",
                                                               "person__sex", "reference"))
    person_ids = [c[1] for c in cases]
    names, passports, phones = defaultdict(list), {}, {}
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start:start + 5000]
        for person_id, name_id, full_name in PersonName.objects.filter(person_id__in=chunk).values_list(
                "person_id", "id", "full_name"):
            names[person_id].append((name_id, full_name))
        for identifier in PersonIdentifier.objects.filter(person_id__in=chunk).exclude(
                kind=PersonIdentifier.Kind.NATIONAL_ID):
            target = passports if identifier.kind == PersonIdentifier.Kind.PASSPORT else phones
            target.setdefault(identifier.person_id, identifier.value)
    records = []
    for case_id, person_id, dob, state, district, sex, reference in cases:
        for name_id, full_name in names[person_id]:
            records.append(Record(id=f"{case_id}:{name_id}:{reference}", full_name=full_name, date_of_birth=dob,
                                  passport_number=passports.get(person_id, ""), phone=phones.get(person_id, ""),
                                  home_state=state, home_district=district, sex=sex))
    return records


class RegistryIndex:
    def __init__(self):
        self._lock = threading.Lock()
        self._index: CandidateIndex | None = None
        self._signature: tuple = ()

    def reset(self) -> None:
        with self._lock:
            self._index, self._signature = None, ()

    def current(self) -> CandidateIndex:
        with self._lock:
            signature = _signature()
            if self._index is not None and signature != self._signature:
                old = self._signature
                # Only new cases (with their own new names) since the last look: add them.
                only_new_cases = signature[3] == old[3] and not PersonName.objects.filter(
                    id__gt=old[1], person__cases__id__lte=old[0]).exists() and not PersonIdentifier.objects.filter(
                    id__gt=old[2], person__cases__id__lte=old[0]).exists()
                if only_new_cases:
                    for record in records_for(Case.objects.filter(id__gt=old[0])):
                        self._index.add(record)
                else:
                    self._index = None
            if self._index is None:
                self._index = CandidateIndex(records_for(Case.objects.all()))
            self._signature = signature
            return self._index


REGISTRY = RegistryIndex()


def _ids(cases, among) -> set:
    return cases if isinstance(cases, (set, frozenset)) else set(
        cases.filter(pk__in=list(among)).values_list("pk", flat=True))


def find(record: Record, *, limit: int = 5, threshold: float = SHOWN, index: CandidateIndex | None = None,
         allowed=None, within=None) -> list[Match]:
    """Existing cases that may be this person, best first; `allowed` (a set of case ids or a queryset
    of cases) limits them to what the asker may see.

    The engine's probabilities are exclusive over its candidates, so the records of one case (one
    per name) add up to that case's probability. `within` (ids or a queryset) says the person can only
    be one of those cases: the others are ruled out, and their share goes back to the rest (the
    posterior given that knowledge), so a near-twin that is ruled out does not hide the right case.
    """
    # (Not `index or …`: an empty index is falsy, and a forked worker must never touch the database.)
    index = index if index is not None else REGISTRY.current()
    by_case: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, str, dict]] = {}
    for candidate in index.candidates(record, limit=50, threshold=0.01):
        case_id, _name_id, reference = candidate.id.split(":", 2)
        case_id = int(case_id)
        by_case[case_id] += candidate.match_probability
        if candidate.match_probability > best.get(case_id, (0.0, "", {}))[0]:
            best[case_id] = (candidate.match_probability, reference, candidate.explanation)
    if within is not None:
        inside = _ids(within, by_case)
        rest = 1.0 - sum(p for c, p in by_case.items() if c not in inside)
        by_case = defaultdict(float, {c: p / rest for c, p in by_case.items() if c in inside} if rest > 0 else {})
    if allowed is not None:
        allowed = _ids(allowed, by_case)
    ranked = sorted(((p, c) for c, p in by_case.items() if p >= threshold and (allowed is None or c in allowed)),
                    reverse=True)
    return [Match(c, best[c][1], min(p, 1.0), best[c][2]) for p, c in ranked[:limit]]


def record_of(*, full_name: str, date_of_birth: str = "", passport_number: str = "", phone: str = "",
              home_state: str = "", home_district: str = "", sex: str = "", id: str = "query") -> Record:
    return Record(id=id, full_name=full_name, date_of_birth=date_of_birth, passport_number=passport_number,
                  phone=phone, home_state=home_state, home_district=home_district, sex=sex)


@dataclass(frozen=True)
class Earlier:
    """An earlier record of the same list that a record may repeat."""

    id: str
    probability: float
    explanation: dict


# Name comparisons by query name and name, kept across the chunks one list's scoring covers (names
# repeat in a list); each call of `repeats_within` has its own, as the comparisons depend on its list.
_NAME_CACHE_LIMIT = 100_000   # query names (score keeps their name pairs under each)
# A forked worker's list index and name cache: set in the worker by the pool's initializer, from the
# call that made the pool (inherited through the fork, not pickled); never set in the parent, so no
# other call, in another thread, can see or replace it.
_WORKER_LIST: tuple[CandidateIndex, dict] | None = None


def _earlier_in(index: CandidateIndex, bounds: tuple[int, int], cache: dict,
                ) -> list[tuple[int, list[tuple[int, float, dict]]]]:
    """For each record in bounds, the records before it that it may repeat: [(position, probability,
    explanation)], best first, at most five, at least SHOWN probability.

    Each record is scored against the records before it only (each pair once), and its probabilities
    are the registry mode's (`exclusive_probabilities`): as if the earlier records were the registry.
    """
    records, stats, model = index.records, index.stats, index.model
    found = []
    for k in range(*bounds):
        q = records[k]
        scored = [(i, *score(q, records[i], stats, model, cache)) for i in index.candidate_indices(q) if i < k]
        if len(cache) > _NAME_CACHE_LIMIT:
            cache.clear()
        if not scored:
            continue
        probabilities = exclusive_probabilities([weight for _i, weight, _parts in scored], k, model.prior)
        ranked = sorted(((p, i, parts) for p, (i, _w, parts) in zip(probabilities, scored) if p >= SHOWN),
                        key=lambda t: (-t[0], t[1]))[:5]
        if ranked:
            found.append((k, [(i, p, explain(parts)) for p, i, parts in ranked]))
    return found


def _start_list_worker(index: CandidateIndex) -> None:
    global _WORKER_LIST
    _WORKER_LIST = (index, {})


def _earlier_in_worker(bounds: tuple[int, int]) -> list[tuple[int, list[tuple[int, float, dict]]]]:
    if _WORKER_LIST is None:
        raise RuntimeError("a list worker was started without its list")
    index, cache = _WORKER_LIST
    return _earlier_in(index, bounds, cache)


def repeats_within(records: list[Record], *, workers: int = 1, chunk: int = 2000) -> dict[str, list[Earlier]]:
    """For each record (by id) that may repeat earlier ones of the same list, those earlier ones,
    best first (at least SHOWN probability).

    The list is its own index (its name and date frequencies weigh the evidence); each record is
    matched against the records before it as a report is against the registry. As in `find`, the
    probabilities of several earlier records of one man add up: the caller knows which go together.
    `workers` > 1 scores chunks of the list in forked processes; the answer is the same.
    """
    if len(records) < 2:
        return {}
    index = CandidateIndex(records)
    bounds = [(start, min(start + chunk, len(records))) for start in range(0, len(records), chunk)]
    if workers > 1 and len(bounds) > 1:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_start_list_worker,
                                                      initargs=(index,)) as pool:
            results = pool.map(_earlier_in_worker, bounds)
    else:
        cache: dict = {}
        results = [_earlier_in(index, b, cache) for b in bounds]
    ids = [r.id for r in records]
    return {ids[k]: [Earlier(ids[i], p, explanation) for i, p, explanation in earlier]
            for result in results for k, earlier in result}
