"""Blocking keys: which registry records a query is compared with at all.

Keys are built from the *coarse* phonetic keys, so a Devanagari or Cyrillic query meets its
Latin-script registry record in the same bucket:
  2|a|b     two name tokens (any order)            - the workhorse
  3|a|b|y   two name tokens + birth year          - the same, for common names at scale
  y|a|1998  one name token + birth year            - survives a misspelt or initialled other token
  d|date|ab full date of birth + two first letters - survives misspelt names (FEBRL-style typos)
  e|date|a  the same with one letter                - only while such buckets are small
  p|X       OCR-folded passport; t|phone
  1|a       one token (incl. joined pairs)         - only for queries with fewer than two full tokens,
                                                     or for rare tokens when the date is missing
  n|a       one token of a record without a date  - what y|a|year is for a dated record: a dated query
                                                     meets an undated record with a misspelt token
A Cyrillic token with an older Russian reading (Роган for Rohan) is filed under that reading's
skeleton too, in every name key.
How big a bucket may be before it is skipped, and which keys are strong, is the index's business
(CandidateIndex.candidate_tiers).
"""
from __future__ import annotations

from .compare import concat_keys
from .phonetic import coarse_key
from .records import Prepared


def _name_coarse(p: Prepared) -> list[str]:
    n = p.name
    return sorted({c for c, o in zip(n.coarse, n.optional) if not o and c})


def _older_coarse(p: Prepared) -> dict[str, set[str]]:
    """Per token skeleton, the other skeletons it has under older Russian readings (Роган: rgn -> rn)."""
    n = p.name
    out: dict[str, set[str]] = {}
    for c, o, older in zip(n.coarse, n.optional, n.older):
        if older and not o and c:
            extra = {coarse_key(k) for k in older} - {c, ""}
            if extra:
                out.setdefault(c, set()).update(extra)
    return out


def _pairs(cs: list[str], older: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Every two tokens' skeletons, sorted within the pair, with each token's older readings too."""
    pairs = [(a, b) for i, a in enumerate(cs) for b in cs[i + 1:]]
    if older:
        pairs = sorted({tuple(sorted((x, y))) for a, b in pairs
                        for x in (a, *older.get(a, ())) for y in (b, *older.get(b, ())) if x != y})
    return pairs


def block_keys(p: Prepared) -> tuple[list[str], list[str], list[str]]:
    """(keys, single-token keys, undated keys) for a record. Undated keys (n|) are filed for records
    without a date and looked up by queries with one."""
    cs = _name_coarse(p)
    older = _older_coarse(p) if p.name.older else {}
    pairs = _pairs(cs, older)
    every = sorted(set(cs).union(*older.values())) if older else cs
    keys = [f"2|{a}|{b}" for a, b in pairs]
    if p.dob:
        y = p.dob[0]
        keys += [f"y|{c}|{y}" for c in every]
        keys += [f"3|{a}|{b}|{y}" for a, b in pairs]
        if p.dob[1] and p.dob[2]:
            date = f"{p.dob[0]}-{p.dob[1]}-{p.dob[2]}"
            letters = sorted({c[0] for c in cs} | set(p.name.initials))
            keys += [f"e|{date}|{a}" for a in letters]
            keys += [f"d|{date}|{a}{b}" for i, a in enumerate(letters) for b in letters[i + 1:]]
    if p.passport_ocr:
        keys.append(f"p|{p.passport_ocr}")
    if p.phone:
        keys.append(f"t|{p.phone}")
    singles = [f"1|{c}" for c in every]
    singles += [f"1|{concat_keys(a, b)}" for a in cs for b in cs if a != b]
    return keys, singles, [f"n|{c}" for c in every]
