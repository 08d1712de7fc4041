"""Name helpers the registry needs at write time: which script a name is in, and its search forms."""

import unicodedata

import matching

from .models import Script

_SCRIPT_BY_UNICODE_NAME = {s.value.upper(): s.value for s in Script}


def detect_script(text: str) -> str:
    """The script most letters of `text` are written in, by their Unicode character names."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            word = unicodedata.name(char, "OTHER").split()[0]
            script = _SCRIPT_BY_UNICODE_NAME.get(word, Script.OTHER.value)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else Script.OTHER.value


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def search_key(text: str) -> str:
    return matching.search_key(text)
