"""The reviewer's findings: state after back-dated reversals, what analysts can work out, and who exported a case."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from homeward.accounts.models import Partner, User
from homeward.audit.selectors import readers_of_case
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


# 2. Analysts: month ends only, no differencing between the two groupings, no debtor's name.

@pytest.fixture
def analyst(db):
    return User.objects.create_user("analyst-x", role=User.Role.ANALYST)


@pytest.fixture
def caseload(make_case, officer):
    """Six Indian families owed by RU-MOD, one Nepali family owed by RU-MOD and one by a private person."""
    partner = Partner.objects.create(code="RU-MOD", name="Ministry", country="RU")
    indian = [make_case(f"Family {n}") for n in range(6)]
    nepali = make_case("Bikash Gurung", origin="NP")
    obligations = [services.add_obligation(case=case, kind="salary_arrears", amount="1000.00", currency="RUB",
                                           arose_on=date(2025, 1, 1), debtor="Ministry", partner=partner)
                   for case in indian]
    nepal = services.add_obligation(case=nepali, kind="salary_arrears", amount="777.00", currency="RUB",
                                    arose_on=date(2025, 1, 1), debtor="Ministry", partner=partner)
    services.add_obligation(case=indian[0], kind="injury", amount="50.00", currency="INR", arose_on=date(2025, 1, 1),
                            debtor="Ivan Petrovich Sidorov")
    services.record_payment(obligation=obligations[0], paid_on=date(2025, 3, 14), amount="313.00", currency="RUB")
    return {"nepal": nepal, "partner": partner}


def main(html: str) -> str:
    """The page's own content, without the per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.split("<main", 1)[1])


def cells(html: str, heading: str) -> str:
    section = html.split(heading, 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", section)


def test_analysts_see_month_ends_only_and_are_told_so(client, analyst, caseload):
    client.force_login(analyst)
    pages = [main(client.get(reverse("ledger:overview"), {"as_of": day}).content.decode())
             for day in ("2025-03-13", "2025-03-14", "2025-03-15")]
    assert pages[0] == pages[1] == pages[2]  # differencing two days shows nothing
    assert "28 Feb 2025" in pages[0] or "2025-02-28" in pages[0]
    assert "end of a completed month" in pages[0]
    exports = [client.get(reverse("ledger:export"), {"by": "partner", "format": "csv", "as_of": day}).content
               for day in ("2025-03-14", "2025-03-31")]
    assert exports[0] != exports[1] or b"313" not in exports[1]
    assert client.get(reverse("ledger:export"), {"by": "partner", "format": "csv", "as_of": "2025-03-13"}).content \
        == exports[0]


def test_an_analyst_asking_for_today_gets_the_last_completed_month(client, analyst, caseload):
    today = timezone.now().date()
    last_end = today.replace(day=1) - timedelta(days=1)
    client.force_login(analyst)
    for asked in ({}, {"as_of": today.isoformat()}, {"as_of": (today + timedelta(days=40)).isoformat()}):
        html = client.get(reverse("ledger:overview"), asked).content.decode()
        assert last_end.isoformat() in html, asked


def test_officers_still_see_any_day(client, officer, caseload):
    client.force_login(officer)
    before = client.get(reverse("ledger:export"), {"by": "origin", "format": "csv", "as_of": "2025-03-13"}).content
    after = client.get(reverse("ledger:export"), {"by": "origin", "format": "csv", "as_of": "2025-03-14"}).content
    assert before != after and b"313.00" in after


def hidden_per_currency(rows):
    hidden = {}
    for row in rows:
        hidden.setdefault(row["currency"], []).append(row["owed"] in ("<5", "x"))
    return hidden


def test_the_two_groupings_never_differ_by_one_hidden_amount(client, analyst, caseload):
    client.force_login(analyst)
    tables = {}
    for by in ("partner", "origin"):
        text = client.get(reverse("ledger:export"), {"by": by, "format": "csv", "as_of": "2025-02-28"}).content
        header, *lines = text.decode().splitlines()
        tables[by] = [dict(zip(header.split(","), line.split(","))) for line in lines]
    # RU-MOD (seven families) shown beside India (six of them) would give the Nepali family's 777.00.
    assert [row["owed"] for row in tables["partner"] if row["group"] == "RU-MOD"] == ["6777.00"]
    assert [(row["group"], row["cases"], row["owed"]) for row in tables["origin"] if row["currency"] == "RUB"] == [
        ("IN", "x", "x"), ("NP", "<5", "<5")]  # India is six families, hidden beside Nepal's one
    for by, rows in tables.items():
        for currency, hidden in hidden_per_currency(rows).items():
            assert sum(hidden) != 1 or len(hidden) == 1, (by, currency, rows)  # a lone row hidden beside others
    # Whatever stays visible, no visible sum of one grouping minus the other isolates the Nepali family.
    visible = {(by, row["group"], row["currency"]): D(row["owed"]) for by, rows in tables.items() for row in rows
               if row["owed"] not in ("<5", "x")}
    for (by, _, currency), amount in visible.items():
        for (other, _, other_currency), other_amount in visible.items():
            if by != other and currency == other_currency:
                assert abs(amount - other_amount) != D("777.00")


def analyst_table(client, by, as_of):
    text = client.get(reverse("ledger:export"), {"by": by, "format": "csv", "as_of": as_of}).content
    header, *lines = text.decode().splitlines()
    return {(row["group"], row["currency"]): row for row in (dict(zip(header.split(","), line.split(",")))
                                                              for line in lines)}


def test_a_row_is_not_shown_where_it_differs_from_an_earlier_month_end_by_few_families(client, analyst, caseload):
    client.force_login(analyst)
    february = analyst_table(client, "partner", "2025-02-28")[("RU-MOD", "RUB")]
    march = analyst_table(client, "partner", "2025-03-31")[("RU-MOD", "RUB")]
    # the 313.00 paid to one family in March would be March's "paid" minus February's
    assert february["paid"] == "0.00" and march["paid"] == "x"
    # five more families paid in April: the change since every earlier month end is no longer a few families'
    for obligation in Obligation.objects.filter(partner=caseload["partner"]).order_by("pk")[1:6]:
        services.record_payment(obligation=obligation, paid_on=date(2025, 4, 10), amount="100.00", currency="RUB")
    assert analyst_table(client, "partner", "2025-04-30")[("RU-MOD", "RUB")]["paid"] == "813.00"


def test_analysts_never_see_a_debtors_name(client, analyst, officer, caseload):
    client.force_login(analyst)
    html = client.get(reverse("ledger:overview")).content.decode()
    csv_text = client.get(reverse("ledger:export"), {"by": "partner", "format": "csv"}).content.decode()
    for text in (html, csv_text):
        assert "Sidorov" not in text and "other debtors" in text
    client.force_login(officer)
    assert "Sidorov" in client.get(reverse("ledger:overview")).content.decode()


def test_analyst_tables_show_no_grand_totals_and_the_page_and_export_agree(client, analyst, caseload):
    client.force_login(analyst)
    html = client.get(reverse("ledger:overview"), {"as_of": "2025-03-31"}).content.decode()
    text = client.get(reverse("ledger:export"), {"by": "partner", "format": "csv", "as_of": "2025-03-31"}).content
    assert "<tfoot>" not in cells(html, "By partner or debtor")
    for line in text.decode().splitlines()[1:]:
        group, currency, *_ = line.split(",")
        assert f"<th>{group}</th><td>{currency}</td>" in cells(html, "By partner or debtor")


# 3. Exporting a case's ledger is a read of that case.

def test_a_case_ledger_export_is_in_the_cases_readers(client, officer, thousand):
    client.force_login(officer)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("ledger:case", args=[thousand.case.reference]), {"format": fmt})
        assert response.status_code == 200
    exports = [e for e in readers_of_case(thousand.case) if e.action == "export"]
    assert [(e.user, e.target_id) for e in exports] == [(officer, str(thousand.case.pk))] * 2
    assert client.get(reverse("ledger:case", args=[thousand.case.reference]), {"format": "pdf"}).status_code == 404
    assert len([e for e in readers_of_case(thousand.case) if e.action == "export"]) == 2


