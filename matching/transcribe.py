"""Latin -> Cyrillic as a Russian official would likely transcribe a South Asian name.

Follows Russian practice for Indian names (the practical transcription used in reference works): written
aspiration is kept (bh -> бх, dh -> дх, gh -> гх: Singh -> Сингх), j -> дж, sh -> ш, doubled vowels
(ee, oo) are vowel length -> и, у, y is й or и depending on position, and e after a consonant is е but
word-initially э.
"""
from __future__ import annotations

import re

_RULES = [
    ("shch", "щ"), ("chh", "чх"), ("kh", "кх"), ("gh", "гх"), ("ch", "ч"), ("sh", "ш"), ("zh", "ж"),
    ("jh", "джх"), ("th", "тх"), ("dh", "дх"), ("ph", "пх"), ("bh", "бх"), ("ts", "ц"),
    ("aa", "а"), ("ee", "и"), ("ii", "и"), ("oo", "у"), ("uu", "у"),
    ("ya", "я"), ("yu", "ю"), ("yo", "йо"), ("ye", "е"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"),
    ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"),
    ("z", "з"),
]
_RX = re.compile("|".join(re.escape(a) for a, _ in _RULES))
_MAP = dict(_RULES)
_VOWELS = set("aeiouy")


def _word(word: str) -> str:
    w = word.lower()
    # y: after a vowel it closes the syllable (Sanjay -> Санджай); after a consonant at the end it is и
    w = re.sub(r"(?<=[aeiou])y(?![aeiou])", "й", w)
    w = re.sub(r"(?<=[^aeiou])y$", "и", w)
    w = re.sub(r"(?<=[^aeiouй])y(?=[aeiou])", "ь" + "y", w)   # Aditya -> Адитья
    w = re.sub(r"^y", "й", w) if not re.match(r"^y[aeiou]", w) else w
    w = re.sub(r"ia$", "ия", w)
    w = re.sub(r"(?<=[aeo])i(?![aeiou])", "й", w)   # Jain -> Джайн, Nitai -> Нитай
    # Singh: the final h after g is written (Сингх); kh at the start is х (Khan -> Хан)
    w = re.sub(r"^kh", "х", w)
    first_e = w.startswith("e")
    out = _RX.sub(lambda m: _MAP[m.group(0)], w)
    if first_e:
        out = "э" + out[1:]
    out = out.replace("ьy", "ь").replace("y", "й")
    return out


def to_cyrillic(latin_name: str) -> str:
    """'Harpreet Singh' -> 'Харприт Сингх'. Non-letters and word boundaries are kept."""
    def conv(m: re.Match) -> str:
        w = m.group(0)
        c = _word(w)
        if w.isupper() and len(w) > 1:
            return c.upper()
        return c[:1].upper() + c[1:] if w[:1].isupper() or not w[:1].isalpha() else c
    return re.sub(r"[A-Za-z]+", conv, latin_name or "")
