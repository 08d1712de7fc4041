"""A deterministic demo caseload of fictional people, shaped like the figures a minister gave.

On 9 Aug 2024, as known that day: 91 known, 8 killed, 14 discharged, 69 remaining. On 17 Jan 2025,
as known that day: 126 known, 12 killed, 96 discharged, 16 missing, 2 remaining. Cases learned of
later and a correction recorded in 2025 make the same days read differently "as corrected".
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from django.db import transaction

import matching
from homeward.accounts.models import Office, Partner, User
from homeward.registry import services
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, Report
from tabular import PartialDate

FIRST_FIGURES_DAY = date(2024, 8, 9)
SECOND_FIGURES_DAY = date(2025, 1, 17)
DEMO_PASSWORD = "homeward-demo-2024"
NAMES_FILE = Path(__file__).with_name("names.csv")

# Devanagari spellings written by hand for the names a family form may use; the generated persons
# whose names are all here get a name in Devanagari as a mother would type it.
DEVANAGARI = {
    "Rahul": "राहुल", "Sunil": "सुनील", "Ajay": "अजय", "Sanjay": "संजय", "Rajesh": "राजेश", "Deepak": "दीपक",
    "Ravi": "रवि", "Amit": "अमित", "Vijay": "विजय", "Manoj": "मनोज", "Rakesh": "राकेश", "Rohit": "रोहित",
    "Santosh": "संतोष", "Mukesh": "मुकेश", "Ramesh": "रमेश", "Dinesh": "दिनेश", "Suresh": "सुरेश", "Ashok": "अशोक",
    "Pankaj": "पंकज", "Vikas": "विकास", "Akash": "आकाश", "Sharma": "शर्मा", "Singh": "सिंह", "Yadav": "यादव",
    "Gupta": "गुप्ता", "Verma": "वर्मा", "Mishra": "मिश्रा", "Pandey": "पांडेय", "Tiwari": "तिवारी",
    "Chauhan": "चौहान", "Thakur": "ठाकुर", "Rajput": "राजपूत", "Choudhary": "चौधरी", "Thapa": "थापा",
    "Gurung": "गुरुंग", "Tamang": "तामांग", "Magar": "मगर", "Rai": "राई", "Shrestha": "श्रेष्ठ",
    "Adhikari": "अधिकारी",
}
INDIAN_STATES = ["Punjab", "Haryana", "Uttar Pradesh", "Bihar", "Kerala", "Telangana", "Gujarat",
                 "Jammu and Kashmir", "Karnataka", "Tamil Nadu", "Maharashtra", "Rajasthan"]
NEPALI_PROVINCES = ["Koshi", "Madhesh", "Bagmati", "Gandaki", "Lumbini", "Karnali", "Sudurpashchim"]
PROMISED_JOBS = ["security guard", "helper", "cook", "driver", "warehouse worker", "construction worker"]
RELATIONS = ["father", "mother", "brother", "wife", "uncle"]


@dataclass
class DemoUser:
    username: str
    role: str
    office: str | None = None


DEMO_USERS = [
    DemoUser("officer", User.Role.HQ_OFFICER, "in-mea-hq"),
    DemoUser("mission", User.Role.MISSION_OFFICER, "in-embassy-moscow"),
    DemoUser("liaison", User.Role.HOST_LIAISON),
    DemoUser("analyst", User.Role.ANALYST),
    DemoUser("admin", User.Role.ADMINISTRATOR),
]


def _names() -> dict[tuple[str, str], list[str]]:
    table: dict[tuple[str, str], list[str]] = {}
    with NAMES_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault((row["country"], row["part"]), []).append(row["name"])
    return table


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


class _Builder:
    def __init__(self, rng: random.Random, officer: User):
        self.rng = rng
        self.officer = officer
        self.names = _names()

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def person(self, origin: str) -> services.PersonInput:
        rng = self.rng
        given_pool = self.names[("IN", "given")]
        family_pool = self.names[(origin, "family")]
        if rng.random() < 0.3:
            # Families who write in Devanagari: draw from the names whose spelling there is known.
            given_pool = [n for n in given_pool if n in DEVANAGARI]
            family_pool = [n for n in family_pool if n in DEVANAGARI]
        given, family, father = rng.choice(given_pool), rng.choice(family_pool), rng.choice(self.names[("IN", "given")])
        names = [services.NameInput(given_name=given, family_name=family, patronymic=father, source="family report")]
        if given in DEVANAGARI and family in DEVANAGARI:
            names.append(services.NameInput(full_name=f"{DEVANAGARI[given]} {DEVANAGARI[family]}", source="family form"))
        born = date(rng.randint(1984, 2004), rng.randint(1, 12), rng.randint(1, 28))
        date_of_birth = PartialDate(born.year) if rng.random() < 0.15 else PartialDate(born.year, born.month, born.day)
        phone_prefix = "+91 9" if origin == "IN" else "+977 98"
        return services.PersonInput(
            names=names,
            sex="M",
            date_of_birth=date_of_birth,
            home_country=origin,
            home_state=rng.choice(INDIAN_STATES if origin == "IN" else NEPALI_PROVINCES),
            home_district="",
            passport_number=f"{rng.choice('JKLMNPRSTUVWZ')}{rng.randint(1000000, 9999999)}",
            phone=f"{phone_prefix}{rng.randint(10**8, 10**9 - 1)}",
        )

    def open_case(self, origin: str, reported_on: date, recorded_on: date | None = None) -> Case:
        rng = self.rng
        person = self.person(origin)
        left_home = reported_on - timedelta(days=rng.randint(60, 200))
        report = services.ReportInput(
            source_type=rng.choice([Report.SourceType.FAMILY] * 4 + [Report.SourceType.MP, Report.SourceType.RECRUIT]),
            received_on=reported_on,
            reporter_name=f"{rng.choice(self.names[('IN', 'given')])} {person.names[0].family_name}",
            relation=rng.choice(RELATIONS),
            contact=f"+91 8{rng.randint(10**8, 10**9 - 1)}" if origin == "IN" else f"+977 97{rng.randint(10**7, 10**8 - 1)}",
            channel=rng.choice([Report.Channel.PHONE, Report.Channel.LETTER, Report.Channel.WEB_FORM]),
            original_text=(
                f"My relative {person.names[0].resolved_full_name()} went to Russia in {left_home:%B %Y} for a job as "
                f"{rng.choice(PROMISED_JOBS)} and was made to sign an army contract. Please help bring him home."
            ),
        )
        recruitment = services.RecruitmentInput(
            left_home_on=PartialDate(left_home.year, left_home.month),
            route=rng.choice(["tourist visa via Moscow", "student visa via Minsk", "work visa via Dubai"]),
            promised_job=rng.choice(PROMISED_JOBS),
            recruiting_agent_as_told=rng.choice(["an agent in Delhi", "a travel agency", "a YouTube channel", ""]),
        )
        return services.create_case(
            person=person,
            origin_country=origin,
            host_country="RU",
            reported_on=PartialDate(reported_on.year, reported_on.month, reported_on.day),
            recorded_at=_at(recorded_on or reported_on, 9 + rng.randint(0, 8)),
            recorded_by=self.officer,
            office=Office.objects.get(code="in-embassy-moscow" if origin == "IN" else "np-embassy-moscow"),
            report=report,
            recruitment=recruitment,
        )

    def event(self, case: Case, kind: Event, on: date, *, lag_days: int = 1, source: str = "", **details) -> date:
        recorded = on + timedelta(days=lag_days)
        if kind is Event.IDENTIFIED:
            unit = f"military unit {self.rng.randint(10000, 99999)}"
            details.setdefault("military_unit", unit)
            person = case.person
            latin = person.names.first()
            services.record_event(
                case=case, kind=kind, occurred_on=PartialDate(on.year, on.month, on.day),
                recorded_at=_at(recorded, 15), recorded_by=self.officer, source=source or "host ministry",
                note=f"Listed by the host ministry as {matching.to_cyrillic(latin.full_name).upper()}, {unit}.",
                details=details,
            )
            services.add_names(person, [services.NameInput(full_name=matching.to_cyrillic(latin.full_name).upper(),
                                                            source="host ministry list")],
                               recorded_by=self.officer)
            return on
        services.record_event(
            case=case, kind=kind, occurred_on=PartialDate(on.year, on.month, on.day), recorded_at=_at(recorded, 15),
            recorded_by=self.officer, source=source or self.rng.choice(["host ministry", "embassy", "family"]),
            details=details,
        )
        return on

    def steps(self, case: Case, start: date, kinds: list[Event], end: date) -> date:
        """Lay out events in order between `start` and `end`, each recorded a day after it happened."""
        day = start
        for index, kind in enumerate(kinds):
            remaining = len(kinds) - index
            latest = end - timedelta(days=2 * remaining)
            day = self.day_between(day + timedelta(days=2), max(day + timedelta(days=2), latest))
            self.event(case, kind, day)
        return day


def _demo_offices_and_users(stdout) -> User:
    offices = {
        "in-mea-hq": ("Ministry of External Affairs, New Delhi", "IN"),
        "in-embassy-moscow": ("Embassy of India, Moscow", "IN"),
        "np-embassy-moscow": ("Embassy of Nepal, Moscow", "NP"),
    }
    for code, (name, country) in offices.items():
        Office.objects.get_or_create(code=code, defaults={"name": name, "country": country})
    partner, _created = Partner.objects.get_or_create(code="RU-MOD", defaults={
        "name": "Министерство обороны Российской Федерации", "country": "RU", "language": "ru"})
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "role": demo.role,
                "country": "IN",
                "office": Office.objects.get(code=demo.office) if demo.office else None,
                "partner": partner if demo.role == User.Role.HOST_LIAISON else None,
                "is_staff": demo.role == User.Role.ADMINISTRATOR,
                "is_superuser": demo.role == User.Role.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
    return User.objects.get(username="officer")


@transaction.atomic
def seed_demo(stdout=None) -> bool:
    """Create the demo caseload once; returns False when it is already there.

    A registry that holds cases already, demo or real, gets no demo accounts either: their password is
    public."""
    if Case.objects.exists():
        return False
    officer = _demo_offices_and_users(stdout)
    build = _Builder(random.Random(20240809), officer)
    d1, d2 = FIRST_FIGURES_DAY, SECOND_FIGURES_DAY
    late = d1 + timedelta(days=3)
    after = d2 + timedelta(days=10)

    # Known by 9 Aug 2024: 91 cases.
    for _ in range(8):  # killed by then; remains come home later
        case = build.open_case("IN", build.day_between(date(2024, 2, 1), date(2024, 5, 31)))
        killed = build.steps(case, case.events.get().occurred_from, [Event.IDENTIFIED, Event.KILLED], d1 - timedelta(days=3))
        build.steps(case, max(killed, d1), [Event.REMAINS_IDENTIFIED, Event.REMAINS_REPATRIATED], date(2025, 3, 31))
    for _ in range(14):  # discharged by then
        case = build.open_case("IN", build.day_between(date(2024, 2, 1), date(2024, 5, 31)))
        build.steps(case, case.events.get().occurred_from,
                    [Event.IDENTIFIED, Event.DISCHARGE_REQUESTED, Event.DISCHARGED], d1 - timedelta(days=3))
        build.event(case, Event.RETURNED_HOME, d1 + timedelta(days=build.rng.randint(5, 40)))
    for outcome, count in ((Event.KILLED, 3), (Event.DISCHARGED, 52), (Event.MISSING, 12), (None, 2)):
        for _ in range(count):  # remaining on 9 Aug 2024; what became of them by 17 Jan 2025
            case = build.open_case("IN", build.day_between(date(2024, 3, 1), d1 - timedelta(days=4)))
            build.steps(case, case.events.get().occurred_from, [Event.IDENTIFIED], d1 - timedelta(days=2))
            if outcome is Event.DISCHARGED:
                build.steps(case, late, [Event.DISCHARGE_REQUESTED, Event.DISCHARGED], d2 - timedelta(days=3))
            elif outcome is not None:
                build.steps(case, late, [outcome], d2 - timedelta(days=3))
            else:
                build.steps(case, late, [Event.DISCHARGE_REQUESTED], d2 - timedelta(days=3))
                build.steps(case, after, [Event.CONTRACT_ANNULLED, Event.DISCHARGED], date(2025, 5, 31))

    # Learned of between the two dates: 35 more, three of whom had been reported to a state office
    # before 9 Aug 2024 but reached the registry only in the autumn.
    for index, (outcome, count) in enumerate(((Event.KILLED, 1), (Event.DISCHARGED, 30), (Event.MISSING, 4))):
        for number in range(count):
            learned_late = outcome is Event.DISCHARGED and number < 3
            reported = build.day_between(date(2024, 6, 1), date(2024, 7, 31)) if learned_late else \
                build.day_between(late, date(2024, 11, 30))
            recorded = build.day_between(date(2024, 9, 2), date(2024, 9, 30)) if learned_late else reported
            case = build.open_case("IN", reported, recorded)
            kinds = [Event.IDENTIFIED, Event.DISCHARGE_REQUESTED, Event.DISCHARGED] if outcome is Event.DISCHARGED \
                else [Event.IDENTIFIED, outcome]
            build.steps(case, recorded, kinds, d2 - timedelta(days=3))

    _later_developments(build, after)
    from .ledger_scenario import seed_ledger

    seed_ledger(officer)
    return True


def _later_developments(build: _Builder, after: date) -> None:
    """What the registry learned after 17 Jan 2025, including the correction of an earlier record."""
    missing = list(Case.objects.filter(status=Event.MISSING).order_by("reference"))
    # The host ministry confirmed in March 2025 that one man listed missing had been killed on
    # 1 Aug 2024, before the first statement: the figures for 9 Aug 2024 read differently now.
    corrected = missing[0]
    services.record_correction(
        case=corrected, kind=Event.KILLED, occurred_on=PartialDate(2024, 8, 1),
        recorded_at=_at(date(2025, 3, 5), 11), recorded_by=build.officer, source="host ministry",
        note="Host ministry letter of 3 March 2025: killed in action on 1 Aug 2024; earlier entries were wrong.",
    )
    build.event(corrected, Event.REMAINS_IDENTIFIED, date(2025, 3, 20))
    for case in missing[1:4]:
        build.steps(case, after, [Event.IDENTIFIED, Event.DISCHARGE_REQUESTED], date(2025, 6, 30))
    build.steps(missing[4], after, [Event.PRISONER], date(2025, 4, 30))
    for _ in range(10):
        case = build.open_case("NP", build.day_between(date(2025, 2, 1), date(2025, 5, 31)))
        kinds = build.rng.choice([[Event.IDENTIFIED], [Event.IDENTIFIED, Event.DISCHARGE_REQUESTED], [Event.MISSING]])
        build.steps(case, case.events.get().occurred_from, kinds, date(2025, 8, 31))
