"""The engine's reasons for a match ("exact token-set match (+13.9)") in the language of the page.

`matching` is a plain library and words its explanations in English (matching.model.explain); review
items and response rows store them as written. They are translated where they are shown, label by
label, with the weight kept as it is. A reason this module does not know is shown as written.
"""

from __future__ import annotations

import re

from django.utils.translation import pgettext_lazy

FIELDS = {
    "name": pgettext_lazy("field of a match", "name"),
    "date_of_birth": pgettext_lazy("field of a match", "date of birth"),
    "passport_number": pgettext_lazy("field of a match", "passport"),
    "phone": pgettext_lazy("field of a match", "phone"),
    "home_state": pgettext_lazy("field of a match", "home state"),
    "home_district": pgettext_lazy("field of a match", "home district"),
    "sex": pgettext_lazy("field of a match", "sex"),
}

# Every label matching.model.explain can give (a test holds this list to the engine's).
REASONS = {
    "exact token-set match": pgettext_lazy("match reason", "exact token-set match"),
    "phonetic token-set match": pgettext_lazy("match reason", "phonetic token-set match"),
    "fuzzy token-set match": pgettext_lazy("match reason", "fuzzy token-set match"),
    "token-set match with initials": pgettext_lazy("match reason", "token-set match with initials"),
    "one name contains the other": pgettext_lazy("match reason", "one name contains the other"),
    "some tokens agree, one differs but sounds alike":
        pgettext_lazy("match reason", "some tokens agree, one differs but sounds alike"),
    "some tokens agree, one is another name": pgettext_lazy("match reason", "some tokens agree, one is another name"),
    "one token agrees, several conflict": pgettext_lazy("match reason", "one token agrees, several conflict"),
    "no token agrees": pgettext_lazy("match reason", "no token agrees"),
    "missing": pgettext_lazy("match reason", "missing"),
    "exact": pgettext_lazy("match reason", "exact"),
    "day/month swapped": pgettext_lazy("match reason", "day/month swapped"),
    "one part differs": pgettext_lazy("match reason", "one part differs"),
    "same day and month, year ±1": pgettext_lazy("match reason", "same day and month, year ±1"),
    "same year, different day/month": pgettext_lazy("match reason", "same year, different day/month"),
    "year ±1": pgettext_lazy("match reason", "year ±1"),
    "year agrees (partial date)": pgettext_lazy("match reason", "year agrees (partial date)"),
    "year and month agree (partial date)": pgettext_lazy("match reason", "year and month agree (partial date)"),
    "different": pgettext_lazy("match reason", "different"),
    "similar": pgettext_lazy("match reason", "similar"),
    "equal up to OCR confusions": pgettext_lazy("match reason", "equal up to OCR confusions"),
    "one character differs": pgettext_lazy("match reason", "one character differs"),
    "last 7 digits agree": pgettext_lazy("match reason", "last 7 digits agree"),
}

_WEIGHTED = re.compile(r"(.*?)( \([+-]?\d+(?:\.\d+)?\))?")


def reason(text: str) -> str:
    """One field's reason, translated: 'exact (+13.4)' -> 'точное совпадение (+13.4)'."""
    label, weight = _WEIGHTED.fullmatch(text).groups()
    translated = REASONS.get(label)
    return text if translated is None else f"{translated}{weight or ''}"


def field(key: str) -> str:
    return str(FIELDS.get(key, key))


def lines(explanation: dict) -> list[str]:
    """'field: reason' for each field of an explanation, translated, in the engine's order."""
    return [f"{field(key)}: {reason(text)}" for key, text in (explanation or {}).items()]
