"""Which column means what: header spellings and ``--map`` overrides."""
from __future__ import annotations

import difflib
import re
import unicodedata

# Header spellings seen in our own registers, the host ministry's lists (Russian)
# and state-government lists (Hindi). Matching goes through fold(), so case,
# spacing and punctuation variants ('Ф.И.О.', 'фио ', 'date_of_birth') need no
# entry of their own. Every spelling must fold to a different key; a test checks it.
FIELD_ALIASES: dict[str, list[str]] = {
    "id": ["id", "№", "N", "No", "№ п/п", "S.No", "Sr. No", "Serial number", "क्रम संख्या"],
    "reference": ["reference", "ref", "case reference", "our reference", "наш номер", "номер дела", "संदर्भ"],
    "case_ref": ["case_ref", "case ref", "case id"],
    "full_name": ["full_name", "name", "full name", "ФИО", "Фамилия Имя Отчество", "Фамилия, имя, отчество",
                  "नाम", "पूरा नाम"],
    "given_name": ["given_name", "first name", "given name", "Имя", "पहला नाम"],
    "family_name": ["family_name", "surname", "last name", "family name", "Фамилия", "उपनाम"],
    "patronymic": ["patronymic", "father's name", "father name", "Отчество", "पिता का नाम"],
    "date_of_birth": ["date_of_birth", "DOB", "date of birth", "birth date", "birthdate", "Дата рождения",
                      "Год рождения", "Дата (год) рождения", "जन्म तिथि"],
    "passport_number": ["passport_number", "passport", "passport no", "passport number", "Номер паспорта",
                        "Паспорт", "Серия и номер паспорта", "пасп", "पासपोर्ट संख्या", "पासपोर्ट नंबर"],
    "national_id": ["national_id", "national id", "aadhaar", "aadhaar number", "aadhaar no", "आधार संख्या"],
    "phone": ["phone", "mobile", "telephone", "phone number", "mobile number", "contact number", "Телефон",
              "Номер телефона", "फ़ोन", "मोबाइल", "मोबाइल नंबर"],
    "home_state": ["home_state", "state", "Штат", "Регион", "राज्य"],
    "home_district": ["home_district", "district", "Район", "Округ", "ज़िला", "जनपद"],
    "home_village": ["home_village", "village", "Деревня", "Село", "Населённый пункт", "गाँव", "गांव"],
    "sex": ["sex", "gender", "Пол", "लिंग"],
    "citizenship": ["citizenship", "nationality", "Гражданство", "नागरिकता"],
    "military_unit": ["military_unit", "unit", "military unit", "Воинская часть", "в/ч", "войсковая часть"],
    "agent_name": ["agent_name", "agent", "agent name", "recruiting agent", "recruiter", "name of agent", "Агент",
                   "Вербовщик", "ФИО агента", "Имя агента", "ФИО вербовщика", "एजेंट", "एजेंट का नाम"],
    "agent_phone": ["agent_phone", "agent phone", "agent's phone", "agent mobile", "agent phone number",
                    "phone of agent", "Телефон агента", "Телефон вербовщика", "एजेंट का फ़ोन", "एजेंट का मोबाइल",
                    "एजेंट फ़ोन"],
    "agency": ["agency", "agent_agency", "agent agency", "recruiting agency", "agency name", "Агентство",
               "Кадровое агентство", "Агентство по найму", "एजेंसी", "एजेंसी का नाम"],
    "agent_city": ["agent_city", "agent city", "agent's city", "city of agent", "Город агента", "एजेंट का शहर"],
    "promised": ["promised", "promised job", "what was promised", "Обещанная работа", "Что обещали",
                 "वादा की गई नौकरी"],
    "origin": ["origin", "origin_country", "country of origin", "Страна происхождения"],
    "host": ["host", "host_country", "host country", "Страна пребывания"],
    "reported_on": ["reported_on", "reported on", "date reported", "Дата обращения"],
    "recorded_at": ["recorded_at", "recorded at", "Дата записи"],
    "event": ["event", "event type", "Событие"],
    "occurred_on": ["occurred_on", "occurred on", "date", "Дата", "Дата события", "तारीख", "दिनांक"],
    "source": ["source", "Источник", "स्रोत"],
    "note": ["note", "notes", "comment", "comments", "remarks", "Примечание", "Примечания", "Комментарий",
             "टिप्पणी"],
    "correction": ["correction", "corrects", "is_correction", "Исправление"],
    "status": ["status", "Статус", "Состояние", "स्थिति"],
    "location": ["location", "Место", "Местонахождение", "Место нахождения", "स्थान"],
}

