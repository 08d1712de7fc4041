"""Reads of the ledger: balances as of any day, totals, the series of owed against paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from homeward.reporting.selectors import month_ends

from .models import Contract, ExchangeRate, Obligation, ObligationState, Payment, StateEntry

ZERO = Decimal("0.00")
# What the balance tells: never read from the recorded states (entries of these written before they were derived
# stay in the history), never recorded by hand.
MONEY_STATES = frozenset({ObligationState.PAID_IN_PART.value, ObligationState.PAID.value})


@dataclass
class ObligationLine:
    obligation: Obligation
    state: str
    state_label: str
    paid: Decimal
    balance: Decimal
    payments: list[Payment] = field(default_factory=list)
    states: list[StateEntry] = field(default_factory=list)


def _as_of(as_of: date | None) -> date:
    return as_of or timezone.now().date()


def obligation_lines(obligations: QuerySet[Obligation], as_of: date | None = None) -> list[ObligationLine]:
    """Each obligation that had arisen by `as_of`, with its state, what was paid and what is owed on that day."""
    day = _as_of(as_of)
    arisen = obligations.filter(arose_on__lte=day)
    payments, states = defaultdict(list), defaultdict(list)
    # Subqueries rather than id lists: SQLite limits the parameters of one statement.
    for payment in Payment.objects.filter(obligation__in=arisen.values("pk"), paid_on__lte=day).select_related("rate"):
        payments[payment.obligation_id].append(payment)
    for entry in StateEntry.objects.filter(obligation__in=arisen.values("pk"), on__lte=day):
        states[entry.obligation_id].append(entry)
    obligations = list(arisen.select_related("case", "partner"))
    labels = dict(ObligationState.choices)
    lines = []
    for o in obligations:
        paid = sum((p.settled_amount for p in payments[o.pk]), ZERO)
        state = state_of(o, paid, states[o.pk])
        lines.append(ObligationLine(o, state, labels[state], paid, o.amount - paid, payments[o.pk], states[o.pk]))
    return lines


def state_of(obligation: Obligation, paid: Decimal, entries: list[StateEntry]) -> str:
    """The state on a day, from what had been paid by then and the states recorded up to then (in order).

    Paid in full is `paid`; paid in part is `paid in part`, unless the rest is disputed; nothing paid (a reversal
    included) is the last state recorded, which money cannot tell: claimed, documents sent, approved, disputed.
    """
    recorded = [entry.state for entry in entries if entry.state not in MONEY_STATES]
    last = recorded[-1] if recorded else ObligationState.CLAIMED
    if paid >= obligation.amount:
        return ObligationState.PAID
    if paid > 0 and last != ObligationState.DISPUTED:
        return ObligationState.PAID_IN_PART
    return last


def case_ledger(case, as_of: date | None = None) -> dict:
    lines = obligation_lines(case.obligations.all(), as_of)
    return {"lines": lines, "balances": balances(lines), "contract": case.contracts.order_by("-recorded_at", "-id").first()}


def balances(lines: list[ObligationLine]) -> list[dict]:
    """Owed, paid and outstanding per currency: sums in different currencies are never added together."""
    per_currency: dict[str, dict] = {}
    for line in lines:
        row = per_currency.setdefault(line.obligation.currency, {
            "currency": line.obligation.currency, "owed": ZERO, "paid": ZERO, "balance": ZERO, "obligations": 0})
        row["owed"] += line.obligation.amount
        row["paid"] += line.paid
        row["balance"] += line.balance
        row["obligations"] += 1
    return [per_currency[c] for c in sorted(per_currency)]


def case_balance(case, as_of: date | None = None) -> list[dict]:
    return balances(obligation_lines(case.obligations.all(), as_of))


def totals(cases: QuerySet, by: str, as_of: date | None = None) -> list[dict]:
    """Owed, paid and outstanding per partner or per origin country, and per currency."""
    if by not in ("partner", "origin"):
        raise ValueError(f"totals by {by!r}: expected 'partner' or 'origin'")
    lines = obligation_lines(Obligation.objects.filter(case__in=cases), as_of)
    groups: dict[tuple[str, str], dict] = {}
    for line in lines:
        o = line.obligation
        key = (o.partner.code if o.partner else o.debtor) if by == "partner" else o.case.origin_country
        row = groups.setdefault((key, o.currency), {
            "group": key, "currency": o.currency, "obligations": 0, "cases": set(), "owed": ZERO, "paid": ZERO,
            "balance": ZERO})
        row["obligations"] += 1
        row["cases"].add(o.case_id)
        row["owed"] += o.amount
        row["paid"] += line.paid
        row["balance"] += line.balance
    rows = [groups[k] for k in sorted(groups)]
    for row in rows:
        row["cases"] = len(row["cases"])
    return rows


def owed_vs_paid(cases: QuerySet, until: date | None = None) -> dict[str, list[dict]]:
    """Month by month, per currency: the total owed (obligations arisen) and paid by each month's end."""
    until = _as_of(until)
    obligations = Obligation.objects.filter(case__in=cases, arose_on__lte=until)
    first = obligations.order_by("arose_on").values_list("arose_on", flat=True).first()
    if first is None:
        return {}
    owed_rows = obligations.values_list("arose_on", "currency", "amount")
    paid_rows = Payment.objects.filter(obligation__in=obligations, paid_on__lte=until).values_list(
        "paid_on", "obligation__currency", "settled_amount")
    series: dict[str, list[dict]] = {}
    ends = month_ends(first, until)
    for currency in sorted({c for _, c, _ in owed_rows}):
        owed = [(d, a) for d, c, a in owed_rows if c == currency]
        paid = [(d, a) for d, c, a in paid_rows if c == currency]
        series[currency] = [{
            "month": end, "owed": sum((a for d, a in owed if d <= end), ZERO),
            "paid": sum((a for d, a in paid if d <= end), ZERO),
        } for end in ends]
    return series


def family_payment_summary(case) -> list[dict]:
    """What a family may see of the money due to them: kind, amounts and state, no references or notes."""
    summary = []
    for line in obligation_lines(case.obligations.all()):
        reversed_ = {p.reverses_id for p in line.payments if p.reverses_id}
        last = max((p.paid_on for p in line.payments if p.amount > 0 and p.pk not in reversed_), default=None)
        summary.append({
            "kind": line.obligation.get_kind_display(),
            "currency": line.obligation.currency,
            "amount": line.obligation.amount,
            "paid": line.paid,
            "outstanding": line.balance,
            "state": line.state,
            "state_label": line.state_label,
            "last_paid_on": last,
        })
    return summary


def recent_rates(limit: int = 50) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.all()[:limit]


def latest_contract(case) -> Contract | None:
    return case.contracts.order_by("-recorded_at", "-id").first()


def paid_total(obligation: Obligation, as_of: date | None = None) -> Decimal:
    return obligation.payments.filter(paid_on__lte=_as_of(as_of)).aggregate(t=Sum("settled_amount"))["t"] or ZERO
