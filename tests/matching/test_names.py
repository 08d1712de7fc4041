"""Name parsing: what real lists do to names."""
import pytest

from matching import normalise_name, search_key, to_cyrillic
from matching.phonetic import fine_key


def keys(text, relatives=""):
    return sorted(normalise_name(text, relatives).keys)


@pytest.mark.parametrize("a, b", [
    ("Harpreet Singh", "СИНГХ ХАРПРИТ"),                  # Russian order, capitals
    ("Harpreet Singh", "Сингх, Харприт"),                 # "Surname, Given"
    ("Harpreet Singh", "हरप्रीत सिंह"),
    ("Shri Harpreet Singh", "Harpreet Singh"),            # honorifics
    ("Smt. Seema Sharma", "Seema Sharma"),
    ("Sri Ram Das", "Ram Das"),
    ("Dr. Rajesh Kumar", "Rajesh Kumar"),
    ("Dr.Rajesh Kumar", "Rajesh Kumar"),
    ("Sardar Harpreet Singh", "Harpreet Singh"),
    ("господин Сингх Харприт", "Harpreet Singh"),
    ("г-н Сингх Харприт", "Harpreet Singh"),
    ("श्रीमती सीमा शर्मा", "Seema Sharma"),
    ("HEMA-MALINI", "Hema Malini"),                       # hyphen
    ("  harpreet   SINGH ", "Harpreet Singh"),
])
def test_same_tokens(a, b):
    assert keys(a) == keys(b)


@pytest.mark.parametrize("text, tokens, initials", [
    ("R. Kumar", ["kumar"], ["r"]),
    ("H.D. Kumar", ["kumar"], ["h", "d"]),
    ("Kumar R", ["kumar"], ["r"]),
    ("Х. Сингх", ["sing"], ["h"]),
    ("Ш. Кумар", ["kumar"], ["s"]),
])
def test_initials(text, tokens, initials):
    n = normalise_name(text)
    assert list(n.keys) == [fine_key(t) for t in tokens] and list(n.initials) == initials


@pytest.mark.parametrize("variant", ["Mohammed", "Muhammad", "Mohammad", "Mohd.", "Md.", "MD", "Мохаммед",
                                     "Мухаммад", "मोहम्मद"])
def test_muhammad_family_is_one_optional_token(variant):
    n = normalise_name(f"{variant} Rafi")
    assert n.tokens[0] == "muhammad" and n.optional == (True, False)


@pytest.mark.parametrize("text", ["Modi", "Mahmud", "Mohan"])
def test_not_muhammad(text):
    assert normalise_name(text).tokens[0] != "muhammad"


@pytest.mark.parametrize("patronymic, optional_tokens", [
    ("-", 0), ("—", 0), ("", 0), ("нет", 0), ("Rajinder Singh", 1), ("Раджиндер", 1),   # Singh counted once
])
def test_patronymic_field(patronymic, optional_tokens):
    n = normalise_name("Harpreet Singh", patronymic)
    assert sum(n.optional) == optional_tokens
    assert n.keys[:2] == ("harprit", "sing")


def test_son_of_is_a_relative():
    n = normalise_name("Ram s/o Shyam Lal")
    assert n.tokens == ("ram", "shyam", "lal") and n.optional == (False, True, True)


def test_only_titles_is_not_empty():
    assert not normalise_name("Sri").empty
    assert normalise_name("").empty and normalise_name("  ").empty


@pytest.mark.parametrize("query", ["Харприт", "हरप्रीत", "harpreet", "HARPREET", "Harprit"])
def test_search_key_substring(query):
    stored = search_key("Harpreet Singh")
    assert search_key(query) in stored


def test_search_key_any_order_and_script():
    assert search_key("सिंह") in search_key("SINGH Harpreet")


@pytest.mark.parametrize("latin, cyrillic", [
    ("Harpreet Singh", "Харприт Сингх"), ("Sanjay Kumar", "Санджай Кумар"), ("Aditya Sharma", "Адитья Шарма"),
    ("Khan", "Хан"), ("Deepak Chaudhary", "Дипак Чаудхари"), ("Priya Yadav", "Прия Ядав"), ("Jain", "Джайн"),
    ("Bhardwaj", "Бхардвадж"), ("Esha", "Эша"), ("RAJESH", "РАДЖЕШ"), ("Vijay", "Виджай"),
])
def test_to_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize("latin", ["Harpreet Singh", "Sukhdev Chaudhary", "Aditya Bhardwaj", "Lakshmi Patel"])
def test_to_cyrillic_round_trips_through_keys(latin):
    assert keys(to_cyrillic(latin)) == keys(latin)


@pytest.mark.parametrize("text, expected", [
    ("Сингх Харприт (Harpreet Singh)", ["harprit", "sing"]),
    ("Rahul Rahul", ["rahul", "rahul"]),
    ("VISHAL VISHAL NANDI", ["nandi", "visal"]),         # the repeat first or last: the same name
    ("Нанди Вишал Вишал", ["nandi", "visal"]),
])
def test_repeated_tokens_count_once(text, expected):
    assert keys(text) == expected


@pytest.mark.parametrize("latin, cyrillic", [("Sheikh", "Шейх"), ("Shahrukh", "Шахрух"), ("Khan", "Хан"),
                                             ("Mukherjee", "Мукерджи")])
def test_kh_at_either_end_of_a_word_is_russian_kh(latin, cyrillic):
    assert keys(latin) == keys(cyrillic)


@pytest.mark.parametrize("text, expected_keys, expected_optional", [
    ("Сингх Харприт Раджиндерович", ("sing", "harprit", "rajinder"), (False, False, True)),  # patronymic
    ("😀 Ram", ("ram",), (False,)),                                   # symbols carry no name
    ("Ram Kumar Singh, Jr.", ("ram", "kumar", "sing"), (False, False, False)),
    ("RAM KUMAR S/O SHYAM LAL", ("ram", "kumar", "syam", "lal"), (False, False, True, True)),
    ("محمد رفيع", ("muhamad", "rpi"), (True, False)),                 # unknown script: anyascii fallback
])
def test_odd_inputs(text, expected_keys, expected_optional):
    n = normalise_name(text)
    assert (n.keys, n.optional) == (expected_keys, expected_optional)
