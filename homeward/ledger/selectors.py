"""Reads of the ledger: balances as of any day, totals, the series of owed against paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from homeward.access import suppression
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


def _group_key(obligation: Obligation, by: str, *, name_debtors: bool = True) -> str | None:
    """The partner's code or the debtor as written (None when the debtor is not to be named), or the origin."""
    if by == "origin":
        return obligation.case.origin_country
    if obligation.partner:
        return obligation.partner.code
    return obligation.debtor if name_debtors else None


def _grouped(lines: list[ObligationLine], by: str, *, name_debtors: bool = True) -> list[dict]:
    """Rows per group and currency, each with the set of its cases and of its obligations."""
    if by not in ("partner", "origin"):
        raise ValueError(f"totals by {by!r}: expected 'partner' or 'origin'")
    groups: dict[tuple, dict] = {}
    for line in lines:
        o = line.obligation
        key = _group_key(o, by, name_debtors=name_debtors)
        row = groups.setdefault((key is None, key or "", o.currency), {
            "group": key if key is not None else gettext("other debtors"), "currency": o.currency,
            "obligations": 0, "cases": set(), "owed": ZERO, "paid": ZERO, "balance": ZERO, "members": set()})
        row["obligations"] += 1
        row["cases"].add(o.case_id)
        row["members"].add(o.pk)
        row["owed"] += o.amount
        row["paid"] += line.paid
        row["balance"] += line.balance
    return [groups[k] for k in sorted(groups)]


def totals(cases: QuerySet, by: str, as_of: date | None = None) -> list[dict]:
    """Owed, paid and outstanding per partner (or debtor) or per origin country, and per currency."""
    rows = _grouped(obligation_lines(Obligation.objects.filter(case__in=cases), as_of), by)
    for row in rows:
        row["cases"] = len(row["cases"])
        del row["members"]
    return rows


def completed_month_end(asked: date | None = None, today: date | None = None) -> date:
    """The last day of the last month that had ended by `asked` (or today): the only days analysts see sums of."""
    today = today or timezone.now().date()
    day = min(asked or today, today - timedelta(days=1))
    following = day + timedelta(days=1)
    return day if following.month != day.month else day.replace(day=1) - timedelta(days=1)


def suppressed_totals(cases: QuerySet, as_of: date | None = None, *,
                      small: int = suppression.SMALL_CELL) -> dict[str, list[dict]]:
    """Both groupings as an analyst may see them: no debtor named, and no sum of fewer than `small` cases
    shown or to be worked out from the other figures.

    The debtors that are not partner agencies (whose name may be a person's) are one row, "other debtors". A row
    of fewer than `small` cases is hidden ("<5"); so are more rows ("x", the smallest first) until the rows hidden
    in a table cover `small` cases together, since each grouping adds up to the same total as the other; and until
    no sum of visible rows of one grouping, taken from a sum of visible rows of the other that holds all their
    obligations, leaves the money of fewer than `small` cases (RU-MOD minus India: the Nepali family owed by RU-MOD).
    Per currency, as amounts in different currencies never add up. Nor may a row be worked out against
    itself at an earlier month end: a row whose money changed since any earlier month end for fewer than
    `small` cases is hidden too (one new obligation in August is one family's compensation).
    """
    obligations = Obligation.objects.filter(case__in=cases)
    lines = obligation_lines(obligations, as_of)
    tables = {by: _grouped(lines, by, name_debtors=False) for by in ("partner", "origin")}
    case_of = {line.obligation.pk: line.obligation.case_id for line in lines}
    hidden = _hidden_rows(tables, case_of, small, _changed_for_few(tables, lines, obligations, as_of, small))
    shown = {}
    for by, rows in tables.items():
        shown[by] = []
        for row in rows:
            row = {**{k: v for k, v in row.items() if k != "members"}, "cases": len(row["cases"])}
            if (by, row["group"], row["currency"]) in hidden:
                mark = suppression.SUPPRESSED if row["cases"] < small else suppression.HIDDEN
                row.update(dict.fromkeys(("obligations", "cases", "owed", "paid", "balance"), mark))
            shown[by].append(row)
    return shown


def _changed_for_few(tables: dict[str, list[dict]], lines: list[ObligationLine], obligations: QuerySet[Obligation],
                     as_of: date | None, small: int) -> set[tuple]:
    """Rows whose obligations or payments changed, between some earlier month end and `as_of`, for more than
    none and fewer than `small` cases."""
    first = min((line.obligation.arose_on for line in lines), default=None)
    if first is None:
        return set()
    day = _as_of(as_of)
    paid_now = {line.obligation.pk: line.paid for line in lines}
    case_of = {line.obligation.pk: line.obligation.case_id for line in lines}
    flagged = set()
    for end in [e for e in month_ends(first, day) if e < day]:
        paid_then = {line.obligation.pk: line.paid for line in obligation_lines(obligations, end)}
        changed = {pk for pk, paid in paid_now.items() if paid_then.get(pk) != paid}
        for by, rows in tables.items():
            for row in rows:
                cases = {case_of[pk] for pk in row["members"] & changed}
                if 0 < len(cases) < small:
                    flagged.add((by, row["group"], row["currency"]))
    return flagged


def _hidden_rows(tables: dict[str, list[dict]], case_of: dict[int, int], small: int,
                 also: set[tuple] = frozenset()) -> set[tuple]:
    def key(by, row):
        return by, row["group"], row["currency"]

    def few(members) -> bool:
        return len({case_of[m] for m in members}) < small

    rows = {key(by, row): row for by, table in tables.items() for row in table}
    hidden = {k for k, row in rows.items() if len(row["cases"]) < small} | (set(also) & set(rows))

    def smallest(keys):
        return min(keys, key=lambda k: (len(rows[k]["cases"]), rows[k]["owed"], k[1]))

    while True:
        more = None
        for currency in sorted({k[2] for k in rows}):
            for by in tables:
                table = [k for k in rows if k[0] == by and k[2] == currency]
                concealed = set().union(*(rows[k]["members"] for k in table if k in hidden))
                visible = [k for k in table if k not in hidden]
                if concealed and few(concealed) and visible:
                    more = smallest(visible)
                    break
                leak = _differencing_leak(visible, [k for k in rows if k[0] != by and k[2] == currency],
                                          rows, hidden, few)
                if leak:
                    more = smallest(leak)
                    break
            if more:
                break
        if more is None:
            return hidden
        hidden.add(more)


def _differencing_leak(visible, others, rows, hidden, few, exhaustive: int = 12) -> list | None:
    """Visible rows whose sums differenced reveal fewer cases' money: a set of visible rows of one grouping
    and the rows of the other grouping that hold their obligations, all visible. None if there is no such set.
    Every set is tried while a table has up to `exhaustive` visible rows; beyond that, sets of up to three."""
    for size in range(1, len(visible) + 1):
        if size > 3 and len(visible) > exhaustive:
            break
        for chosen in combinations(visible, size):
            members = set().union(*(rows[k]["members"] for k in chosen))
            holding = [k for k in others if rows[k]["members"] & members]
            if any(k in hidden for k in holding):
                continue
            rest = set().union(*(rows[k]["members"] for k in holding)) - members
            if rest and few(rest):
                return [*chosen, *holding]
    return None


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
