"""Name parsing: titles, initials, order, relatives, variant families -> tokens with phonetic keys."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .phonetic import coarse_key, fine_key, older_readings, to_latin, token_keys, typo_form

# Titles and honorifics, compared by *fine key* so that Shri / Sri / श्री / Шри or Smt. / श्रीमती all hit
# the same entry whatever the script.
_TITLES_LATIN = (
    "shri shree sri sree shrimati srimati shrimti smt sm kumari_title sardar sardarni sard mr mrs ms miss mister "
    "dr doctor prof late lt capt major sgt sepoy havildar naik jawan pvt gospodin gospozha grazhdanin "
    "grazhdanka tovarishch sahib saheb ji jr"
)
_TITLE_KEYS = frozenset(fine_key(t) for t in _TITLES_LATIN.split())
# Muhammad is written in full, abbreviated (Mohd., Md.) or omitted: one canonical optional token.
_MUHAMMAD_FINE = re.compile(r"^(?:m[aeiou]h[aeiou]m[aeiou]d|m[ou]?hm[aeiou]?d|m[aeiou]?h?d)$")
# A Russian-style patronymic (Раджиндерович = son of Rajinder) is the father's name: optional.
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna|ichna)$")
_MUHAMMAD = ("muhammad", fine_key("muhammad"), coarse_key(fine_key("muhammad")))
# Names whose spellings differ by a vowel by regional convention, not by person (Chaudhary, Chaudhari,
# Choudhury, Chowdhury, Chaudhry; चौधरी; Чоудхури): the fine keys differ, so the phonetic level would
# weigh them like Patel/Patil, two different names. Tokens of one family agree as the same name (with
# the whole family's frequency), a little less than the same spelling does.
# Chhetri, Nepal's most numerous caste name, is written क्षेत्री: Nepali says क्ष as chh, Latin spellings
# and transcriptions follow either the sound or the letters (Chhetri, Chettri, Kshetri; Чхетри, Кшетри).
# Bengali surnames have an anglicised form beside the one the script spells (Banerjee = বন্দ্যোপাধ্যায়
# Bandyopadhyay, Bose = বসু Basu, Roy = রায় Ray / राय Rai): one name each.
_VARIANT_FAMILIES = tuple((re.compile(pattern), name) for pattern, name in (
    (r"^cod[aiu]?ri$", "=chaudhary"),
    (r"^(?:ks|c)etri$", "=chhetri"),
    (r"^(?:banerji|bandy?opadye)$", "=banerjee"),
    (r"^(?:caterji|catopadye)$", "=chatterjee"),
    (r"^(?:mukerji|mukopadye)$", "=mukherjee"),
    (r"^(?:ganguli|gangopadye)$", "=ganguly"),
    (r"^b(?:asu|osu|ose?)$", "=basu"),
    (r"^r(?:oy|e|ae)$", "=roy"),
))
# "son of", "daughter of", "wife of": what follows is a relative's name, not the person's.
_RELATION = re.compile(r"\b(?:s|d|w|c)\s*/\s*o\b\.?|\b(?:son|daughter|wife)\s+of\b", re.I)
# Russian abbreviated titles (г-н, г-жа) would otherwise look like initials.
_CYR_TITLE = re.compile(r"(?<![^\W\d_])(?:г-н|г-жа|гр-н|гр-ка)\.?(?![^\W\d_])", re.I)
_SPLIT = re.compile(r"[\s,;/_\-–—()\"]+")
_DASHES = {"", "-", "–", "—", "_", "нет", "none", "n/a", "na"}


@lru_cache(maxsize=500_000)
def _family_of(fine: str) -> str:
    for family, name in _VARIANT_FAMILIES:
        if family.match(fine):
            return name
    return ""


@dataclass(frozen=True, slots=True)
class NormalisedName:
    tokens: tuple[str, ...]      # Latin spelling of each full token (any script in)
    keys: tuple[str, ...]        # fine phonetic key per token
    coarse: tuple[str, ...]      # coarse (skeleton) key per token
    optional: tuple[bool, ...]   # token may be absent on the other side without contradiction
    initials: tuple[str, ...]    # initials as written (one lowercase Latin letter each)
    typo: tuple[str, ...]        # per token, the Cyrillic form in which typing errors are compared
    older: tuple[tuple[str, ...], ...] = ()  # per token, fine keys under older Russian readings; () if none
    repeated: tuple[str, ...] = ()   # fine keys written twice beside other names (kept once in keys)
    family: tuple[str, ...] = ()     # per token, its variant family ("=chaudhary") or ""

    @property
    def empty(self) -> bool:
        return not self.keys and not self.initials


def _initial_letter(letter: str) -> str:
    latin = to_latin(letter)
    return latin[:1]


def _split_initials(piece: str) -> list[str] | None:
    """'H.D.' / 'R.' / 'Х.' -> letters; None if the piece is not initials."""
    if "." in piece:
        parts = [p for p in piece.split(".") if p]
        if parts and all(len(p) == 1 for p in parts):
            return parts
        return None
    if len(piece) == 1 and piece.isalpha():
        return [piece]
    return None


@lru_cache(maxsize=300_000)
def normalise_name(text: str, relatives: str = "") -> NormalisedName:
    """Parse a full name in any supported script. `relatives` (a patronymic/father's-name field) gives
    optional tokens: matched they count, missing they do not contradict."""
    text = _CYR_TITLE.sub(" ", text or "")
    m = _RELATION.search(text)
    if m:
        relatives = f"{relatives} {text[m.end():]}"
        text = text[: m.start()]
    toks, keys, coarse, opt, inits, typo, older, fam = [], [], [], [], [], [], [], []

    def add(raw_text: str, optional: bool) -> None:
        for piece in _SPLIT.split(raw_text):
            piece = piece.strip("'`’.")  if piece.count(".") == 1 and piece.endswith(".") and len(piece) > 2 else piece
            letters = _split_initials(piece.strip("'`’"))
            if letters is not None:
                if not optional:
                    inits.extend(x for x in (_initial_letter(c) for c in letters) if x)
                continue
            for part in piece.split("."):
                latin, fine, crs = token_keys(part)
                if not fine:
                    continue
                if fine in _TITLE_KEYS and not optional:
                    continue
                is_opt = optional
                if len(latin) > 7 and _PATRONYMIC.search(latin):
                    latin = _PATRONYMIC.sub("", latin)
                    fine = fine_key(latin)
                    crs = coarse_key(fine)
                    is_opt = True
                if _MUHAMMAD_FINE.match(fine):
                    latin, fine, crs = _MUHAMMAD
                    is_opt = True
                fam.append(_family_of(fine))
                toks.append(latin), keys.append(fine), coarse.append(crs), opt.append(is_opt)
                typo.append(typo_form(part, latin))
                # a stripped patronymic or the canonical Muhammad is no longer the token as written
                older.append(older_readings(part) if latin == token_keys(part)[0] else ())

    add(text, False)
    if relatives and relatives.strip().lower() not in _DASHES:
        add(relatives, True)
    repeated = ()
    if len(set(keys)) >= 2 and len(set(keys)) < len(keys):
        # a name repeated beside others ("Vishal Vishal Nandi", or a bilingual entry "Сингх Харприт
        # (Harpreet Singh)"): one copy carries the information, wherever the repeat stands; a name that
        # is nothing but one name twice ("Rahul Rahul") is kept as written
        first = [keys.index(k) == i for i, k in enumerate(keys)]
        repeated = tuple(sorted({k for k, keep in zip(keys, first) if not keep}))
        toks, keys, coarse, opt, typo, older, fam = ([x for x, keep in zip(col, first) if keep]
                                                     for col in (toks, keys, coarse, opt, typo, older, fam))
    # a name that was nothing but titles keeps them rather than vanishing
    if not keys and not inits and text.strip():
        for piece in _SPLIT.split(text):
            latin, fine, crs = token_keys(piece)
            if fine:
                toks.append(latin), keys.append(fine), coarse.append(crs), opt.append(False)
                typo.append(typo_form(piece, latin)), older.append(()), fam.append("")
    n = NormalisedName(tuple(toks), tuple(keys), tuple(coarse), tuple(opt), tuple(inits), tuple(typo),
                       tuple(older) if any(older) else (), repeated, tuple(fam) if any(fam) else ())
    # Interned: equal names are the same object, so comparisons can be cached by identity.
    return _INTERN.setdefault(n, n)


_INTERN: dict[NormalisedName, NormalisedName] = {}


def search_key(text: str) -> str:
    """Any-script name or fragment -> space-separated fine keys, for substring search in a registry.

    'Харприт', 'हरप्रीत' and 'harpreet' all give 'harprit', a substring of the key of 'Harpreet Singh'.
    Initials and titles are dropped; token order is kept as typed (the caller searches per token).
    """
    n = normalise_name(text)
    return " ".join(n.keys)
