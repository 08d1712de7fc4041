"""A host-only row becomes a new case only if the registry does not hold the man already."""

import pytest
from django.urls import reverse

from homeward.accounts.models import User
from homeward.exchange import services
from homeward.exchange.models import Discrepancy, ResponseRow
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, CaseEvent

from .conftest import as_cp1251_csv, response_rows


@pytest.fixture
def answered(registry60, partner, officer):
    """Eight cases asked of the partner; its answer lists them and, as well, the man of a case never
    sent to it (registry60[30]): a host-only row for a man we know."""
    asked = [c for c in registry60[:10] if c.reports.filter(consent_to_share=True).exists()][:8]
    services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk__in=[c.pk for c in asked]),
                            by=officer)
    rows = response_rows(asked)[:len(asked)] + response_rows([registry60[30]])[:1]
    for r in rows:
        r["наш номер"] = ""
    rows[-1]["Статус"] = "уволен"
    services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="a.csv", by=officer)
    item = Discrepancy.objects.get(kind=Discrepancy.Kind.HOST_ONLY)
    assert item.row.number == len(rows) + 1 and item.row.link == ResponseRow.Link.HOST_ONLY  # (row 1: headers)
    return item, registry60[30]


def test_a_likely_duplicate_refuses_the_new_case_and_names_it(answered, officer):
    item, known = answered
    cases = Case.objects.count()
    with pytest.raises(services.LikelyDuplicate, match=known.reference) as refused:
        services.create_case_from_row(item, origin_country="IN", by=officer)
    assert refused.value.matches[0].case_id == known.pk and refused.value.matches[0].probability >= 0.5
    assert Case.objects.count() == cases
    item.refresh_from_db()
    assert item.state == Discrepancy.State.OPEN and item.case is None and item.row.case is None


def test_the_page_offers_to_link_the_row_instead_and_linking_applies_it(client, answered, officer):
    item, known = answered
    cases = Case.objects.count()
    client.force_login(officer)
    page = client.post(reverse("exchange:new_case", args=[item.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and Case.objects.count() == cases
    assert known.reference in html and "may already be in the registry" in html
    assert reverse("exchange:link_row", args=[item.pk]) in html and f'value="{known.reference}"' in html
    assert f'name="distinct" value="{known.pk}"' in html

    response = client.post(reverse("exchange:link_row", args=[item.pk]), {"case": known.reference})
    assert response.status_code == 302 and known.reference in response["Location"]
    row = ResponseRow.objects.get(pk=item.row_id)
    assert (row.case, row.decision, row.link, row.decided_by) == (known, "accepted", "review", officer)
    assert row.explanation["linked_from"] == "host_only" and row.probability >= 0.5
    assert CaseEvent.objects.filter(case=known, kind=Event.DISCHARGED, details__row=row.number).exists()
    known.refresh_from_db()
    assert known.status == Event.DISCHARGED and Case.objects.count() == cases
    item.refresh_from_db()
    assert item.state == "resolved" and item.case == known
    assert item.entries.last().text == f"row linked to {known.reference}: the same man"


def test_the_officer_may_say_none_of_them_is_the_man(client, answered, officer):
    item, known = answered
    client.force_login(officer)
    response = client.post(reverse("exchange:new_case", args=[item.pk]), {"distinct": [str(known.pk)]})
    case = Case.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert case != known and case.status == Event.DISCHARGED
    item.refresh_from_db()
    assert item.state == "resolved" and item.case == case
    assert item.entries.last().text == (f"new case {case.reference} opened; not the same man as {known.reference} "
                                        "(checked by the officer)")


def test_only_cases_the_officer_may_see_are_candidates(answered, office):
    item, known = answered
    elsewhere = User.objects.create_user("np", role=User.Role.HQ_OFFICER, country="NP")
    assert services.likely_duplicates(item.row, Case.objects.filter(origin_country="NP")) == []
    case = services.create_case_from_row(item, origin_country="NP", by=elsewhere)   # he cannot see IN cases
    assert case != known and case.origin_country == "NP"


def test_a_link_to_a_case_out_of_scope_is_not_found(client, answered, db):
    item, known = answered
    client.force_login(User.objects.create_user("np", role=User.Role.HQ_OFFICER, country="NP"))
    assert client.post(reverse("exchange:link_row", args=[item.pk]), {"case": known.reference}).status_code == 404
    assert ResponseRow.objects.get(pk=item.row_id).case is None


def test_a_case_whose_link_was_rejected_is_no_candidate(registry60, partner, officer):
    """The officer said the row is not that man: opening his own case is not refused for that case."""
    asked = [c for c in registry60[:10] if c.reports.filter(consent_to_share=True).exists()][:8]
    services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk__in=[c.pk for c in asked]),
                            by=officer)
    rows = response_rows(asked)[:len(asked)]
    for r in rows:
        r["наш номер"] = ""
    services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="a.csv", by=officer)
    row = ResponseRow.objects.get(number=2)
    assert row.link in ("auto", "review") and row.case == asked[0]
    services.decide(row, ResponseRow.Decision.REJECTED, by=officer, reason="his brother")
    item = Discrepancy.objects.get(kind=Discrepancy.Kind.HOST_ONLY, row=row)
    case = services.create_case_from_row(item, origin_country="IN", by=officer)
    assert case != asked[0] and ResponseRow.objects.get(pk=row.pk).case == case
