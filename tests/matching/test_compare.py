"""Per-field comparison levels."""
import pytest

from matching.compare import compare_dob, compare_names, compare_passport, compare_phone, compare_place
from matching.names import normalise_name
from matching.records import parse_dob, passport_keys, phone_key, place_key


@pytest.mark.parametrize("a, b, level", [
    ("Harpreet Singh", "СИНГХ ХАРПРИТ", "exact"),
    ("Harpreet Singh", "हरप्रीत सिंह", "exact"),
    ("Sunil Chaudhary", "Сунил Чоудхури", "exact"),              # one variant family
    ("Choudhury Sunil", "चौधरी सुनील", "exact"),
    ("Harsh Patel", "Хэрш Патель", "phonetic"),
    ("Chandra Coder", "Чандра Чоудхури", "replaced"),             # not the family, though alike
    ("Deepak Navneet Ashish", "Дипак Навни Ашиш", "fuzzy"),
    ("Archana Ashish", "Ашиш Ачрана", "fuzzy"),                  # transposition
    ("Kajal Dodiya", "Додиа Кадажл", "fuzzy"),                   # swapped letters break the дж
    ("Rahul Divya", "Дивья Рауль", "fuzzy"),                      # х dropped, soft sign added
    ("Ajay Verma", "Аждай Верма", "fuzzy"),
    ("Ashwini Jha", "Джха Ашвии", "fuzzy"),                      # a dropped letter that leaves a double
    ("Hemamalini", "Hema Malini", "fuzzy"),                       # joined / split
    ("Rohit Mohan", "Рохит Моган", "phonetic"),                   # г for h, the older Russian habit
    ("Tahir Mehul", "Мегуль Тагир", "phonetic"),
    ("Saroj Jakir", "Якир Сарой", "phonetic"),                    # й/я for j read as y
    ("Sagar Gopal", "Сагар Гопал", "exact"),                      # a real g stays exact
    ("Chandan Rane", "Чандан Рэйн", "phonetic"),                  # Rane read as an English word
    ("Hema Malini Devi", "Hemamalini Devi", "fuzzy"),
    ("Shyamsundar Rao", "Shyam Sundar Rao", "fuzzy"),            # m before the next part's consonant
    ("Шьямсундар Рао", "Shyam Sundar Rao", "fuzzy"),
    ("Prem Sagar Yadav", "Premsagar Yadav", "fuzzy"),
    ("Ramsingh", "Ram Singh", "fuzzy"),
    ("Рамхари Ядав", "Ram Hari Yadav", "fuzzy"),                  # the next part's h inside the word
    ("Ramsingh", "Ramesh Singh", "none"),
    ("Deepak Dutta", "Дипак Датта", "phonetic"),                 # the short a as u, as a
    ("Kamal Hasan", "Камол Хасан", "phonetic"),                   # ... and as o
    ("Deepak Dutta", "Дипика Датта", "fuzzy"),                    # a against i: another name, at best a typo
    ("Priyanka Saini", "Приянка Сони", "fuzzy"),                  # e against o
    ("Bharat Kumar", "Вират Кумар", "partial"),
    ("Akash Singha", "Акаш Симха", "exact"),                      # anusvara before h: ng, n or m
    ("Vamsi Krishna", "Ванши Кришна", "exact"),                   # ... and before s
    ("Rahul Singh", "Рахул Синха", "fuzzy"),                      # Singh and Sinha stay two names
    ("Srinivas Rao", "श्रीनिवास राव", "exact"),                     # a final -ao is -av
    ("Srinivas Rao", "Шринивас Рао", "exact"),
    ("Jadhao Sunil", "Sunil Jadhav", "exact"),
    ("Ravi Chawla", "रवि चावला", "exact"),                          # aw before a consonant is av
    ("Awtar Singh", "Автар Сингх", "exact"),
    ("Chowdhury Sunil", "Чоудхури Сунил", "exact"),                 # ... ow stays a diphthong
    ("Gayatri Devi", "गायत्री देवी", "exact"),                       # after a long vowel, ya keeps its a
    ("Gayathri", "गायत्री", "exact"),
    ("Harpreet Kaur", "हरप्रीत कौर", "exact"),                       # ... a compound join still drops it
    ("Jayprakash", "जयप्रकाश", "exact"),
    ("Ram Bahadur Chhetri", "राम बहादुर क्षेत्री", "exact"),           # Nepali क्ष is chh: one family
    ("Chettri Sita", "Сита Кшетри", "exact"),
    ("Ravi Kanwar", "रवि कुँवर", "phonetic"),                      # candrabindu before a consonant is n
    ("Kunwar Singh", "कुँवर सिंह", "exact"),
    ("Sourav Ganguly", "সৌরভ গঙ্গোপাধ্যায়", "phonetic"),           # anglicised Bengali surnames (Sourav/Saurabh)
    ("Mamata Banerjee", "Мамата Бандьопадхьяй", "exact"),
    ("Amit Bose", "অমিত বসু", "exact"),                           # ... and ব is b in Bengali
    ("Rabindranath Roy", "রবীন্দ্রনাথ রায়", "exact"),
    ("Prakash Rai", "Пракаш Рой", "exact"),
    ("Subrata Biswas", "সুব্রত বিশ্বাস", "exact"),
    ("Jagjit Singh", "জগজিৎ সিং", "exact"),                        # Bengali anusvara is ng, also at the end
    ("Wasim Akram", "ওয়াসিম আকরাম", "exact"),                      # Bengali writes w as ও য়
    ("Salman Khan", "সালমান খাঁ", "exact"),                         # candrabindu at the end is n
    ("Salman Khan", "सलमान खाँ", "exact"),
    ("H. Singh", "Harpreet Singh", "initials"),
    ("R. Kumar", "Rakesh Kumar", "initials"),
    ("H.D. Kumar", "Hari Dev Kumar", "initials"),
    ("Md. Annu Malakar", "Малакар Анну", "exact"),                # Md. is optional
    ("Mohammed Rafi", "Muhammad Rafi", "exact"),
    ("Mohd. Rafi", "Rafi", "exact"),
    ("Harpreet Singh", "Harpreet Singh Gill", "subset"),
    ("Harpreet Singh", "Gurpreet Singh", "replaced"),              # another name, however alike
    ("Vikram Rathore", "Викрам Ратхи", "partial"),                # misheard: the first sound stays
    ("Rahul Kumar", "Rakesh Kumar", "partial"),
    ("Rahul Dev Kumar", "Rakesh Anand Kumar", "conflict"),
    ("R. Kumar", "Sanjay Kumar", "replaced"),
    ("Dev Sharma Kumar", "Kumar Sharma Ravi", "replaced"),
    ("Harpreet Singh", "Rakesh Kumar", "none"),
    ("", "Rakesh Kumar", "missing"),
    ("ज़ाकिर हुसैन", "Zakir Hussain", "exact"),                  # ज़ is z, not श (sh)
    ("अज़ीज़", "Aziz", "exact"),
    ("अज़ीज़", "Ashish", "none"),
    ("आज़ाद", "Azad", "exact"),
    ("\u0a38\u0a3c\u0a47\u0a30 \u0a38\u0a3f\u0a70\u0a18", "Sher Singh", "exact"),   # ਸ਼ as NFC writes it
    ("\u0a1c\u0a3c\u0a4b\u0a30\u0a3e\u0a35\u0a30", "Zorawar", "exact"),              # ਜ਼
    ("\u0a16\u0a3c\u0a3e\u0a28", "Khan", "exact"),                                     # ਖ਼
])
def test_name_levels(a, b, level):
    assert compare_names(normalise_name(a), normalise_name(b))[0] == level