# A mapping target that tells the reader to leave a column out (e.g. to settle
# two columns that both mean full_name).
IGNORE = "-"

_NUKTA = "\u093c"


def fold(text: object) -> str:
    """Reduce a header to the key used for matching.

    NFKC first, because Hindi letters with nukta arrive both precomposed and
    decomposed; the nukta itself is dropped because people often do not type it.
    'ё' is folded to 'е' for the same reason. Marks (Hindi vowel signs) and
    symbols such as '№' must survive: without them 'नाम' and '№' would collapse.
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("ё", "е").replace(_NUKTA, "")
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch).startswith(("P", "Z"))))


_ALIAS_INDEX: dict[str, str] = {fold(a): field for field, aliases in FIELD_ALIASES.items() for a in aliases}


def loose(text: object) -> str:
    """Key for --map headers: case and spacing do not matter, punctuation does.

    Stricter than fold() on purpose, so that a mapping can tell apart "ФИО" and
    "Ф.И.О." when a file has both.
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


# Forms add a hint in brackets or mark a required column: "ФИО (полностью)",
# "Date of Birth (DD/MM/YYYY)", "Номер паспорта*", "Дата рождения:".
_HINT = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_MARK = re.compile(r"[\s*:]+$")


def _alias(header: object, hints: bool = True) -> str | None:
    """The field an alias spelling means, trying again without bracketed hints and trailing '*' or ':'."""
    field = _ALIAS_INDEX.get(fold(header))
    if field is None and hints:
        text = unicodedata.normalize("NFKC", str(header))
        bare = _MARK.sub("", _HINT.sub(" ", text))
        if bare != text and fold(bare):
            field = _ALIAS_INDEX.get(fold(bare))
    return field


def field_for(header: str, mapping: dict[str, str] | None = None, *, hints: bool = True) -> str | None:
    """The canonical field a header means, or None; a mapping entry beats the aliases.

    A mapping target of '-' makes the column unmapped on purpose. A header that is
    no alias as written is tried again without hints in brackets and a trailing
    '*' or ':', so "Дата рождения (дд.мм.гггг)" is date_of_birth (hints=False
    leaves that second try out).
    """
    if mapping:
        key = loose(header)
        for mapped_header, field in mapping.items():
            if loose(mapped_header) == key:
                return None if field == IGNORE else field
    return _alias(header, hints)


def is_known_header(header: str, mapping: dict[str, str] | None = None) -> bool:
    return bool(header) and (_alias(header) is not None or any(loose(h) == loose(header) for h in mapping or {}))


def check_field(field: str) -> None:
    if field == IGNORE or field in FIELD_ALIASES:
        return
    hint = difflib.get_close_matches(field, FIELD_ALIASES, n=1)
    suggestion = f' (did you mean "{hint[0]}"?)' if hint else ""
    raise ValueError(f'"{field}" is not a known field{suggestion}; known fields: {", ".join(FIELD_ALIASES)}')


def check_mapping(mapping: dict[str, str]) -> None:
    seen: dict[str, str] = {}
    for header, field in mapping.items():
        if not loose(header):
            raise ValueError(f'mapping for "{field}" has an empty header')
        check_field(field)
        if loose(header) in seen:
            raise ValueError(f'headers "{seen[loose(header)]}" and "{header}" are the same column; map it once')
        seen[loose(header)] = header


def parse_mapping(entries: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Turn ``--map "Header=field"`` options into a mapping for open_table.

    The split is on the last '=', because field names never contain one and a
    header might. 'Header=-' leaves that column out.
    """
    mapping: dict[str, str] = {}
    for entry in entries:
        header, sep, field = entry.rpartition("=")
        header, field = header.strip(), field.strip()
        if not sep:
            raise ValueError(f'--map "{entry}" should look like "Header=field", e.g. "Дата рождения=date_of_birth"')
        if not header or not field:
            raise ValueError(f'--map "{entry}" needs both a header and a field, e.g. "Дата рождения=date_of_birth"')
        if mapping.get(header, field) != field:   # the same spelling again; other spellings: check_mapping
            raise ValueError(f'--map gives the column "{header}" twice, as {mapping[header]} and as {field}; '
                             "a column holds one field, so map it once")
        mapping[header] = field
        check_mapping(mapping)
    return mapping


def describe_field(field: str) -> str:
    """'date_of_birth (e.g. "Дата рождения", "DOB")' for error messages."""
    examples = [a for a in FIELD_ALIASES.get(field, []) if a != field][:3]
    if not examples:
        return field
    return f"{field} (e.g. " + ", ".join(f'"{a}"' for a in examples) + ")"
