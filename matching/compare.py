"""Per-field comparison levels. Each function returns a level name; the model turns levels into weights.

Name comparison also returns *what* agreed (kind, key) so the model can weigh agreement by how common
the agreeing tokens are (term-frequency adjustment).
"""
from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from .names import NormalisedName
from .phonetic import coarse_key

NAME_LEVELS = ("exact", "phonetic", "fuzzy", "initials", "subset", "partial", "replaced", "conflict", "none")
NAME_LABELS = {
    "exact": "exact token-set match", "phonetic": "phonetic token-set match",
    "fuzzy": "fuzzy token-set match", "initials": "token-set match with initials",
    "subset": "one name contains the other", "partial": "some tokens agree, one differs but sounds alike",
    "replaced": "some tokens agree, one is another name", "conflict": "one token agrees, several conflict",
    "none": "no token agrees", "missing": "missing",
}


def _fuzzy(a: str, b: str) -> bool:
    la, lb = len(a), len(b)
    n = la if la > lb else lb
    # the edit distance is at least the difference in length: most pairs stop here, before rapidfuzz
    if n >= 4 and -2 <= la - lb <= 2:
        d = OSA.distance(a, b, score_cutoff=2)
        # two edits only in long names and not at the start: Harpreet/Gurpreet are different names
        if d <= 1 or (d <= 2 and n >= 7 and a[0] == b[0]):
            return True
    return False


def _typing_error(a: str, b: str) -> bool:
    """One letter dropped, added, changed or two swapped, in the Cyrillic forms (typo_form)."""
    la, lb = len(a), len(b)
    return (la if la > lb else lb) >= 4 and -1 <= la - lb <= 1 and a != b and \
        OSA.distance(a, b, score_cutoff=1) <= 1


# Vowels that the spellings of one name do not trade: transliteration moves the short a between a, e,
# o and u (Мэниш, Dutta / Датта, Камол) and long i between e and i (Sandeep, Pandey), but i against a
# or o, or e against o, is another vowel and so another name (Deepak / Deepika, Bharat / Virat).
# Measured on real Latin / Cyrillic token pairs (bench/transliteration_holdout.py): no transliteration,
# developed on or held out, trades these, while many pairs of different names with one skeleton do.
_OTHER_VOWELS = frozenset({frozenset("ai"), frozenset("io"), frozenset("eo")})
_VOWEL_LETTERS = frozenset("aeiou")


@lru_cache(maxsize=1 << 18)   # the same few thousand spellings meet again and again in a batch
def _close(a: str, b: str) -> bool:
    """Same skeleton is only a phonetic match if the spellings are not far apart either (short
    skeletons collide: seni/somnah both reduce to s-n) and trade no vowel for another one."""
    n = max(len(a), len(b))
    limit = 1 if n <= 4 else 2 if n <= 7 else 3
    if OSA.distance(a, b, score_cutoff=limit) > limit:
        return False
    for op, i, j in Levenshtein.editops(a, b):
        if op == "replace" and a[i] in _VOWEL_LETTERS and b[j] in _VOWEL_LETTERS and \
                frozenset((a[i], b[j])) in _OTHER_VOWELS:
            return False
    return True


def _joined(whole: tuple[str, str], parts: list[tuple[str, str]]) -> tuple[int, int] | None:
    """Indices (i, j) of two parts that written together are `whole` (Hemamalini / Hema Malini).

    whole and parts are (coarse, fine) keys: the skeletons must concatenate exactly and the spellings
    nearly (the first part lost its final -a to the key, hema+malini -> hemamalini).
    """
    wc, wf = whole
    for i, (pc, pf) in enumerate(parts):
        if not pc or not wc.startswith(pc[:1]):
            continue
        for j, (qc, qf) in enumerate(parts):
            if i != j and qc and (concat_keys(pc, qc) == wc or _skeletons_join(pc, qc, pf, qf, wc)):
                if OSA.distance(wf, concat_keys(pf, qf), score_cutoff=1) <= 1 or \
                        OSA.distance(wf, pf + "a" + qf, score_cutoff=1) <= 1:
                    return i, j
    return None


