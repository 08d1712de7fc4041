"""Which country a host's citizenship cell names, as an ISO 3166-1 alpha-2 code, or "" when we cannot tell.

Plain Python. Only the origin countries whose nationals the registry deals with are known: a host-only row
is shown to the officers of the country its citizenship names, so a name we are not sure of must stay
blank rather than be guessed. Anything else (another country, "РФ" for a recruit given the host's
citizenship, a typo) is blank too: the row then follows the country of whoever imported the list.
"""

from __future__ import annotations

import re
import unicodedata

# Every spelling is compared folded (see `_key`): case, spacing, hyphens and the state-form words
# below do not matter, so "Индия", "ИНДИЯ", "Республика Индия" and "гражданин Индии" need one entry each
# at most. The ISO alpha-3 codes are there because hosts copy the nationality from the passport's
# machine-readable line ("IND", "NPL").
COUNTRY_NAMES: dict[str, list[str]] = {
    "IN": ["IN", "IND", "India", "Indian", "Bharat",
           "Индия", "Индии", "индийское", "индийский", "индиец",
           "भारत", "भारतीय"],
    "NP": ["NP", "NPL", "Nepal", "Nepali", "Nepalese",
           "Непал", "Непала", "непальское", "непалец",
           "नेपाल", "नेपाली"],
    "LK": ["LK", "LKA", "Sri Lanka", "Sri Lankan", "Ceylon",
           "Шри-Ланка", "Шри-Ланки", "шри-ланкийское", "Цейлон",
           "श्रीलंका", "श्रीलंकाई"],
    "BD": ["BD", "BGD", "Bangladesh", "Bangladeshi",
           "Бангладеш", "бангладешское",
           "बांग्लादेश", "बंगलादेश", "बांग्लादेशी"],
    "PK": ["PK", "PAK", "Pakistan", "Pakistani",
           "Пакистан", "Пакистана", "пакистанское", "пакистанец",
           "पाकिस्तान", "पाकिस्तानी"],
    "BT": ["BT", "BTN", "Bhutan", "Bhutanese",
           "Бутан", "Бутана", "бутанское",
           "भूटान", "भुटान", "भूटानी"],
    "MM": ["MM", "MMR", "Myanmar", "Burma", "Burmese",
           "Мьянма", "Мьянмы", "Бирма", "Бирмы", "мьянманское",
           "म्यांमार", "म्यानमार", "बर्मा"],
}

# The words of a state's long form and of "citizen of", in Russian, English, Hindi and Nepali: left out
# before the name is looked up ("Федеративная Демократическая Республика Непал" is Nepal).
STATE_FORM_WORDS = {
    "республика", "федеративная", "демократическая", "социалистическая", "народная", "исламская",
    "республики", "федеративной", "демократической", "социалистической", "народной", "исламской",
    "королевство", "королевства", "союз", "союза", "государство", "гражданин", "гражданка", "гражданина",
    "гражданство", "гр",
    "republic", "of", "the", "federal", "democratic", "socialist", "people's", "peoples", "islamic",
    "kingdom", "union", "state", "citizen", "national",
    "गणराज्य", "गणतंत्र", "गणतन्त्र", "संघीय", "लोकतांत्रिक", "लोकतान्त्रिक", "समाजवादी", "जनवादी", "इस्लामी",
    "राज्य", "साम्राज्य", "संघ", "का", "की", "के", "नागरिक",
}

# Between two names in one cell: "Индия / РФ", "Nepal, India", "Индия (IND)".
SEPARATORS = re.compile(r"[,;/\\|()\[\]+&]|\s(?:и|and|или|or)\s", re.IGNORECASE)

_NUKTA = "\u093c"


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").replace(_NUKTA, "")
    # Hyphens and dots join nothing here ("Шри-Ланка", "гр. Индии"); the apostrophe of "People's" stays.
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "Z")) and ch != "'" else ch for ch in text)
    return text.split()


def _key(text: str) -> str:
    """The spelling reduced to what tells countries apart: "श्री लंका" and "Sri-Lanka" become one key each."""
    words = _words(text)
    kept = [w for w in words if w not in STATE_FORM_WORDS]
    return "".join(kept or words)


_INDEX: dict[str, str] = {_key(name): code for code, names in COUNTRY_NAMES.items() for name in names}


def citizenship_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of the one origin country `text` names, or "" (none, several, unknown)."""
    if not text or not text.strip():
        return ""
    whole = _INDEX.get(_key(text))
    if whole:
        return whole
    named = {_INDEX.get(_key(part)) for part in SEPARATORS.split(f" {text} ") if _key(part)}
    named.discard(None)
    # Two origin countries (a dual national, or a cell that names both) tell no one country's officers
    # that he is theirs more than the other's.
    return named.pop() if len(named) == 1 else ""
