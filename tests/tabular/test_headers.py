import pytest

from tabular import FIELD_ALIASES, parse_mapping
from tabular.headers import field_for, fold

REQUIRED_FIELDS = [
    "id", "reference", "case_ref", "full_name", "given_name", "family_name", "patronymic", "date_of_birth",
    "passport_number", "national_id", "phone", "home_state", "home_district", "home_village", "sex",
    "citizenship", "military_unit", "origin", "host", "reported_on", "recorded_at", "event", "occurred_on",
    "source", "note", "correction", "status", "location",
]


def test_all_canonical_fields_present():
    assert set(REQUIRED_FIELDS) <= set(FIELD_ALIASES)


def test_every_field_matches_its_own_name():
    assert all(field_for(field) == field for field in FIELD_ALIASES)


def test_no_spelling_means_two_fields():
    owners: dict[str, set[str]] = {}
    for field, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            owners.setdefault(fold(alias), set()).add(field)
    assert {key: fields for key, fields in owners.items() if len(fields) > 1} == {}
    assert "" not in owners


@pytest.mark.parametrize("header, field", [
    ("Ф.И.О.", "full_name"), ("ФИО", "full_name"), ("фио ", "full_name"), ("Фамилия Имя Отчество", "full_name"),
    ("Фамилия, имя, отчество", "full_name"), ("Name", "full_name"), ("नाम", "full_name"), ("पूरा नाम", "full_name"),
    ("Date of birth", "date_of_birth"), ("date_of_birth", "date_of_birth"), ("DOB", "date_of_birth"),
    ("D.O.B.", "date_of_birth"), ("Дата  рождения", "date_of_birth"), ("Год рождения", "date_of_birth"),
    ("जन्म तिथि", "date_of_birth"),
    ("№", "id"), ("№ п/п", "id"), ("N", "id"), ("No.", "id"), ("S.No", "id"), ("क्रम संख्या", "id"),
    ("Наш номер", "reference"), ("Номер дела", "reference"), ("case_ref", "case_ref"),
    ("Имя", "given_name"), ("Фамилия", "family_name"), ("Отчество", "patronymic"), ("Father's name", "patronymic"),
    ("Серия и номер паспорта", "passport_number"), ("Passport No.", "passport_number"), ("Паспорт", "passport_number"),
    ("पासपोर्ट संख्या", "passport_number"),
    ("Телефон", "phone"), ("फ़ोन", "phone"), ("फोन", "phone"),   # with and without nukta
    ("ज़िला", "home_district"), ("जिला", "home_district"), ("Район", "home_district"),
    ("Штат", "home_state"), ("राज्य", "home_state"), ("Пол", "sex"), ("Gender", "sex"), ("लिंग", "sex"),
    ("Гражданство", "citizenship"), ("в/ч", "military_unit"), ("Воинская часть", "military_unit"),
    ("Дата", "occurred_on"), ("Дата события", "occurred_on"), ("Примечание", "note"), ("टिप्पणी", "note"),
    ("Статус", "status"), ("Состояние", "status"), ("Местонахождение", "location"), ("Место", "location"),
    ("Населённый пункт", "home_village"), ("Населенный пункт", "home_village"),
    ("Unknown column", None), ("", None), ("...", None),
])
def test_alias_matching(header, field):
    assert field_for(header) == field


def test_mapping_beats_aliases_and_can_ignore():
    mapping = {"Дата": "date_of_birth", "Ф.И.О.": "-"}
    assert field_for(" дата ", mapping) == "date_of_birth"
    assert field_for("ф.и.о.", mapping) is None
    # Mapped headers match exactly up to case and spacing, so "ФИО" beside "Ф.И.О." is left alone.
    assert field_for("ФИО", mapping) == "full_name"
    assert field_for("Паспорт", mapping) == "passport_number"


@pytest.mark.parametrize("entries, expected", [
    ([], {}),
    (["Дата рожд.=date_of_birth"], {"Дата рожд.": "date_of_birth"}),
    ([" Паспорт РФ = passport_number ", "Col=-"], {"Паспорт РФ": "passport_number", "Col": "-"}),
    (["a=b=note"], {"a=b": "note"}),
])
def test_parse_mapping(entries, expected):
    assert parse_mapping(entries) == expected


@pytest.mark.parametrize("entries, message", [
    (["Дата рождения"], 'should look like "Header=field"'),
    (["=date_of_birth"], "needs both a header and a field"),
    (["Дата="], "needs both a header and a field"),
    (["Дата=birthday"], '"birthday" is not a known field'),
    (["Дата=date_of_brith"], 'did you mean "date_of_birth"'),
    (["ФИО=full_name", " фио =given_name"], 'are the same column'),
    # The same header twice used to keep the last silently.
    (["Name of person=full_name", "Name of person=id"],
     '--map gives the column "Name of person" twice, as full_name and as id'),
])
def test_parse_mapping_rejects(entries, message):
    with pytest.raises(ValueError, match=message):
        parse_mapping(entries)


def test_parse_mapping_allows_the_same_entry_twice():
    assert parse_mapping(["Name of person=full_name", "Name of person=full_name"]) == {"Name of person": "full_name"}


@pytest.mark.parametrize("header, field", [
    ("Agent", "agent_name"), ("Recruiting agent", "agent_name"), ("Agent name", "agent_name"), ("Агент", "agent_name"),
    ("Вербовщик", "agent_name"), ("एजेंट", "agent_name"), ("Agent phone", "agent_phone"),
    ("Телефон агента", "agent_phone"), ("एजेंट का फोन", "agent_phone"), ("Agency", "agency"), ("Агентство", "agency"),
    ("एजेंसी", "agency"), ("Agent city", "agent_city"), ("Город агента", "agent_city"), ("Телефон", "phone"),
])
def test_recruiting_agent_headers(header, field):
    assert field_for(header) == field


@pytest.mark.parametrize("header, field", [
    ("ФИО (полностью)", "full_name"), ("Дата рождения (дд.мм.гггг)", "date_of_birth"),
    ("Номер паспорта*", "passport_number"), ("Date of Birth (DD/MM/YYYY)", "date_of_birth"),
    ("Дата рождения:", "date_of_birth"), ("ФИО [латиницей] *", "full_name"), ("Паспорт (серия, номер)*:", "passport_number"),
    ("ФИО（полностью）", "full_name"),   # full-width brackets, as some Asian keyboards type them
    ("(подпись)", None), ("Статус (в строю / ранен)", "status"), ("Unknown (column)", None),
])
def test_hints_in_brackets_and_required_marks(header, field):
    assert field_for(header) == field
