"""The reviewer's findings: the state after back-dated reversals."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from homeward.ledger import selectors, services
from homeward.ledger.models import Obligation, StateEntry

D = Decimal


def line_of(obligation, day=None):
    [line] = selectors.obligation_lines(Obligation.objects.filter(pk=obligation.pk), day)
    return line


@pytest.fixture
def thousand(make_case, officer):
    case = make_case()
    return services.add_obligation(case=case, kind="salary_arrears", amount="1000.00", currency="RUB",
                                   arose_on=date(2025, 1, 1), debtor="Host ministry", recorded_by=officer)


# 1. The state agrees with the balance on every day, reversals included.

def test_a_back_dated_reversal_leaves_the_state_the_balance_says(thousand, officer):
    first = services.record_payment(obligation=thousand, paid_on=date(2025, 1, 10), amount="400", currency="RUB")
    services.record_payment(obligation=thousand, paid_on=date(2025, 3, 1), amount="600", currency="RUB")
    services.reverse_payment(payment=first, on=date(2025, 2, 1), reason="wrong account", recorded_by=officer)
    today = line_of(thousand)
    assert (today.paid, today.balance, today.state) == (D("600.00"), D("400.00"), "paid_in_part")
    expected = {date(2025, 1, 9): ("0.00", "claimed"), date(2025, 1, 10): ("400.00", "paid_in_part"),
                date(2025, 1, 31): ("400.00", "paid_in_part"), date(2025, 2, 1): ("0.00", "claimed"),
                date(2025, 2, 28): ("0.00", "claimed"), date(2025, 3, 1): ("600.00", "paid_in_part")}
    for day, (paid, state) in expected.items():
        line = line_of(thousand, day)
        assert (line.paid, line.state) == (D(paid), state), day
    [summary] = selectors.family_payment_summary(thousand.case)
    assert (summary["state"], summary["paid"], summary["outstanding"]) == ("paid_in_part", D("600.00"), D("400.00"))
    assert summary["last_paid_on"] == date(2025, 3, 1)


def test_a_claim_never_approved_falls_back_to_its_own_last_state_after_a_reversal(thousand, officer):
    paid = services.record_payment(obligation=thousand, paid_on=date(2025, 1, 10), amount="1000", currency="RUB")
    assert line_of(thousand).state == "paid"
    services.reverse_payment(payment=paid, on=date(2025, 1, 20), reason="bank returned it", recorded_by=officer)
    assert line_of(thousand).state == "claimed"
    assert line_of(thousand, date(2025, 1, 15)).state == "paid"
    services.change_state(obligation=thousand, state="documents_sent", on=date(2025, 1, 25))
    again = services.record_payment(obligation=thousand, paid_on=date(2025, 2, 3), amount="300", currency="RUB")
    services.reverse_payment(payment=again, on=date(2025, 2, 4), reason="duplicate", recorded_by=officer)
    assert line_of(thousand).state == "documents_sent"


def test_last_paid_on_ignores_reversed_payments(thousand, officer):
    services.record_payment(obligation=thousand, paid_on=date(2025, 1, 10), amount="400", currency="RUB")
    late = services.record_payment(obligation=thousand, paid_on=date(2025, 3, 1), amount="100", currency="RUB")
    services.reverse_payment(payment=late, on=date(2025, 3, 5), reason="bounced", recorded_by=officer)
    [summary] = selectors.family_payment_summary(thousand.case)
    assert (summary["last_paid_on"], summary["paid"]) == (date(2025, 1, 10), D("400.00"))


def test_a_dispute_shows_until_it_is_settled_or_paid_in_full(thousand, officer):
    services.record_payment(obligation=thousand, paid_on=date(2025, 1, 10), amount="400", currency="RUB")
    services.change_state(obligation=thousand, state="disputed", on=date(2025, 2, 1), note="rest contested")
    assert line_of(thousand).state == "disputed" and line_of(thousand, date(2025, 1, 31)).state == "paid_in_part"
    services.change_state(obligation=thousand, state="approved", on=date(2025, 2, 10))
    assert line_of(thousand).state == "paid_in_part"
    services.change_state(obligation=thousand, state="disputed", on=date(2025, 2, 11))
    services.record_payment(obligation=thousand, paid_on=date(2025, 2, 12), amount="600", currency="RUB")
    assert line_of(thousand).state == "paid"


def test_paid_states_follow_the_payments_and_cannot_be_recorded_by_hand(thousand):
    for state in ("paid", "paid_in_part"):
        with pytest.raises(services.LedgerError, match="record a payment"):
            services.change_state(obligation=thousand, state=state, on=date(2025, 1, 5))
    assert list(thousand.states.values_list("state", flat=True)) == ["claimed"]


def test_paid_states_recorded_before_they_were_derived_are_history_only(thousand):
    # What the old code wrote on a payment and its reversal: "paid", then "approved" that was never given.
    StateEntry.objects.create(obligation=thousand, state="paid", on=date(2025, 1, 10), recorded_at=timezone.now())
    assert line_of(thousand).state == "claimed"  # nothing paid: the recorded "paid" is not read
    assert [s.state for s in line_of(thousand).states] == ["claimed", "paid"]  # but it stays in the history