def table(*rows):
    """Rows of a grouping from (group, obligation ids); one obligation per case, all in roubles."""
    return [{"group": group, "currency": "RUB", "cases": set(members), "members": set(members), "owed": D(len(members))}
            for group, members in rows]


def test_secondary_suppression_stops_sums_of_visible_rows_of_both_groupings_giving_a_family_away():
    india, nepal, bangladesh = set(range(1, 13)), {13}, set(range(14, 20))
    tables = {"partner": table(("P1", set(range(1, 7))), ("P2", set(range(7, 13)) | nepal), ("P3", bangladesh)),
              "origin": table(("IN", india), ("NP", nepal), ("BD", bangladesh))}
    hidden = selectors._hidden_rows(tables, {n: n for n in range(1, 20)}, 5)
    # NP is small; BD goes with it so that the origin table's hidden rows are not one family; and P1 + P2 - IN
    # would still be the Nepali family, so P1 (the smallest of the three) goes too.
    assert hidden == {("origin", "NP", "RUB"), ("origin", "BD", "RUB"), ("partner", "P1", "RUB")}


def test_nothing_more_is_hidden_when_no_sum_gives_a_small_group_away():
    tables = {"partner": table(("P1", set(range(1, 7))), ("P2", set(range(7, 13)))),
              "origin": table(("IN", set(range(1, 13))))}
    assert selectors._hidden_rows(tables, {n: n for n in range(1, 13)}, 5) == set()


@pytest.mark.parametrize("asked, today, snapped", [
    (None, date(2025, 3, 15), date(2025, 2, 28)),
    (date(2025, 3, 14), date(2025, 6, 1), date(2025, 2, 28)),
    (date(2025, 3, 31), date(2025, 6, 1), date(2025, 3, 31)),
    (date(2025, 3, 31), date(2025, 3, 31), date(2025, 2, 28)),  # March is not over yet
    (date(2025, 3, 31), date(2025, 4, 1), date(2025, 3, 31)),
    (date(2099, 1, 1), date(2025, 4, 1), date(2025, 3, 31)),
    (date(2024, 12, 31), date(2025, 4, 1), date(2024, 12, 31)),
    (date(2025, 1, 1), date(2025, 4, 1), date(2024, 12, 31)),
])
def test_analysts_as_of_is_the_end_of_a_completed_month(asked, today, snapped):
    assert selectors.completed_month_end(asked, today) == snapped


def test_paid_states_recorded_before_they_were_derived_are_history_only(thousand):
    # What the old code wrote on a payment and its reversal: "paid", then "approved" that was never given.
    StateEntry.objects.create(obligation=thousand, state="paid", on=date(2025, 1, 10), recorded_at=timezone.now())
    assert line_of(thousand).state == "claimed"  # nothing paid: the recorded "paid" is not read
    assert [s.state for s in line_of(thousand).states] == ["claimed", "paid"]  # but it stays in the history
