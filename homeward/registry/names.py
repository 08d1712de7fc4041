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


# Joiners shape conjuncts in Indic scripts and must survive; every other control or format character
# (bidirectional overrides among them) could make a name read differently from what is stored.
_KEEP = {"\u200c", "\u200d", "\n", "\t"}


def clean(text: str) -> str:
    """Text as stored: control and format characters removed, except the joiners and line breaks."""
    return "".join(c for c in text if c in _KEEP or unicodedata.category(c) not in ("Cc", "Cf"))


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def search_key(text: str) -> str:
    return matching.search_key(text)


def refresh_search_keys(person_name_model, *, chunk: int = 2000) -> int:
    """Recompute every stored search key with matching's current rules; how many changed.

    A key stored under older rules is not found by a search under the new ones (Rao was "ro" before
    it was "rav"), so a change to matching's keys ships with a migration that calls this. The model
    is passed in so that a migration can give its historical one.
    """
    changed, batch = 0, []
    names = person_name_model.objects.only("id", "full_name", "search_key").order_by("id")
    for name in names.iterator(chunk_size=chunk):
        key = search_key(name.full_name)
        if key != name.search_key:
            name.search_key = key
            batch.append(name)
        if len(batch) >= chunk:
            person_name_model.objects.bulk_update(batch, ["search_key"])
            changed, batch = changed + len(batch), []
    if batch:
        person_name_model.objects.bulk_update(batch, ["search_key"])
    return changed + len(batch)