def test_spelling_as_written_outweighs_a_variant_of_the_family():
    """Choudhary agrees with Чаудхари (the same spelling) more than with Чоудхури (its family)."""
    from matching.model import Model, Stats, name_part
    from matching.records import Record, prepare
    registry = [prepare(Record(id=str(i), full_name=n)) for i, n in
                enumerate(["Пуджа Чаудхари", "ПУДЖА ЧОУДХУРИ", "Сунил Чоудхури", "Раджеш Чаудхри"])]
    stats, model, q = Stats(registry), Model(), normalise_name("Choudhary Pooja")
    as_written, family = (name_part(q, r.name, stats, model) for r in registry[:2])
    assert as_written[0] == family[0] == "exact" and as_written[1] > family[1]


def test_a_name_written_twice_on_both_sides_outweighs_it_written_once():
    from matching.model import Model, Stats, name_part
    from matching.records import Record, prepare
    registry = [prepare(Record(id=str(i), full_name=n)) for i, n in
                enumerate(["Шарма Паван Паван", "Шарма Паван", "Сунил Кумар", "Раджеш Шарма"])]
    stats, model, q = Stats(registry), Model(), normalise_name("PAWAN PAWAN SHARMA")
    twice, once = (name_part(q, r.name, stats, model) for r in registry[:2])
    assert twice[0] == once[0] == "exact" and twice[1] > once[1]
    # written twice on one side only is no contradiction: the same weight as two plain names
    assert name_part(normalise_name("Pawan Sharma"), registry[0].name, stats, model)[1] == \
        name_part(normalise_name("Pawan Sharma"), registry[1].name, stats, model)[1]


