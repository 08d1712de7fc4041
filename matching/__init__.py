"""Homeward's identification engine: find the same person across lists, scripts and spellings.

Plain Python (no Django): the registry, the host-agency exchange, intake checks, the CLI and the
benchmarks all call it.
"""
from .index import Candidate, CandidateIndex
from .linkage import DedupeResult, Link, LinkResult, dedupe, link
from .model import Model
from .names import NormalisedName, normalise_name, search_key
from .records import Record
from .transcribe import to_cyrillic

__all__ = ["Record", "link", "dedupe", "CandidateIndex", "Link", "Candidate", "LinkResult",
           "DedupeResult", "Model", "search_key", "to_cyrillic", "normalise_name", "NormalisedName"]
