"""Homeward's identification engine: find the same person across lists, scripts and spellings.

Plain Python (no Django): the registry, the host-agency exchange, intake checks, the CLI and the
benchmarks all call it.

    from matching import Record, link, dedupe, CandidateIndex

    result = link(cases, host_roster)            # batch: LinkResult(.links best first, .candidate_pairs,
                                                 #        .seconds, .model)
    clusters = dedupe(records).clusters          # {id: cluster_id}, singletons included
    index = CandidateIndex(registry, model=result.model)   # interactive (intake)
    index.candidates(report)                     # [Candidate(id, match_probability, explanation)]

One model, two modes: link() and CandidateIndex score a pair with the same code and the same
parameters, so the same pair gets the same probability, provided both use the same Model (link() re-
estimates it on the two lists unless given one; pass result.model on, or store it with
Model.to_dict()/from_dict()).

Modules, one job each: scripts (script detection, library transliteration), phonetic (the hand-written
cross-script keys), names (parsing), transcribe (Latin -> Russian Cyrillic), records (the record type),
compare (per-field levels), model (Fellegi-Sunter weights, TF adjustment, probabilities, EM),
blocking (candidate keys), index (candidate generation + interactive scoring), linkage (batch link /
dedupe).
"""
from .index import Candidate, CandidateIndex
from .linkage import DedupeResult, Link, LinkResult, dedupe, link
from .model import Model
from .names import NormalisedName, normalise_name, search_key
from .records import Record
from .transcribe import to_cyrillic

__all__ = ["Record", "link", "dedupe", "CandidateIndex", "Link", "Candidate", "LinkResult",
           "DedupeResult", "Model", "search_key", "to_cyrillic", "normalise_name", "NormalisedName"]
