"""Everything that writes to the ledger. Each write is audited in its own transaction."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from homeward.audit import services as audit
from tabular import PartialDate

from .models import Contract, ExchangeRate, Obligation, ObligationState, Payment, StateEntry
from .selectors import MONEY_STATES

CENT = Decimal("0.01")
_CURRENCY = re.compile(r"[A-Z]{3}")


class LedgerError(ValueError):
    """A request the ledger refuses, with a message naming the field."""


def _currency(code: str, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise LedgerError(f"{field}: {code!r} is not an ISO 4217 currency code such as RUB, INR or NPR")
    return code


def _money(value, field: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, float):
        raise LedgerError(f"{field}: amounts are exact decimals, not floating point numbers")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise LedgerError(f"{field}: {value!r} is not an amount") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise LedgerError(f"{field}: {value!r} has more than two decimal places")
    if positive and amount <= 0:
        raise LedgerError(f"{field}: the amount must be greater than zero")
    return amount


def _not_future(day: date, field: str) -> date:
    if day > timezone.now().date():
        raise LedgerError(f"{field}: {day} is in the future")
    return day


@transaction.atomic
def record_contract(*, case, signed_on: PartialDate | None = None, term: str = "", number: str = "", unit: str = "",
                    promised_pay=None, actual_pay=None, pay_currency: str = "", pay_period: str = "month",
                    recorded_by=None) -> Contract:
    if (promised_pay is not None or actual_pay is not None) and not pay_currency:
        raise LedgerError("pay_currency: say in which currency the pay was promised")
    row = Contract.objects.create(
        case=case, signed_on=signed_on.iso if signed_on else "", term=term.strip(), number=number.strip(),
        unit=unit.strip(),
        promised_pay=None if promised_pay in (None, "") else _money(promised_pay, "promised_pay"),
        actual_pay=None if actual_pay in (None, "") else _money(actual_pay, "actual_pay", positive=False),
        pay_currency=_currency(pay_currency, "pay_currency") if pay_currency else "", pay_period=pay_period,
        recorded_at=timezone.now(), recorded_by=recorded_by,
    )
    audit.record_change(recorded_by, row, action=audit.Action.CREATE, after={
        "case": case.reference, "signed_on": row.signed_on, "number": row.number, "unit": row.unit,
        "promised_pay": str(row.promised_pay), "actual_pay": str(row.actual_pay), "pay_currency": row.pay_currency})
    return row


@transaction.atomic
def add_obligation(*, case, kind: str, amount, currency: str, arose_on: date, debtor: str, legal_basis: str = "",
                   description: str = "", documents_required: str = "", partner=None, state_note: str = "",
                   recorded_by=None) -> Obligation:
    """A sum owed, opened in the `claimed` state."""
    if kind not in Obligation.Kind.values:
        raise LedgerError(f"kind: {kind!r} is not one of {', '.join(Obligation.Kind.values)}")
    if not debtor.strip():
        raise LedgerError("debtor: say who owes it")
    row = Obligation.objects.create(
        case=case, kind=kind, amount=_money(amount, "amount"), currency=_currency(currency),
        arose_on=_not_future(arose_on, "arose_on"), debtor=debtor.strip(), legal_basis=legal_basis.strip(),
        description=description.strip(), documents_required=documents_required.strip(), partner=partner,
        recorded_at=timezone.now(), recorded_by=recorded_by,
    )
    audit.record_change(recorded_by, row, action=audit.Action.CREATE, after={
        "case": case.reference, "kind": kind, "amount": str(row.amount), "currency": row.currency,
        "debtor": row.debtor, "arose_on": arose_on.isoformat()})
    _state(row, ObligationState.CLAIMED, arose_on, state_note, recorded_by)
    return row


def _state(obligation: Obligation, state: str, on: date, note: str, recorded_by) -> StateEntry:
    entry = StateEntry.objects.create(obligation=obligation, state=state, on=on, note=note.strip(),
                                      recorded_at=timezone.now(), recorded_by=recorded_by)
    audit.record_change(recorded_by, obligation, after={"state": state, "on": on.isoformat(), "note": entry.note})
    return entry


@transaction.atomic
def change_state(*, obligation: Obligation, state: str, on: date, note: str = "", recorded_by=None) -> StateEntry:
    """Record what money cannot tell (documents sent, approved, disputed); paid follows the payments."""
    if state in MONEY_STATES:
        raise LedgerError(f"state: {ObligationState(state).label} follows the payments; record a payment instead")
    if state not in ObligationState.values:
        raise LedgerError(f"state: {state!r} is not one of {', '.join(ObligationState.values)}")
    if on < obligation.arose_on:
        raise LedgerError(f"on: {on} is before the obligation arose ({obligation.arose_on})")
    return _state(obligation, state, _not_future(on, "on"), note, recorded_by)


@transaction.atomic
def record_rate(*, from_currency: str, to_currency: str, rate, on: date, source: str, recorded_by=None) -> ExchangeRate:
    from_currency, to_currency = _currency(from_currency, "from_currency"), _currency(to_currency, "to_currency")
    if from_currency == to_currency:
        raise LedgerError("to_currency: a rate needs two different currencies")
    if not source.strip():
        raise LedgerError("source: say where the rate comes from")
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise LedgerError(f"rate: {rate!r} is not a number") from None
    if isinstance(rate, float) or not value.is_finite() or value <= 0:
        raise LedgerError(f"rate: {rate!r} must be a positive exact decimal")
    if ExchangeRate.objects.filter(from_currency=from_currency, to_currency=to_currency, on=on).exists():
        raise LedgerError(f"on: a {from_currency}→{to_currency} rate for {on} is already recorded")
    row = ExchangeRate.objects.create(from_currency=from_currency, to_currency=to_currency, rate=value, on=on,
                                      source=source.strip(), recorded_at=timezone.now(), recorded_by=recorded_by)
    audit.record_change(recorded_by, row, action=audit.Action.CREATE, after={
        "pair": f"{from_currency}/{to_currency}", "rate": str(value), "on": on.isoformat(), "source": row.source})
    return row


def rate_for(from_currency: str, to_currency: str, on: date) -> ExchangeRate:
    """The rate recorded for exactly that day: a rate from another day would be an implied one."""
    rate = ExchangeRate.objects.filter(from_currency=from_currency, to_currency=to_currency, on=on).first()
    if rate is None:
        raise LedgerError(f"no {from_currency}→{to_currency} exchange rate is recorded for {on}; record one first")
    return rate


@transaction.atomic
def record_payment(*, obligation: Obligation, paid_on: date, amount, currency: str, reference: str = "",
                   recipient: str = "", paid_via: str = "", note: str = "", recorded_by=None) -> Payment:
    """A tranche. No state is written: `paid in part` and `paid` are read from the balance as of each day."""
    amount, currency = _money(amount, "amount"), _currency(currency)
    paid_on = _not_future(paid_on, "paid_on")
    if paid_on < obligation.arose_on:
        raise LedgerError(f"paid_on: {paid_on} is before the obligation arose ({obligation.arose_on})")
    rate = None
    settled = amount
    if currency != obligation.currency:
        rate = rate_for(currency, obligation.currency, paid_on)
        settled = (amount * rate.rate).quantize(CENT, rounding=ROUND_HALF_UP)
    payment = Payment.objects.create(
        obligation=obligation, paid_on=paid_on, amount=amount, currency=currency, settled_amount=settled, rate=rate,
        reference=reference.strip(), recipient=recipient.strip(), paid_via=paid_via.strip(), note=note.strip(),
        recorded_at=timezone.now(), recorded_by=recorded_by,
    )
    audit.record_change(recorded_by, payment, action=audit.Action.CREATE, after={
        "obligation": obligation.pk, "case": obligation.case.reference, "paid_on": paid_on.isoformat(),
        "amount": str(amount), "currency": currency, "settled_amount": str(settled),
        "rate": str(rate) if rate else "", "reference": payment.reference, "recipient": payment.recipient})
    return payment


@transaction.atomic
def reverse_payment(*, payment: Payment, on: date, reason: str, recorded_by=None) -> Payment:
    """Undo a mistaken payment with an entry of the opposite sign; the original stays in the ledger.

    The state as of each day follows from the balance, so a back-dated reversal needs no state entry."""
    if not reason.strip():
        raise LedgerError("reason: say why the payment is reversed")
    if payment.reverses_id is not None:
        raise LedgerError("a reversal cannot itself be reversed; record the payment again instead")
    if Payment.objects.filter(reverses=payment).exists():
        raise LedgerError(f"payment {payment.pk} is already reversed")
    if on < payment.paid_on:
        raise LedgerError(f"on: {on} is before the payment it reverses ({payment.paid_on})")
    reversal = Payment.objects.create(
        obligation=payment.obligation, paid_on=_not_future(on, "on"), amount=-payment.amount,
        currency=payment.currency, settled_amount=-payment.settled_amount, rate=payment.rate,
        reference=payment.reference, recipient=payment.recipient, paid_via=payment.paid_via, reverses=payment,
        note=reason.strip(), recorded_at=timezone.now(), recorded_by=recorded_by,
    )
    audit.record_change(recorded_by, reversal, action=audit.Action.CREATE, after={
        "reverses": payment.pk, "case": payment.obligation.case.reference, "amount": str(reversal.amount),
        "currency": reversal.currency, "reason": reversal.note})
    return reversal