def test_a_conflicting_name_that_sounds_alike_weighs_more_than_another_name():
    from matching.model import Model, Stats, name_part
    from matching.records import Record, prepare
    registry = [prepare(Record(id=str(i), full_name=n)) for i, n in
                enumerate(["Ратхи Викрам", "Сингх Викрам", "Сунил Кумар", "Раджеш Шарма", "Анил Мехта"])]
    stats, model, q = Stats(registry), Model(), normalise_name("Vikram Rathore")
    alike, other = (name_part(q, r.name, stats, model) for r in registry[:2])
    assert (alike[0], other[0]) == ("partial", "replaced") and alike[1] > other[1] + 2


def test_name_comparison_is_order_free():
    a, b = normalise_name("Singh Harpreet Kaur"), normalise_name("Kaur Harpreet Singh")
    assert compare_names(a, b)[0] == "exact"


@pytest.mark.parametrize("a, b, level", [
    ("1998-03-14", "1998-03-14", "exact"),
    ("1998-03-04", "1998-04-03", "swapped"),                     # dd/mm swap
    ("1998-03-14", "1998-03-15", "close"),
    ("1998-03-14", "1999-03-14", "year_pm1_sameday"),
    ("1998-03-14", "1998-09-30", "same_year"),
    ("1998-03-14", "1997-11-02", "year_pm1"),
    ("1998-03-14", "1975-03-14", "different"),
    ("1998", "1998-03-14", "year"),                               # partial dates
    ("1998-03", "1998-03-14", "year_month"),
    ("1998", "1999", "year_pm1"),
    ("1998", "", "missing"),
    ("", "", "missing"),
])
def test_dob_levels(a, b, level):
    assert compare_dob(parse_dob(a), parse_dob(b)) == level


@pytest.mark.parametrize("a, b, level", [
    ("K1234567", "K1234567", "exact"),
    ("k 123 4567", "K1234567", "exact"),
    ("K12345O7", "K1234507", "ocr"),        # O/0
    ("K1234567", "K I234567".replace(" ", ""), "ocr"),  # I/1
    ("S1234567", "51234567", "ocr"),        # S/5
    ("B1234567", "81234567", "ocr"),        # B/8
    ("K1234567", "K1234568", "one_edit"),
    ("K1234567", "M7654321", "different"),
    ("", "K1234567", "missing"),
    ("К1234567", "K1234567", "exact"),      # Cyrillic К typed on a Russian keyboard
    ("K１２３４５６７", "K1234567", "exact"),  # full-width digits
])
def test_passport_levels(a, b, level):
    assert compare_passport(*passport_keys(a), *passport_keys(b)) == level


@pytest.mark.parametrize("a, b, level", [
    ("+91 98765 43210", "098765-43210", "exact"),                # country code, trunk zero
    ("0091 9876543210", "9876543210", "exact"),
    ("+7 (912) 345-67-89", "8 912 345 67 89", "exact"),          # Russian trunk 8
    ("9876543210", "9906543210", "last7"),
    ("9876543210", "9123456789", "different"),
    ("", "9876543210", "missing"),
    ("९८७६५४३२१०", "9876543210", "exact"),                       # Devanagari digits
    ("+91 (0) 98765 43210", "9876543210", "exact"),              # the trunk zero written in brackets
])
def test_phone_levels(a, b, level):
    assert compare_phone(phone_key(a), phone_key(b)) == level


@pytest.mark.parametrize("a, b, level", [
    ("Uttar Pradesh", "Уттар-Прадеш", "exact"),
    ("Punjab", "Пенджаб", "exact"),
    ("Punjab", "पंजाब", "exact"),
    ("Punjab", "Kerala", "different"),
    ("", "Kerala", "missing"),
])
def test_place_levels(a, b, level):
    assert compare_place(place_key(a), place_key(b)) == level
