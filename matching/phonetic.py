"""The cross-script phonetic layer: every spelling of a South Asian name -> the same Latin keys.

Why by hand: libraries romanise *a script* (sanscript: Devanagari -> ISO; GOST/ICAO: Russian -> Latin),
but no library knows how the *same name* is spelt by an Indian clerk in Latin, by a family in Devanagari
and by a Russian official who heard it. Those three spellings differ in predictable ways that a few dozen
rules capture:
  * Devanagari writes the inherent vowel the Latin spelling drops (schwa deletion, "kamalesha" ->
    "kamlesh");
  * Latin marks vowel length by doubling ("ee", "oo", "aa") where Russian and ISO do not;
  * aspiration ("bh", "dh", "th", "kh") is written, dropped or rendered as "х"/"кх" at will;
  * Russian renders j as "дж"/"дз", sh and s both as "ш"/"с", w as "в", ai/ay as "ай"/"ей", and adds soft
    and hard signs;
  * Bengali and Odia names swap b/v, and many spellings double consonants or not.
Each token gets two keys: a *fine* key (vowels normalised, aspiration and length dropped) used for
exact-phonetic agreement, and a *coarse* key (consonant skeleton with b/v, z/j folded) used for blocking
and a weaker agreement level.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .scripts import CYRILLIC, LATIN, OTHER, detect_script, fold_latin, indic_to_hk
from .transcribe import to_cyrillic

# --- Indic (Harvard-Kyoto) -> Latin as an Indian would spell it --------------------------------------
_HK_CONS = {
    "kh": "kh", "gh": "gh", "ch": "chh", "jh": "jh", "Th": "th", "Dh": "dh", "th": "th", "dh": "dh",
    "ph": "ph", "bh": "bh", "k": "k", "g": "g", "G": "n", "c": "ch", "j": "j", "J": "n", "T": "t",
    "D": "d", "N": "n", "t": "t", "d": "d", "n": "n", "p": "p", "b": "b", "m": "m", "y": "y", "r": "r",
    "l": "l", "L": "l", "v": "v", "z": "sh", "S": "sh", "s": "s", "h": "h", "f": "f", "q": "k", "x": "kh",
    "Z": "z",   # ज़ / ਜ਼, which sanscript writes "z2" (HK's plain z is श, sh)
}
_HK_VOW = {"lRR": "li", "lR": "li", "RR": "ri", "ai": "ai", "au": "au", "R": "ri", "A": "a", "I": "i",
           "U": "u", "E": "e", "O": "o", "a": "a", "i": "i", "u": "u", "e": "e", "o": "o"}
_HK_RE = re.compile("|".join(sorted(map(re.escape, [*_HK_CONS, *_HK_VOW, "M", "H", "~"]), key=len,
                                    reverse=True)))
_LABIAL = {"p", "ph", "b", "bh", "m"}
_DRAVIDIAN = {"tamil", "telugu", "kannada", "malayalam", "sinhala"}
_LIQUID = {"r", "l"}
_LONG_VOWELS = {"A", "I", "U", "e", "ai", "o", "au"}


# sanscript's Tamil scheme renders the unmarked stops as voiced aspirates (க -> gha); Tamil has one
# letter per place of articulation and the sound depends on position.
_TAMIL_HK = [("gh", "k"), ("jh", "c"), ("Dh", "T"), ("dh", "t"), ("bh", "p"), ("è", "e"), ("ò", "o"),
             ("zh", "L"), ("r2", "r"), ("n2", "n")]
_TAMIL_VOICE = {"k": "g", "c": "s", "T": "D", "t": "d", "p": "b"}
_NASAL_HK = {"n", "m", "N", "G", "J"}


def _tamil_voicing(seq: list[list[str]]) -> None:
    """Tamil stops are voiced after a vowel or nasal unless doubled (Murugan, not Murukan); initial
    ச is s (Selvam)."""
    for i, item in enumerate(seq):
        kind, sym, _ = item
        if kind != "C" or sym not in _TAMIL_VOICE:
            continue
        prev = seq[i - 1] if i else None
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        if prev is None:
            if sym == "c":
                item[1], item[2] = "s", "s"
            continue
        if (prev[0] in "VS" or prev[1] in _NASAL_HK) and not (nxt and nxt[1] == sym):
            new = _TAMIL_VOICE[sym]
            item[1], item[2] = new, _HK_CONS[new]


def _bengali_sounds(seq: list[list[str]]) -> None:
    """Bengali (and Assamese) has one letter ব for b and v, said b (বসু Basu, বিশ্বাস Biswas): sanscript
    writes it v. After a consonant it is the ব-ফলা Latin writes w (Biswas), which the keys read as v.
    Its anusvara ং is always the velar ng (সিং Singh, বাংলা Bangla), word-final too. And w, which the
    script has no letter for, is written ও য় before the vowel."""
    for i, item in enumerate(seq):
        if item[1] == "v" and not (i and seq[i - 1][0] == "C"):
            item[2] = "b"
        elif item[0] == "M" and item[1] == "M":
            item[2] = "ng"
        elif item[1] == "o" and item[0] == "V" and not (i and seq[i - 1][0] == "C") and i + 2 < len(seq) \
                and seq[i + 1][1] == "y" and seq[i + 2][0] in "VS":
            # the letter ও (not the sign ো) before য় and a vowel spells wa (ওয়াসিম Wasim, রাওয়াল Rawal)
            item[0], item[2] = "C", "w"
            seq[i + 1][2] = ""


def _syllable_ya(seq: list[list[str]], i: int) -> bool:
    """The schwa at i follows y after a long vowel (गायत्री: gā-ya-trī). A long vowel and y are a
    syllable break, not a compound join like har+preet, so the schwa stays before the cluster."""
    return seq[i - 1][1] == "y" and seq[i - 2][1] in _LONG_VOWELS


def hk_to_latin(hk: str, scheme: str = "") -> str:
    """Harvard-Kyoto -> a Latin spelling, with Hindi-style schwa deletion.

    Indic scripts write the inherent vowel /a/ after every consonant without a vowel sign, but Hindi,
    Marathi, Punjabi and Nepali speakers (and the Latin spellings they produce) drop it word-finally and
    in V C _ C V position (Ohala's rule), and also before a stop+liquid cluster, which is where compound
    names join (har+preet). Not after a nasal and a consonant: that would leave three consonants
    together (अंजली is Anjali, वंदना Vandana).
    """
    indo_aryan = scheme not in _DRAVIDIAN
    if scheme == "tamil":
        for a, b in _TAMIL_HK:
            hk = hk.replace(a, b)
    hk = re.sub(r"[0-9'.]", "", hk.replace("z2", "Z"))
    seq: list[list[str]] = []  # [kind, hk-symbol, latin]; kind C consonant, V vowel, S schwa, M nasal
    for sym in _HK_RE.findall(hk):
        if sym in _HK_CONS:
            seq.append(["C", sym, _HK_CONS[sym]])
        elif sym == "a":
            seq.append(["S" if seq and seq[-1][0] == "C" else "V", sym, "a"])
        elif sym in _HK_VOW:
            seq.append(["V", sym, _HK_VOW[sym]])
        elif sym in ("M", "~"):
            seq.append(["M", sym, "n"])
        # visarga carries nothing a Latin spelling keeps
    if scheme == "tamil":
        _tamil_voicing(seq)
    if scheme == "bengali":
        _bengali_sounds(seq)
    vowels = sum(1 for k, *_ in seq if k in "VS")
    # Dravidian languages and Sinhala pronounce (and their Latin spellings keep) the inherent vowel.
    for i in range(len(seq) - 1 if indo_aryan else 0, 0, -1):
        if seq[i][0] != "S":
            continue
        if i == len(seq) - 1:
            # kept after a conjunct (Aditya, Krishna, Mitra), dropped otherwise (Ram, Harpreet)
            if vowels > 1 and not (i >= 2 and seq[i - 2][0] == "C"):
                del seq[i]
            continue
        prev2 = seq[i - 2][0] if i >= 2 else ""
        nxt = seq[i + 1][0] if i + 1 < len(seq) else ""
        nxt2 = seq[i + 2] if i + 2 < len(seq) else None
        if prev2 in ("V", "S") and nxt == "C" and nxt2 is not None and (
            nxt2[0] in "VS" or (nxt2[0] == "C" and nxt2[2] in _LIQUID and i + 3 < len(seq)
                                and seq[i + 3][0] in "VS" and not _syllable_ya(seq, i))
        ):
            del seq[i]
    out = []
    for i, (kind, sym, lat) in enumerate(seq):
        if kind == "M":
            if sym == "~":
                # candrabindu nasalises the vowel before it; Latin writes that as n before a consonant
                # (कुँवर Kunwar, चाँद Chand) and at the end (खाँ Khan), and not before a vowel
                if i + 1 < len(seq) and seq[i + 1][0] != "C":
                    continue
            elif lat != "ng":   # (Bengali's anusvara is ng wherever it stands: _bengali_sounds)
                nxt = seq[i + 1][2] if i + 1 < len(seq) else ""
                # anusvara is m before labials; before h it is the velar nasal Latin writes "ng" (Singh)
                lat = "m" if nxt in _LABIAL or not nxt else "ng" if nxt == "h" else "n"
        out.append(lat)
    return "".join(out)


# --- Russian / Ukrainian Cyrillic -> the Latin spelling the official heard ---------------------------
_CYR_MULTI = [("дж", "j"), ("дз", "j"), ("кх", "kh"), ("тх", "th"), ("дх", "dh"), ("пх", "ph"),
              ("бх", "bh"), ("гх", "gh"), ("чх", "chh"), ("шх", "sh"), ("ий", "i"), ("ый", "i")]
_CYR = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "o", "ж": "zh", "з": "z",
        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
        "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
        "ґ": "g"}
_CYR_MULTI_RE = re.compile("|".join(a for a, _ in _CYR_MULTI))
_CYR_MULTI_MAP = dict(_CYR_MULTI)


def cyrillic_to_latin(text: str) -> str:
    text = text.lower()
    ukrainian = any(c in text for c in "іїєґ")
    text = _CYR_MULTI_RE.sub(lambda m: _CYR_MULTI_MAP[m.group(0)], text)
    out = []
    for c in text:
        if c == "г" and ukrainian:  # Ukrainian г is /h/
            out.append("h")
        else:
            out.append(_CYR.get(c, c if c.isascii() else fold_latin(c)))
    return "".join(out)


def to_latin(token: str) -> str:
    """Any-script token -> lowercase Latin letters (before key folding)."""
    # only letters and combining marks carry a name (anyascii would spell an emoji out as a word)
    token = "".join(c for c in token if unicodedata.category(c)[0] in "LM")
    if not token:
        return ""
    script = detect_script(token)
    if script == LATIN:
        text = fold_latin(token)
    elif script == CYRILLIC:
        text = cyrillic_to_latin(token)
    elif script == OTHER:
        text = fold_latin(token)
    else:
        text = hk_to_latin(indic_to_hk(token, script), script).lower()
    return re.sub(r"[^a-z]", "", text)


# --- Latin -> fine / coarse keys ----------------------------------------------------------------------
# Ordered rewrites; "C" is a placeholder for the ch-sound so that a bare "c" can become k afterwards.
_FINE_RULES = [
    (re.compile(r"tch|chh|ch|cz"), "C"),
    (re.compile(r"c"), "k"),
    (re.compile(r"zh"), "j"),
    (re.compile(r"sh|sch|ss"), "s"),
    # anusvara before s, sh or h is written m or n (Vamsi / Vanshi, Samhita / Sanhita); before h
    # between vowels also ng, as Bengali and Assamese romanise it (Singha = Sinha = Simha, Симха)
    (re.compile(r"(?<=[aeiou])(?:ng|m)h(?=[aeiouy])"), "nh"),
    (re.compile(r"(?<=[aeiou])m(?=s)"), "n"),
    (re.compile(r"ph|f"), "p"),
    # kh: at either end of a word Russian writes х (Khan = Хан, Sheikh = Шейх), inside a word кх or к
    # (Mukherjee = Мукерджи)
    (re.compile(r"^kh|kh$"), "h"),
    (re.compile(r"kh"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"jh|dz|dj"), "j"),
    (re.compile(r"th"), "t"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"bh"), "b"),
    (re.compile(r"rh"), "r"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ow(?![aeiouy])"), "ou"),  # Chowdhury; but aw is av (Chawla = चावला, Awtar = अवतार)
    (re.compile(r"w"), "v"),
    (re.compile(r"aa|ah(?![aeiouy])(?=.)"), "a"),
    (re.compile(r"ee|ii|ie(?![aeiou])|ea"), "i"),
    (re.compile(r"oo|uu"), "u"),
    # a final -ao is the -av of the Indic spelling (Rao = राव, Jadhao = Jadhav), not an o
    (re.compile(r"ao$"), "av"),
    (re.compile(r"au|ou|ao"), "o"),
    (re.compile(r"(?:ai|ay|ei|ey)(?![aeiou])"), "e"),
    (re.compile(r"ia"), "iya"),
    (re.compile(r"([jC])y(?=[aeiou])"), r"\1"),
    (re.compile(r"(?<=[^aeiou])y$"), "i"),
    (re.compile(r"(?<=[^aeiouy])y(?=[^aeiouy])"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]
_VOWELS = set("aeiouy")


@lru_cache(maxsize=500_000)
def fine_key(latin: str) -> str:
    s = latin
    for rx, rep in _FINE_RULES:
        s = rx.sub(rep, s)
    s = s.replace("C", "c")
    # A final -a is written in one script and not the other (Shiva/Shiv, schwa); drop it everywhere.
    if len(s) > 2 and s.endswith("a"):
        s = s[:-1]
    return s


@lru_cache(maxsize=500_000)
def coarse_key(fine: str) -> str:
    if not fine:
        return ""
    fine = fine.replace("ts", "s")
    out = ["a" if fine[0] in _VOWELS else fine[0]]
    for i, c in enumerate(fine[1:], 1):
        # vowels carry the most spelling variation; a non-initial h is dropped because aspiration and
        # Russian х/к/г for h come and go (Kohli/Коли, Mukherjee/Мукерджи)
        if c in _VOWELS or c == "h":
            continue
        if c == "m" and i + 1 < len(fine) and fine[i + 1] not in _VOWELS:
            c = "n"   # nasal before a consonant: anusvara is written m or n at will
        out.append(c)
    s = "".join(out).translate(_COARSE_FOLD)
    s = re.sub(r"(.)\1+", r"\1", s)
    return s


_COARSE_FOLD = str.maketrans({"b": "v", "z": "s"})


@lru_cache(maxsize=500_000)
def token_keys(token: str) -> tuple[str, str, str]:
    """(latin spelling, fine key, coarse key) for one token in any script."""
    latin = to_latin(token)
    fine = fine_key(latin)
    return latin, fine, coarse_key(fine)


# --- the form in which typing errors are compared ---------------------------------------------------
_TYPO_FOLD = str.maketrans({"ь": None, "ъ": None, "ё": "е", "э": "е", "й": "и", "ы": "и"})


@lru_cache(maxsize=500_000)
def typo_form(token: str, latin: str) -> str:
    """A token as a Russian clerk would type it, for counting typing errors.

    Typing errors happen in the script of the list that carries them, and the phonetic keys magnify
    them: a swapped pair of letters in "Каджал" ("Кадажл") breaks the дж digraph and leaves the key
    two edits away, while in Cyrillic it is one transposition. So Cyrillic tokens are compared as
    written (soft signs and the letters Russian spellings trade freely folded), and tokens in other
    scripts through their usual Russian transcription. Doubled letters stay as typed: doubling as a
    spelling habit is the phonetic keys' business, and a dropped letter that leaves a double
    ("Ашвии" for Ашвини) is one slip only as written.
    """
    letters = "".join(c for c in token.lower() if c.isalpha())
    cyr = letters if letters and detect_script(letters) == CYRILLIC else to_cyrillic(latin)
    return cyr.translate(_TYPO_FOLD)


# --- older Russian readings of a Latin spelling -----------------------------------------------------
# Russian has habits no transliteration library models, because they follow an older convention or
# read the *Latin* letters rather than the sound: h between vowels as г, the old convention for h
# (Роган for Rohan, Рагул for Rahul, Тагир for Tahir; not at the start, where г is nearly always g:
# Гурприт is Gurpreet); j as the y-sound й/я/ю, as German and Dutch read it (Сарой for Saroj, Яна
# for Jana, Якир for Jakir); kh inside a word as a bare х (Ахтар for Akhtar, where the keys expect кх
# as in Сукхвиндер). Each is rare in any one list and common across lists, so a Cyrillic token also
# carries the keys it would have with each habit undone; the comparison counts a hit on one as a
# spelling variant, and blocking files the token under its skeleton too. The same goes for a Latin
# name read as English: a final a-consonant-e as эй/ей (Рэйн for Rane, Дэйв for Dave).
_CYR_VOWELS = "аеёиоуыэюя"
_G_FOR_H = re.compile(f"(?<=[{_CYR_VOWELS}])г(?=[{_CYR_VOWELS}])")
_Y_FOR_J = re.compile(f"(?:(?<=[{_CYR_VOWELS}])|^)(?:й|я|ю)")
_J_FORMS = {"й": "дж", "я": "джа", "ю": "джу"}
_X_FOR_KH = re.compile(f"(?<=[{_CYR_VOWELS}])х(?=[бвгджзклмнпрстфцчшщ])")
# one syllable only: Хусейн, Гусейн are Hussain, not an English reading
_ENGLISH_A_E = re.compile("^([бвгджзклмнпрстфхцчшщ]{1,2})[эе]й([бвгджзклмнпрстфхцчшщ])$")


@lru_cache(maxsize=200_000)
def older_readings(token: str) -> tuple[str, ...]:
    """Fine keys of a Cyrillic token with the г-for-h, y-for-j, х-for-kh and English a-e habits undone
    (empty for tokens in other scripts, and for readings that give the token's own key)."""
    text = token.lower()
    if not text or detect_script(text) != CYRILLIC:
        return ()
    own = token_keys(text)[1]
    keys = []
    for undone in (_G_FOR_H.sub("х", text), _Y_FOR_J.sub(lambda m: _J_FORMS[m.group(0)], text),
                   _X_FOR_KH.sub("кх", text), _ENGLISH_A_E.sub(r"\1а\2е", text)):
        if undone != text:
            key = fine_key(to_latin(undone))
            if key and key != own and key not in keys:
                keys.append(key)
    return tuple(keys)
