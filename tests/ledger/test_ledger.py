from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from homeward.appendonly import AppendOnlyError
from homeward.audit.models import AuditEntry
from homeward.ledger import selectors, services
from homeward.ledger.models import Obligation, Payment, StateEntry

D = Decimal


@pytest.fixture
def obligation(make_case, officer):
    case = make_case()
    return services.add_obligation(case=case, kind="death_compensation", amount="5000000.00", currency="rub",
                                   arose_on=date(2024, 9, 1), debtor="Host ministry", recorded_by=officer)


def states(obligation):
    return list(obligation.states.values_list("state", flat=True))


def test_payments_reduce_the_balance_as_of_each_day_and_move_the_state(obligation, officer):
    services.record_payment(obligation=obligation, paid_on=date(2024, 12, 5), amount="2000000", currency="RUB",
                            reference="T1", recipient="wife", recorded_by=officer)
    services.record_payment(obligation=obligation, paid_on=date(2025, 2, 14), amount=D("3000000.00"), currency="RUB",
                            reference="T2", recipient="wife", recorded_by=officer)
    line = lambda day: selectors.obligation_lines(Obligation.objects.filter(pk=obligation.pk), day)  # noqa: E731
    assert line(date(2024, 8, 31)) == []  # not owed yet
    assert (line(date(2024, 12, 31))[0].balance, line(date(2024, 12, 31))[0].state) == (D("3000000.00"), "paid_in_part")
    assert (line(date(2025, 3, 1))[0].balance, line(date(2025, 3, 1))[0].state) == (D("0.00"), "paid")
    assert states(obligation) == ["claimed"]  # paid in part and paid are read from the balance, not recorded
    assert selectors.case_balance(obligation.case, date(2024, 12, 31)) == [
        {"currency": "RUB", "owed": D("5000000.00"), "paid": D("2000000.00"), "balance": D("3000000.00"), "obligations": 1}]
    assert AuditEntry.objects.filter(target_type="ledger.payment", action="create").count() == 2


def test_a_reversal_is_a_new_entry_and_the_original_stays(obligation, officer):
    paid = services.record_payment(obligation=obligation, paid_on=date(2025, 1, 10), amount="100000.00",
                                   currency="RUB", recorded_by=officer)
    services.reverse_payment(payment=paid, on=date(2025, 1, 20), reason="wrong account", recorded_by=officer)
    assert list(Payment.objects.order_by("id").values_list("amount", flat=True)) == [D("100000.00"), D("-100000.00")]
    assert selectors.paid_total(obligation) == 0
    assert selectors.paid_total(obligation, date(2025, 1, 15)) == D("100000.00")
    assert states(obligation) == ["claimed"]
    [line] = selectors.obligation_lines(Obligation.objects.filter(pk=obligation.pk))
    assert line.state == "claimed"  # back to what it was before the payment, not to an approval it never had
    with pytest.raises(services.LedgerError, match="already reversed"):
        services.reverse_payment(payment=paid, on=date(2025, 1, 21), reason="again", recorded_by=officer)


def test_entries_are_never_edited(obligation, officer):
    paid = services.record_payment(obligation=obligation, paid_on=date(2025, 1, 10), amount="1.00", currency="RUB")
    paid.amount = D("2.00")
    with pytest.raises(AppendOnlyError):
        paid.save()
    with pytest.raises(AppendOnlyError):
        StateEntry.objects.filter(obligation=obligation).delete()
    with pytest.raises(AppendOnlyError):
        Payment.objects.update(amount=D("3.00"))


def test_a_payment_in_another_currency_needs_a_rate_recorded_for_its_day(obligation, officer):
    with pytest.raises(services.LedgerError, match="no INR→RUB exchange rate is recorded for 2025-02-10"):
        services.record_payment(obligation=obligation, paid_on=date(2025, 2, 10), amount="100000", currency="INR")
    assert not Payment.objects.exists() and states(obligation) == ["claimed"]
    services.record_rate(from_currency="INR", to_currency="RUB", rate="1.05", on=date(2025, 2, 9), source="central bank")
    with pytest.raises(services.LedgerError, match="recorded for 2025-02-10"):  # the day before is not implied
        services.record_payment(obligation=obligation, paid_on=date(2025, 2, 10), amount="100000", currency="INR")
    rate = services.record_rate(from_currency="INR", to_currency="RUB", rate="1.05", on=date(2025, 2, 10),
                                source="central bank")
    paid = services.record_payment(obligation=obligation, paid_on=date(2025, 2, 10), amount="100000", currency="INR")
    assert (paid.amount, paid.currency, paid.settled_amount, paid.rate) == (D("100000.00"), "INR", D("105000.00"), rate)


@pytest.mark.parametrize("field, value, message", [
    ("amount", 12.5, "not floating point"),
    ("amount", "12.345", "more than two decimal places"),
    ("amount", "-5", "greater than zero"),
    ("amount", "lots", "not an amount"),
    ("currency", "roubles", "ISO 4217"),
    ("kind", "gift", "kind"),
    ("debtor", " ", "debtor"),
    ("arose_on", date(2999, 1, 1), "in the future"),
])
def test_bad_obligations_name_the_field_and_write_nothing(make_case, field, value, message):
    case = make_case()
    data = dict(case=case, kind="insurance", amount="10.00", currency="RUB", arose_on=date(2024, 9, 1), debtor="insurer")
    with pytest.raises(services.LedgerError, match=message):
        services.add_obligation(**{**data, field: value})
    assert not Obligation.objects.exists() and not StateEntry.objects.exists()


def test_totals_per_partner_and_origin_keep_currencies_apart(make_case, officer):
    india, nepal = make_case("Ravi Kumar"), make_case("Bikash Gurung", origin="NP")
    for case, amount, currency in ((india, "100.00", "RUB"), (india, "50.00", "INR"), (nepal, "70.00", "RUB")):
        services.add_obligation(case=case, kind="insurance", amount=amount, currency=currency,
                                arose_on=date(2024, 9, 1), debtor="insurer")
    rows = {(r["group"], r["currency"]): (r["owed"], r["cases"]) for r in selectors.totals(
        india.__class__.objects.all(), "origin")}
    assert rows == {("IN", "INR"): (D("50.00"), 1), ("IN", "RUB"): (D("100.00"), 1), ("NP", "RUB"): (D("70.00"), 1)}
    by_partner = selectors.totals(india.__class__.objects.all(), "partner")
    assert {(r["group"], r["currency"], r["owed"]) for r in by_partner} == {
        ("insurer", "INR", D("50.00")), ("insurer", "RUB", D("170.00"))}


def test_the_family_sees_states_and_amounts_but_no_references(obligation, officer):
    services.change_state(obligation=obligation, state="documents_sent", on=date(2024, 10, 1), note="internal note")
    services.record_payment(obligation=obligation, paid_on=date(2024, 12, 5), amount="2000000.00", currency="RUB",
                            reference="SECRET-REF", recipient="wife")
    [summary] = selectors.family_payment_summary(obligation.case)
    assert summary == {"kind": "death compensation", "currency": "RUB", "amount": D("5000000.00"),
                       "paid": D("2000000.00"), "outstanding": D("3000000.00"), "state": "paid_in_part",
                       "state_label": "paid in part", "last_paid_on": date(2024, 12, 5)}


def test_postgresql_itself_refuses_to_change_ledger_entries(obligation):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the ORM's refusal")
    services.record_payment(obligation=obligation, paid_on=date(2025, 1, 10), amount="1.00", currency="RUB")
    for table in ("ledger_payment", "ledger_stateentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET recorded_at = recorded_at")
