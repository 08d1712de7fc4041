"""Script detection and library-backed conversion to a Latin spelling.

Indic scripts go through indic-transliteration (sanscript) to Harvard-Kyoto, an ASCII scheme that keeps
the distinctions the phonetic layer needs (long vowels, retroflexes, anusvara, the inherent vowel written
out); everything we do not know goes through anyascii. Cyrillic is *not* romanised here: a library
romanisation (GOST, ICAO) answers "how is this Russian word spelt in Latin", while we need "which Latin
spelling of an Indian name did a Russian official hear" — that is the hand-written phonetic layer.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii
from indic_transliteration import sanscript

LATIN, CYRILLIC, OTHER = "latin", "cyrillic", "other"

# Unicode blocks -> sanscript scheme name.
_INDIC_BLOCKS = (
    (0x0900, 0x097F, sanscript.DEVANAGARI),
    (0x0980, 0x09FF, sanscript.BENGALI),
    (0x0A00, 0x0A7F, sanscript.GURMUKHI),
    (0x0A80, 0x0AFF, sanscript.GUJARATI),
    (0x0B00, 0x0B7F, sanscript.ORIYA),
    (0x0B80, 0x0BFF, sanscript.TAMIL),
    (0x0C00, 0x0C7F, sanscript.TELUGU),
    (0x0C80, 0x0CFF, sanscript.KANNADA),
    (0x0D00, 0x0D7F, sanscript.MALAYALAM),
    (0x0D80, 0x0DFF, "sinhala"),
)

# Malayalam chillu letters are atomic consonants without vowel; sanscript leaves them untouched, so they
# are spelt out as consonant + virama first.
_CHILLU = str.maketrans({"ൺ": "ണ്", "ൻ": "ന്", "ർ": "ര്", "ൽ": "ല്", "ൾ": "ള്", "ൿ": "ക്"})
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# Gurmukhi letters with nukta (ਸ਼ ਜ਼ ਖ਼ ਗ਼ ਫ਼ ਲ਼) are composition exclusions: NFC text holds consonant + ਼,
# which sanscript reads as the consonant, its inherent vowel and a stray sign (ਸ਼ੇਰ -> "sa਼era"). It
# knows the precomposed letters, so they are put back together first.
_GURMUKHI_NUKTA = {"\u0a38\u0a3c": "\u0a36", "\u0a1c\u0a3c": "\u0a5b", "\u0a16\u0a3c": "\u0a59",
                   "\u0a17\u0a3c": "\u0a5a", "\u0a2b\u0a3c": "\u0a5e", "\u0a32\u0a3c": "\u0a33"}


def detect_script(text: str) -> str:
    """The script of the first letter that tells: 'latin', 'cyrillic', a sanscript scheme, or 'other'."""
    for ch in text:
        cp = ord(ch)
        if cp < 0x80:
            if ch.isalpha():
                return LATIN
            continue
        if 0x0400 <= cp <= 0x052F:
            return CYRILLIC
        for lo, hi, scheme in _INDIC_BLOCKS:
            if lo <= cp <= hi:
                return scheme
        if ch.isalpha():
            if "LATIN" in unicodedata.name(ch, ""):
                return LATIN
            return OTHER
    return LATIN


@lru_cache(maxsize=200_000)
def indic_to_hk(token: str, scheme: str) -> str:
    """An Indic-script token in Harvard-Kyoto (case-significant ASCII)."""
    token = token.translate(_ZERO_WIDTH)
    if scheme == sanscript.MALAYALAM:
        token = token.translate(_CHILLU)
    elif scheme == sanscript.GURMUKHI and "\u0a3c" in token:
        for pair, letter in _GURMUKHI_NUKTA.items():
            token = token.replace(pair, letter)
    out = sanscript.transliterate(token, scheme, sanscript.HK)
    # Anything the scheme could not map (rare signs) falls back to anyascii rather than leaking through.
    return "".join(c if c.isascii() else anyascii(c) for c in out)


def fold_latin(text: str) -> str:
    """Latin with diacritics or any unknown script -> plain lowercase ASCII."""
    return anyascii(text).lower()
