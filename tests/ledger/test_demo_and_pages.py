from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from homeward.accounts.models import User
from homeward.audit.models import AuditEntry
from homeward.ledger import selectors
from homeward.ledger.models import Obligation, Payment, StateEntry
from homeward.registry.models import Case

D = Decimal


def test_demo_family_paid_45_lakh_of_1_3_crore_and_roubles_in_three_tranches_via_the_embassy(demo):
    crore = Obligation.objects.get(currency="INR", amount=D("13000000.00"))
    [line] = selectors.obligation_lines(Obligation.objects.filter(pk=crore.pk))
    assert (line.paid, line.balance, line.state) == (D("4500000.00"), D("8500000.00"), "paid_in_part")
    roubles = Obligation.objects.get(kind="death_compensation", currency="RUB")
    tranches = list(roubles.payments.all())
    assert len(tranches) == 3 and all(p.paid_via == "Embassy of India, Moscow" for p in tranches)
    assert sum(p.amount for p in tranches) == roubles.amount
    assert Obligation.objects.count() >= 30 and Payment.objects.count() >= 15
    assert Payment.objects.filter(reverses__isnull=False).exists() and Payment.objects.filter(rate__isnull=False).exists()
    recorded = set(StateEntry.objects.values_list("state", flat=True))
    assert recorded == {"claimed", "documents_sent", "approved", "disputed"}  # paid and paid in part are read
    assert {line.state for line in selectors.obligation_lines(Obligation.objects.all())} == {
        "claimed", "documents_sent", "approved", "paid_in_part", "paid", "disputed"}


def crore_case():
    return Obligation.objects.get(currency="INR", amount=D("13000000.00")).case


def test_case_page_shows_the_ledger_panel(client, demo):
    client.force_login(demo)
    html = client.get(reverse("registry:case_detail", args=[crore_case().reference])).content.decode()
    assert 'id="ledger-panel"' in html and "13000000.00 INR" in html and "8500000.00" in html


def test_officer_records_a_payment_through_the_case_ledger(client, demo):
    client.force_login(demo)
    case = crore_case()
    obligation = case.obligations.get(currency="INR")
    page = client.get(reverse("ledger:case", args=[case.reference]))
    assert page.status_code == 200 and "TRF-2025-0603" in page.content.decode()
    response = client.post(reverse("ledger:add_payment", args=[obligation.pk]), {
        "payment-paid_on": "2025-09-01", "payment-amount": "500000.00", "payment-currency": "INR",
        "payment-reference": "TRF-2025-0901", "payment-recipient": "father"}, follow=True)
    assert "Recorded." in response.content.decode()
    assert selectors.paid_total(obligation) == D("5000000.00")
    response = client.post(reverse("ledger:add_payment", args=[obligation.pk]), {
        "payment-paid_on": "2025-09-02", "payment-amount": "1.00", "payment-currency": "NPR"}, follow=True)
    assert "no NPR→INR exchange rate is recorded for 2025-09-02" in response.content.decode()
    assert selectors.paid_total(obligation) == D("5000000.00")


def test_case_ledger_in_russian_calls_the_payment_reference_a_payment_number(client, demo):
    # "Reference" is a case's number elsewhere ("Номер дела"); here it is the payment's own.
    client.force_login(demo)
    html = client.get(reverse("ledger:case", args=[crore_case().reference]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'lang="ru"' in html and "TRF-2025-0603" in html
    assert html.count("Номер платежа") >= 2  # the payments table's column and the payment form's label
    assert "Номер дела" not in html


def test_exchange_rate_form_in_russian_names_the_currencies_not_a_date_range(client, demo):
    client.force_login(demo)
    html = client.get(reverse("ledger:overview"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Из валюты" in html and "В валюту" in html

def test_ledger_of_a_case_outside_ones_scope_is_not_found(client, demo):
    nepal = Case.objects.filter(origin_country="NP").first()
    client.force_login(demo)
    assert client.get(reverse("ledger:case", args=[nepal.reference])).status_code == 404


def test_overview_totals_and_exports(client, demo):
    client.force_login(demo)
    html = client.get(reverse("ledger:overview")).content.decode()
    assert "RU-MOD" in html and 'id="owed-paid-chart"' in html
    csv_text = client.get(reverse("ledger:export"), {"by": "origin", "format": "csv"}).content.decode()
    assert csv_text.splitlines()[0] == "group,currency,obligations,cases,owed,paid,balance"
    assert "IN,INR,1,1,13000000.00,4500000.00,8500000.00" in csv_text
    assert AuditEntry.objects.filter(user=demo, action="export", target_label="ledger-by-origin.csv").exists()


def test_analyst_sees_ledger_totals_only_for_groups_of_five_or_more(client, demo):
    analyst = User.objects.create_user("analyst-2", role=User.Role.ANALYST)
    client.force_login(analyst)
    html = client.get(reverse("ledger:overview")).content.decode()
    assert "13000000.00" not in html and "&lt;5" in html and 'id="owed-paid-chart"' not in html
    rows = client.get(reverse("ledger:export"), {"by": "partner", "format": "csv"}).content.decode().splitlines()
    assert any(",<5,<5,<5,<5,<5" in row for row in rows[1:])


def test_case_ledger_exports_as_of_a_day_and_is_audited(client, demo):
    client.force_login(demo)
    case = crore_case()
    text = client.get(reverse("ledger:case", args=[case.reference]), {"format": "csv", "as_of": "2025-03-01"})
    lines = text.content.decode().splitlines()
    assert lines[0] == "kind,description,debtor,currency,amount,paid,outstanding,state"
    assert any(line.startswith("death compensation,") and ",13000000.00,2500000.00,10500000.00,paid in part" in line
               for line in lines)
    assert AuditEntry.objects.filter(user=demo, action="export", target_label=f"ledger-{case.reference}.csv").exists()


def test_officer_changes_state_and_reverses_through_the_forms(client, demo):
    client.force_login(demo)
    case = crore_case()
    obligation = case.obligations.get(currency="INR")
    client.post(reverse("ledger:change_state", args=[obligation.pk]),
                {"state-state": "disputed", "state-on": "2025-07-01", "state-note": "second tranche short"})
    assert obligation.states.order_by("-id").first().state == "disputed"
    payment = obligation.payments.order_by("-paid_on").first()
    client.post(reverse("ledger:reverse_payment", args=[payment.pk]),
                {"reversal-on": "2025-07-02", "reversal-reason": "bank returned it"})
    assert selectors.paid_total(obligation) == D("2500000.00")
    response = client.post(reverse("ledger:reverse_payment", args=[payment.pk]),
                           {"reversal-on": "2025-07-03", "reversal-reason": "again"}, follow=True)
    assert "already reversed" in response.content.decode()
