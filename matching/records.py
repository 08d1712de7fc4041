"""The record type and its prepared (normalised once, compared many times) form."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Mapping

from .names import NormalisedName, normalise_name
from .phonetic import coarse_key, token_keys


@dataclass(slots=True)
class Record:
    id: str
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    date_of_birth: str = ""   # ISO partial: '1998', '1998-03', '1998-03-14' or ''
    passport_number: str = ""
    phone: str = ""
    home_state: str = ""
    home_district: str = ""
    sex: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "Record":
        known = {f.name for f in fields(cls)}
        values = {k: _text(v).strip() for k, v in data.items() if k in known}
        values.setdefault("id", "")
        if not values.get("full_name"):
            values["full_name"] = " ".join(
                p for p in (values.get("given_name", ""), values.get("family_name", "")) if p)
        return cls(**values)


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
# OCR confusions seen on machine-read and retyped passports: letters that look like digits.
_OCR = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8",
                      "Z": "2", "G": "6", "T": "7"})
_SEX = {"m": "m", "male": "m", "man": "m", "м": "m", "муж": "m", "мужской": "m", "f": "f", "female": "f",
        "woman": "f", "ж": "f", "жен": "f", "женский": "f"}


@lru_cache(maxsize=100_000)
def parse_dob(text: str) -> tuple[int, int, int] | None:
    """ISO partial date -> (year, month or 0, day or 0)."""
    m = _DATE.match((text or "").strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if not 1800 < y < 2200:
        return None
    return y, (mo if 1 <= mo <= 12 else 0), (d if 1 <= d <= 31 else 0)


# Passport letters typed on a Russian keyboard: the Cyrillic letters that look like Latin ones.
_CYRILLIC_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХавекмнорстух", "ABEKMHOPCTYXABEKMHOPCTYX")


def _ascii_digits(text: str) -> str:
    """Digits of any script (९८७, ৯৮৭, full-width) as ASCII; other characters as they are."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)


def passport_keys(text: str) -> tuple[str, str]:
    """(as written, OCR-folded) passport number; both '' when absent."""
    if not text:
        return "", ""
    if not text.isascii():   # most numbers are: skip the work for the few typed otherwise
        text = _ascii_digits(unicodedata.normalize("NFKC", text)).translate(_CYRILLIC_LOOKALIKES)
    p = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if len(p) < 4:
        return "", ""
    return p, p.translate(_OCR)


def phone_key(text: str) -> str:
    """The national significant number: digits without country code, trunk prefix and leading zeros."""
    if not text:
        return ""
    if not text.isascii():
        text = _ascii_digits(text)
    if "(" in text:   # "+91 (0) 98765 43210": the trunk zero in brackets is not dialled after the country code
        text = re.sub(r"\(\s*0\s*\)", "", text)
    digits = re.sub(r"[^0-9]", "", text)
    if digits.startswith("00"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    # India +91 (10-digit numbers), Russia/Kazakhstan +7 and the Russian trunk 8 (10-digit numbers),
    # Nepal +977.
    for cc, national in (("977", 10), ("91", 10), ("7", 10), ("8", 10)):
        if digits.startswith(cc) and len(digits) == len(cc) + national:
            return digits[len(cc):]
    return digits if len(digits) >= 6 else ""


@lru_cache(maxsize=10_000)
def place_key(text: str) -> str:
    """Home state/district in any script -> joined coarse keys (Уттар-Прадеш == Uttar Pradesh)."""
    if not text:
        return ""
    parts = [token_keys(p)[2] for p in re.split(r"[\s\-,.]+", text or "") if p]
    return " ".join(p for p in parts if p)


@dataclass(slots=True)
class Prepared:
    """Everything a comparison needs, computed once per record."""
    id: str
    name: NormalisedName
    dob: tuple[int, int, int] | None
    passport: str
    passport_ocr: str
    phone: str
    state: str
    district: str
    sex: str

    @classmethod
    def of(cls, r: Record) -> "Prepared":
        full = _text(r.full_name) or f"{_text(r.given_name)} {_text(r.family_name)}"
        pp, ocr = passport_keys(_text(r.passport_number))
        return cls(
            id=str(r.id), name=normalise_name(full.strip(), _text(r.patronymic).strip()),
            dob=parse_dob(_text(r.date_of_birth)), passport=pp, passport_ocr=ocr,
            phone=phone_key(_text(r.phone)), state=place_key(_text(r.home_state)),
            district=place_key(_text(r.home_district)),
            sex=_SEX.get(_text(r.sex).strip().lower().rstrip("."), ""))


def prepare(record: "Record | Prepared | Mapping[str, Any]") -> Prepared:
    """A record in any accepted form (Record, a mapping of field names, or already prepared) -> Prepared."""
    if isinstance(record, Prepared):
        return record
    if not isinstance(record, Record):
        record = Record.from_mapping(record)
    return Prepared.of(record)


def _text(value: Any) -> str:
    """Field values as text: callers pass what their storage holds (None, a date, a PartialDate)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    iso = getattr(value, "iso", None)   # tabular.PartialDate
    if isinstance(iso, str):
        return iso
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


__all__ = ["Record", "Prepared", "prepare", "parse_dob", "passport_keys", "phone_key", "place_key", "coarse_key"]
