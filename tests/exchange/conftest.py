"""Realistic fictional data for the exchange: 200 cases, a request list, and the host's answers."""

import io
import random

import pytest
from openpyxl import Workbook

from homeward.accounts.models import Partner
from homeward.registry import services
from matching import to_cyrillic
from tabular import PartialDate

from ..conftest import at, day

GIVEN = ["Harpreet", "Ravi", "Amit", "Sunil", "Manoj", "Rajesh", "Vikram", "Sandeep", "Deepak", "Arjun",
         "Gurpreet", "Mohit", "Ankit", "Rohit", "Sachin", "Vijay", "Ajay", "Naresh", "Pradeep", "Kuldeep"]
FAMILY = ["Singh", "Kumar", "Sharma", "Verma", "Yadav", "Gill", "Sandhu", "Thakur", "Chauhan", "Dhillon",
          "Rana", "Saini", "Malik", "Bhatia", "Mehta", "Joshi", "Pandey", "Mishra", "Tiwari", "Rathore"]
STRANGERS = ["Bhupinder Brar", "Lakhwinder Sidhu", "Parminder Grewal", "Jaswinder Bajwa", "Kamaljeet Randhawa",
             "Tarsem Aulakh", "Baljit Cheema", "Satnam Bains", "Iqbal Virk", "Nirmal Kahlon", "Gurdev Mann",
             "Harbans Dhaliwal", "Mukhtiar Toor"]


def typo(name: str, rng: random.Random) -> str:
    """Drop or double one letter inside the longest word, as a clerk retyping a list does."""
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + w[j + 1:] if rng.random() < 0.5 else w[:j] + w[j] + w[j:]
    return " ".join(words)


@pytest.fixture(autouse=True)
def fresh_duplicate_index():
    """Intake's registry index lives in the process: a test must not see the cases of the one before."""
    from homeward.intake import duplicates

    duplicates.REGISTRY.reset()
    yield
    duplicates.REGISTRY.reset()


@pytest.fixture
def partner(db):
    return Partner.objects.create(code="RU-MOD", name="Ministry of Defence of the Russian Federation", country="RU")


@pytest.fixture
def registry200(db, office):
    """200 fictional cases; every tenth has no consent to share."""
    return make_registry(office, 200)


@pytest.fixture
def registry60(db, office):
    """The first 60 of the same cases, for tests that need fewer (the suite stays fast)."""
    return make_registry(office, 60)


def make_registry(office, size):
    rng = random.Random(5)
    pairs = [(g, f) for g in GIVEN for f in FAMILY]
    rng.shuffle(pairs)
    cases = []
    for n, (given, family) in enumerate(pairs[:size]):
        person = services.PersonInput(
            names=[services.NameInput(full_name=f"{given} {family}")],
            date_of_birth=PartialDate(1985 + n % 15, 1 + n % 12, 1 + n % 28),
            passport_number=f"T{4000000 + n * 7919:07d}", phone=f"+91 98{n:08d}",
        )
        report = services.ReportInput(source_type="family", received_on=day("2024-03-01").first_day,
                                      reporter_name=f"Mother of {given}", contact=f"+91 97{n:08d}",
                                      consent_to_share=n % 10 != 9)
        cases.append(services.create_case(person=person, origin_country="IN", host_country="RU",
                                          reported_on=day("2024-03-01"), recorded_at=at("2024-03-02T10:00"),
                                          office=office, report=report))
    return cases


def response_rows(cases, rng_seed=7):
    """The host's answer: Cyrillic names (a tenth with typos), its status words, 10% host-only rows.

    Returns (rows, expectations) where rows are dicts keyed by Russian header.
    """
    rng = random.Random(rng_seed)
    words = ["в строю", "погиб", "пропал без вести", "в плену", "уволен", "находится на лечении"]
    rows = []
    for n, case in enumerate(cases):
        person = case.person
        name = to_cyrillic(person.names.first().full_name).upper()
        if n % 10 == 3:
            name = typo(name, rng)
        dob = PartialDate.from_iso(person.date_of_birth)
        rows.append({
            "наш номер": case.reference if n % 4 == 0 else "",
            "ФИО": name,
            "Дата рождения": f"{dob.day:02d}.{dob.month:02d}.{dob.year}",
            # A typo'd name without a passport is what leaves the engine unsure.
            "Номер паспорта": "" if n % 10 == 3 else person.identifiers.get(kind="passport").value,
            "Воинская часть": f"в/ч {30000 + n}",
            "Статус": words[n % len(words)],
            "Дата": "15.05.2024",
            "Примечание": "",
        })
    for n, stranger in enumerate(STRANGERS[: max(1, len(cases) // 9)]):
        rows.append({"наш номер": "", "ФИО": to_cyrillic(stranger).upper(), "Дата рождения": f"0{n % 9 + 1}.0{n % 9 + 1}.1979",
                     "Номер паспорта": f"Z{9100000 + n}", "Воинская часть": "в/ч 01234", "Статус": "в строю",
                     "Дата": "15.05.2024", "Примечание": "доброволец"})
    return rows


HEADERS = ["наш номер", "ФИО", "Дата рождения", "Номер паспорта", "Воинская часть", "Статус", "Дата", "Примечание"]


def as_cp1251_csv(rows) -> bytes:
    lines = [";".join(HEADERS)] + [";".join(r[h] for h in HEADERS) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def as_xlsx_with_title(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ответ Министерства обороны на запрос посольства"])
    sheet.append([])
    sheet.append(HEADERS)
    for r in rows:
        sheet.append([r[h] for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
