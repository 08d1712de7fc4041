"""The demo's money and its published statements: fictional families, amounts shaped like real promises.

One family was promised Rs 1.3 crore and has been paid Rs 45 lakh; one death compensation in roubles
was paid through the embassy in three tranches. Around them, a few dozen obligations (salary arrears,
sign-on bonuses, payments per wound, insurance) in every state, one payment reversed, and one paid in
rupees against a rouble debt through a recorded rate. The two statements are the minister's figures
of 9 Aug 2024 and 17 Jan 2025, and one briefing whose numbers do not add up.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from homeward.accounts.models import Partner
from homeward.ledger import services as ledger
from homeward.ledger.models import Obligation, ObligationState
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case
from homeward.reporting import services as reporting
from tabular import PartialDate

HOST_MOD = "Ministry of Defence of the host country"
DEATH_DOCUMENTS = "Death certificate; proof of kinship; attestation signed by embassy officials; bank details of the next of kin"
KILLED = [Event.KILLED, Event.REMAINS_IDENTIFIED, Event.REMAINS_REPATRIATED, Event.CREMATED_LOCALLY]
DISCHARGED = [Event.DISCHARGED, Event.RETURNED_HOME]


def seed_statements(officer) -> None:
    reporting.record_statement(
        published_on=date(2024, 8, 9), forum="Lok Sabha, written answer", origin_country="IN",
        numbers={"known": 91, "killed": 8, "discharged": 14, "remaining": 69},
        text="Of the 91 Indian nationals known to have been recruited into the armed forces of the host country, "
             "8 have been killed, 14 have been discharged and 69 remain.", recorded_by=officer)
    reporting.record_statement(
        published_on=date(2024, 8, 10), forum="Press briefing", origin_country="IN",
        numbers={"known": 91, "killed": 9, "discharged": 20, "remaining": 85},
        text="Some 85 remain in service; about 20 have returned and 9 have lost their lives.", recorded_by=officer)
    reporting.record_statement(
        published_on=date(2025, 1, 17), forum="Rajya Sabha, written answer", origin_country="IN",
        numbers={"known": 126, "killed": 12, "discharged": 96, "missing": 16, "remaining": 18},
        remaining_includes_missing=True,
        text="126 cases have been reported. 96 have been discharged and 12 have died. 18 remain in the host "
             "country's army, of whom 16 are reported missing.", recorded_by=officer)


def _case_groups() -> tuple[list[Case], list[Case]]:
    cases = Case.objects.filter(origin_country="IN").order_by("reference")
    return list(cases.filter(status__in=KILLED)), list(cases.filter(status__in=DISCHARGED))


def seed_ledger(officer) -> int:
    """Obligations and payments for the demo caseload; returns how many obligations were opened."""
    if Obligation.objects.exists():
        return 0
    seed_statements(officer)
    partner, _ = Partner.objects.get_or_create(code="RU-MOD", defaults={
        "name": HOST_MOD, "country": "RU", "language": "ru"})
    killed, discharged = _case_groups()
    opened = 0

    def owe(case, kind, amount, currency, arose_on, **extra):
        nonlocal opened
        opened += 1
        return ledger.add_obligation(case=case, kind=kind, amount=Decimal(amount), currency=currency,
                                     arose_on=arose_on, recorded_by=officer, **{"debtor": HOST_MOD,
                                                                                 "partner": partner, **extra})

    def state(obligation, value, on, note=""):
        ledger.change_state(obligation=obligation, state=value, on=on, note=note, recorded_by=officer)

    def pay(obligation, on, amount, currency, reference, **extra):
        return ledger.record_payment(obligation=obligation, paid_on=on, amount=Decimal(amount), currency=currency,
                                     reference=reference, recorded_by=officer, **extra)

    # The family promised Rs 1.3 crore: two tranches, Rs 45 lakh in all, and the rest still owed.
    first = killed[0]
    crore = owe(first, Obligation.Kind.DEATH, "13000000.00", "INR", date(2024, 9, 1),
                description="Compensation announced for the family", legal_basis="Host government's announcement "
                "of compensation for the families of foreign nationals killed in service",
                documents_required=DEATH_DOCUMENTS)
    state(crore, ObligationState.DOCUMENTS_SENT, date(2024, 10, 15), "Attested documents sent through the embassy")
    state(crore, ObligationState.APPROVED, date(2024, 12, 2))
    pay(crore, date(2025, 1, 20), "2500000.00", "INR", "TRF-2025-0117", recipient="father", paid_via="bank transfer")
    pay(crore, date(2025, 6, 3), "2000000.00", "INR", "TRF-2025-0603", recipient="father", paid_via="bank transfer")

    # A death compensation in roubles paid through the embassy in three tranches.
    second = killed[1]
    roubles = owe(second, Obligation.Kind.DEATH, "5000000.00", "RUB", date(2024, 8, 20),
                  description="One-off payment to the family of a serviceman killed",
                  legal_basis="Host-country decree on one-off payments to families of servicemen",
                  documents_required=DEATH_DOCUMENTS)
    state(roubles, ObligationState.DOCUMENTS_SENT, date(2024, 9, 30))
    state(roubles, ObligationState.APPROVED, date(2024, 11, 11))
    for number, (on, amount) in enumerate(((date(2024, 12, 5), "2000000.00"), (date(2025, 2, 14), "1500000.00"),
                                           (date(2025, 4, 22), "1500000.00")), start=1):
        pay(roubles, on, amount, "RUB", f"EMB-MOW-{on:%Y%m%d}-{number}", recipient="wife",
            paid_via="Embassy of India, Moscow")

    # Insurance for every man killed; a few paid, one disputed.
    for index, case in enumerate(killed):
        insurance = owe(case, Obligation.Kind.INSURANCE, "3000000.00", "RUB", date(2024, 9, 1) + timedelta(days=index),
                        legal_basis="Compulsory state insurance of servicemen", debtor="State insurer of the host country",
                        documents_required=DEATH_DOCUMENTS)
        if index % 3 == 0:
            state(insurance, ObligationState.DOCUMENTS_SENT, date(2024, 11, 1))
            pay(insurance, date(2025, 3, 1) + timedelta(days=index), "3000000.00", "RUB", f"INS-{case.reference}",
                recipient="next of kin", paid_via="Embassy of India, Moscow")
        elif index % 3 == 1:
            state(insurance, ObligationState.DISPUTED, date(2025, 2, 1), "Insurer says the contract had lapsed")

    # Salary arrears and sign-on bonuses of the men who came home.
    rupee_rate = ledger.record_rate(from_currency="INR", to_currency="RUB", rate=Decimal("1.05"), on=date(2025, 2, 10),
                                    source="Central bank of the host country, official rate", recorded_by=officer)
    for index, case in enumerate(discharged[:16]):
        arrears = owe(case, Obligation.Kind.SALARY_ARREARS, f"{210000 + 15000 * (index % 4)}.00", "RUB",
                      date(2024, 10, 1) + timedelta(days=3 * index), description="Three months' pay not received",
                      legal_basis="Contract, pay clause")
        if index % 4 == 0:
            pay(arrears, date(2025, 1, 10) + timedelta(days=index), arrears.amount, "RUB", f"PAY-{case.reference}",
                recipient="the man himself", paid_via="bank card")
        elif index % 4 == 1:
            state(arrears, ObligationState.DOCUMENTS_SENT, date(2025, 1, 5))
            mistaken = pay(arrears, date(2025, 2, 10), "100000.00", "RUB", f"PAY-{case.reference}-1",
                           recipient="the man himself")
            ledger.reverse_payment(payment=mistaken, on=date(2025, 2, 20), recorded_by=officer,
                                   reason="Paid to the wrong account; the bank returned it")
        elif index % 4 == 2:
            pay(arrears, rupee_rate.on, "100000.00", "INR", f"NEFT-{case.reference}", recipient="mother",
                paid_via="Embassy of India, Moscow", note="Paid in rupees; counted at the recorded rate")
    for index, case in enumerate(discharged[16:24]):
        bonus = owe(case, Obligation.Kind.SIGN_ON_BONUS, "195000.00", "RUB", date(2024, 7, 1) + timedelta(days=index),
                    legal_basis="Regional sign-on bonus as promised at enlistment")
        if index % 2:
            state(bonus, ObligationState.DISPUTED, date(2025, 1, 15), "Host says the bonus was paid at enlistment")

    # Payments per wound.
    for case, wounds in zip(discharged[24:27], (1, 2, 1)):
        for wound in range(1, wounds + 1):
            injury = owe(case, Obligation.Kind.INJURY, "1000000.00", "RUB", date(2024, 9, 10) + timedelta(days=wound),
                         description=f"Wound {wound}", legal_basis="Payment per wound under the host's decree",
                         documents_required="Medical report of the military hospital")
            state(injury, ObligationState.APPROVED, date(2024, 12, 1))
            if wound == 1:
                pay(injury, date(2025, 1, 25), "1000000.00", "RUB", f"INJ-{case.reference}-{wound}",
                    recipient="the man himself")
    ledger.record_contract(case=first, signed_on=PartialDate(2024, 3), term="one year", number="fictional-0001",
                           unit="fictional unit 1", promised_pay=Decimal("210000.00"), actual_pay=Decimal("0"),
                           pay_currency="RUB", recorded_by=officer)
    return opened