def _skeletons_join(pc: str, qc: str, pf: str, qf: str, wc: str) -> bool:
    """Whether two parts' skeletons written together are the whole's skeleton. Mostly they simply
    concatenate; but a skeleton depends on the letters around it, so a part's final m before the next
    part's consonant reads as the nasal it then is (Shyam + Sundar: Shyamsundar), and the next part's
    initial h is silent inside the word (Ram + Hari: Ramhari). Those are read off the joined spelling.
    The plain concatenation is tested by the caller, before this call: it decides most pairs."""
    if not (pc[-1] == "m" or qc[0] == "h") or not len(pc) + len(qc) - 2 <= len(wc) <= len(pc) + len(qc):
        return False
    return coarse_key(concat_keys(pf, qf)) == wc or coarse_key(pf + "a" + qf) == wc


def concat_keys(a: str, b: str) -> str:
    """a + b with a doubled letter at the join written once. Keys never hold doubled letters, so this
    is the same as collapsing every double of a + b, without a regular expression per candidate pair."""
    return a + b[1:] if a and b and a[-1] == b[0] else a + b


def compare_names(a: NormalisedName, b: NormalisedName) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Order-free token-set comparison -> (level, ((kind, key-of-b), ...)).

    kinds: exact (fine key), phonetic (coarse key), joined, fuzzy, initial (letter).
    """
    if not (a.keys or a.initials) or not (b.keys or b.initials):   # NormalisedName.empty, inlined
        return "missing", ()
    ak, bk = a.keys, b.keys
    ua = list(range(len(ak)))
    ub = list(range(len(bk)))
    matches: list[tuple[str, str]] = []
    # The passes below are written out rather than through a shared helper taking lambdas: this is the
    # innermost loop of batch linkage (millions of name pairs).
    for i in range(len(ak)):
        key = ak[i]
        for j in ub:
            if bk[j] == key:
                matches.append(("exact", key))
                ua.remove(i), ub.remove(j)
                break
    if ua and ub and a.family and b.family:
        # spellings of one variant family (Chaudhary / Choudhury): the same name
        af, bf = a.family, b.family
        for i in list(ua):
            for j in ub:
                if af[i] and af[i] == bf[j]:
                    matches.append(("exact", af[i]))
                    ua.remove(i), ub.remove(j)
                    break
    if ua and ub and (a.older or b.older):
        # the same spelling under an older Russian reading (Роган = Rohan): a spelling variant
        ao, bo = a.older, b.older
        for i in list(ua):
            for j in ub:
                if (bo and ak[i] in bo[j]) or (ao and bk[j] in ao[i]):
                    matches.append(("phonetic", f"{ak[i]} {bk[j]}"))
                    ua.remove(i), ub.remove(j)
                    break
    if ua and ub:
        ac, bc = a.coarse, b.coarse
        for i in list(ua):
            crs = ac[i]
            if len(crs) < 2:
                continue
            for j in ub:
                if bc[j] == crs and _close(ak[i], bk[j]):
                    matches.append(("phonetic", f"{ak[i]} {bk[j]}"))
                    ua.remove(i), ub.remove(j)
                    break
    if ua and len(ub) >= 2 and len(ub) > len(ua):   # one token on a, split in two on b
        for i in list(ua):
            hit = _joined((a.coarse[i], a.keys[i]), [(b.coarse[j], b.keys[j]) for j in ub])
            if hit:
                j1, j2 = ub[hit[0]], ub[hit[1]]
                matches.append(("joined", a.coarse[i]))
                ua.remove(i), ub.remove(j1), ub.remove(j2)
    if ub and len(ua) >= 2 and len(ua) > len(ub):
        for j in list(ub):
            hit = _joined((b.coarse[j], b.keys[j]), [(a.coarse[i], a.keys[i]) for i in ua])
            if hit:
                i1, i2 = ua[hit[0]], ua[hit[1]]
                matches.append(("joined", b.coarse[j]))
                ub.remove(j), ua.remove(i1), ua.remove(i2)
    if ua and ub:
        at, bt = a.typo, b.typo
        for i in list(ua):
            for j in ub:
                ta, tb = at[i], bt[j]
                # the length test is _typing_error's first, inlined: most pairs stop there, without a call
                if _fuzzy(ak[i], bk[j]) or (-1 <= len(ta) - len(tb) <= 1 and _typing_error(ta, tb)):
                    matches.append(("fuzzy", f"{ak[i]} {bk[j]}"))
                    ua.remove(i), ub.remove(j)
                    break
    full_matches = len(matches)
    left_a = left_b = 0
    if a.initials or b.initials:
        # initials against the other side's remaining tokens, then against its initials
        ia, ib = list(a.initials), list(b.initials)
        for lst, toks, keys, other in ((ia, ub, b.tokens, b.keys), (ib, ua, a.tokens, a.keys)):
            for letter in list(lst):
                for t in toks:
                    if other[t][:1] == letter or keys[t][:1] == letter:
                        matches.append(("initial", letter))
                        lst.remove(letter), toks.remove(t)
                        break
        for letter in list(ia):
            if letter in ib:
                ib.remove(letter), ia.remove(letter)
                matches.append(("initial", letter))
        left_a, left_b = len(ia), len(ib)
    if full_matches == 0:
        return "none", ()
    if ua:
        opt = a.optional
        for i in ua:
            if not opt[i]:
                left_a += 1
    if ub:
        opt = b.optional
        for j in ub:
            if not opt[j]:
                left_b += 1
    if left_a == 0 and left_b == 0:
        kinds = {k for k, _ in matches}
        if "initial" in kinds:
            level = "initials"
        elif "fuzzy" in kinds or "joined" in kinds:
            level = "fuzzy"
        elif "phonetic" in kinds:
            level = "phonetic"
        else:
            level = "exact"
    elif left_a == 0 or left_b == 0:
        level = "subset"
    else:
        # one conflicting token is a misheard or replaced name; two or more is another person. Misheard
        # or mistyped names nearly always keep their first sound; another name mostly does not.
        if min(left_a, left_b) > 1:
            level = "conflict"
        else:
            level = "replaced"
            ao, bo, ac, bc = a.optional, b.optional, a.coarse, b.coarse
            for i in ua:
                if not ao[i]:
                    first = ac[i][:1]
                    for j in ub:
                        if not bo[j] and bc[j][:1] == first:
                            level = "partial"
                            break
    return level, tuple(matches)


DOB_LABELS = {
    "exact": "exact", "swapped": "day/month swapped", "close": "one part differs", "year_pm1_sameday":
    "same day and month, year ±1", "same_year": "same year, different day/month", "year_pm1": "year ±1",
    "year": "year agrees (partial date)", "year_month": "year and month agree (partial date)",
    "different": "different", "missing": "missing",
}


def compare_dob(a, b) -> str:
    if a is None or b is None:
        return "missing"
    (ya, ma, da), (yb, mb, db) = a, b
    full = ma and da and mb and db
    if not full:
        if ya == yb:
            if ma and mb:
                return "year_month" if ma == mb else "same_year"
            return "year"
        return "year_pm1" if abs(ya - yb) == 1 else "different"
    if a == b:
        return "exact"
    if ya == yb:
        if ma == db and da == mb:
            return "swapped"
        if ma == mb or da == db:
            return "close"
        return "same_year"
    if ma == mb and da == db and abs(ya - yb) == 1:
        return "year_pm1_sameday"
    if abs(ya - yb) == 1:
        return "year_pm1"
    return "different"


PASSPORT_LABELS = {"exact": "exact", "ocr": "equal up to OCR confusions", "one_edit": "one character differs",
                   "different": "different", "missing": "missing"}


def compare_passport(a_raw: str, a_ocr: str, b_raw: str, b_ocr: str) -> str:
    if not a_raw or not b_raw:
        return "missing"
    if a_raw == b_raw:
        return "exact"
    if a_ocr == b_ocr:
        return "ocr"
    if len(a_ocr) >= 6 and Levenshtein.distance(a_ocr, b_ocr, score_cutoff=1) <= 1:
        return "one_edit"
    return "different"


def compare_phone(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if len(a) >= 7 and len(b) >= 7 and a[-7:] == b[-7:]:
        return "last7"
    return "different"


def compare_place(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if Levenshtein.normalized_similarity(a, b) >= 0.8 or a in b or b in a:
        return "similar"
    return "different"


def compare_sex(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    return "exact" if a == b else "different"
