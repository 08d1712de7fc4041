"""Rows of a response list: a reference must agree with the man it names, dates may not lie ahead, and
the registry's refusals come back as messages, never as a server error."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from homeward.accounts.models import User
from homeward.exchange import services
from homeward.exchange.models import Discrepancy, Response, ResponseRow
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, CaseEvent

from .conftest import as_cp1251_csv, response_rows


def sent(cases, partner):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    return [c for c in cases if c.reports.filter(consent_to_share=True).exists()]


def tomorrow() -> str:
    return f"{timezone.now().date() + timedelta(days=1):%d.%m.%Y}"


# ---------------------------------------------------------------- a reference is checked against the man


def test_a_reference_that_names_another_man_is_reviewed_not_applied(client, registry60, partner, officer):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:2])
    assert rows[0]["наш номер"] == cases[0].reference and rows[1]["Статус"] == "погиб"
    rows[1]["наш номер"] = cases[0].reference  # one wrong digit: the second man's row names the first man's case
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="r.csv", by=officer)
    assert result.counts["by_reference"] == 1 and result.counts["review"] == 1
    # The first man's own row agrees with his case: applied at once. The killed row is not.
    assert not CaseEvent.objects.filter(case=cases[0], kind=Event.KILLED).exists()
    assert Case.objects.get(pk=cases[0].pk).status == Event.IDENTIFIED
    flagged = ResponseRow.objects.get(number=3)
    assert flagged.link == ResponseRow.Link.REVIEW and flagged.case == cases[0] and flagged.decision == "pending"
    assert flagged.probability < services.thresholds(partner)[0]
    assert flagged.explanation[services.REFERENCE_DISAGREES] is True
    agreeing = ResponseRow.objects.get(number=2)
    assert agreeing.link == ResponseRow.Link.BY_REFERENCE and agreeing.probability >= 0.95
    # The review page says why it is there.
    client.force_login(officer)
    page = client.get(reverse("exchange:review", args=[result.response.pk])).content.decode()
    assert "Reference and identity disagree" in page and f"our reference {cases[0].reference}" in page
    assert "Reference and identity disagree" in client.get(
        reverse("exchange:response", args=[result.response.pk])).content.decode()
    # A person may still decide that it is him after all.
    services.decide(flagged, "rejected", by=officer, reason="the row is Ravi Kumar, not our case")
    assert not CaseEvent.objects.filter(case=cases[0], kind=Event.KILLED).exists()


def test_a_reference_whose_man_agrees_is_applied_at_once(registry60, partner):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:12])
    for r, case in zip(rows[:12], cases):
        r["наш номер"] = case.reference
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="ok.csv")
    # Row 5 of response_rows has a typo in the name and no passport: still him by name and date of birth.
    assert result.counts["by_reference"] == 12
    assert not ResponseRow.objects.filter(link=ResponseRow.Link.REVIEW, number__lte=13).exists()


# ---------------------------------------------------------------- whoever imports, the links are the same


@pytest.fixture
def mission(registry60, office):
    """A mission officer of a consulate that holds five of the sixty cases."""
    from homeward.accounts.models import Office

    consulate = Office.objects.create(code="in-consulate-spb", name="Consulate of India, St Petersburg", country="IN")
    Case.objects.filter(pk__in=[c.pk for c in registry60[:5]]).update(office=consulate)
    return User.objects.create_user("mission", password="correct horse battery", role=User.Role.MISSION_OFFICER,
                                    country="IN", office=consulate)


def test_an_officer_who_sees_part_of_the_cases_links_the_whole_answer(client, registry60, partner, officer, mission):
    from homeward.access import visible_cases

    cases = sent(registry60, partner)
    mine = set(visible_cases(mission).values_list("pk", flat=True))
    assert len(mine) == 5
    rows = response_rows(cases[:30])  # a third of them name our reference, most of them other offices' cases
    content = as_cp1251_csv(rows)
    client.force_login(mission)
    response = client.post(reverse("exchange:import"), {"partner": partner.pk,
                                                        "file": SimpleUploadedFile("otvet.csv", content)})
    assert response.status_code == 302
    imported = Response.objects.get()
    assert imported.imported_by == mission
    linked = {row.case_id for row in imported.response_rows.exclude(case=None)}
    assert len(linked - mine) >= 20  # the other office's men are linked, not proposed as new cases
    assert not imported.response_rows.filter(link=ResponseRow.Link.HOST_ONLY, number__lte=31).exists()  # rows 2-31
    # No "asked, not in the file" for a man the file names.
    named = {row.case_id for row in imported.response_rows.all()}
    assert not Discrepancy.objects.filter(kind=Discrepancy.Kind.OURS_ONLY, case__in=named).exists()
    assert Discrepancy.objects.filter(kind=Discrepancy.Kind.OURS_ONLY).count() == len(cases) - 30
    # What the mission officer sees of it stays his.
    page = client.get(reverse("exchange:response", args=[imported.pk]))
    assert {r.case_id for r in page.context["rows"] if r.case_id} <= mine
    # The owning office's import of the same file is the same import, with the same links.
    again = services.import_response(partner=partner, content=content, file_name="otvet.csv", by=officer)
    assert again.already_imported and again.response == imported


def test_a_reference_never_asked_of_the_partner_is_refused(registry60, partner, officer, tmp_path):
    asked = Case.objects.filter(pk__in=[c.pk for c in registry60[:10]])
    services.export_request(partner=partner, ask="identify", cases=asked)
    rows = response_rows(registry60[20:24])
    rows[0]["наш номер"] = registry60[20].reference
    path = tmp_path / "otvet.csv"
    path.write_bytes(as_cp1251_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("exchange", "import", "--partner", partner.code, str(path), stdout=io.StringIO(), stderr=err)
    assert f"row 2: reference {registry60[20].reference} is not one of the cases asked of RU-MOD" in err.getvalue()


# ---------------------------------------------------------------- dates ahead of today


def test_a_date_in_the_future_is_an_error_naming_row_and_column(registry60, partner):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:6])
    rows[1]["Дата"] = tomorrow()
    rows[3]["Дата"] = "05.2099"
    rows[4]["Дата рождения"] = "2099"
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="f.csv")
    assert result.response is None and result.counts["errors"] == 3
    assert f'row 3, column "Дата": {tomorrow()} is in the future' in result.errors
    assert 'row 5, column "Дата": 05.2099 is in the future' in result.errors
    assert 'row 6, column "Дата рождения": 2099 is in the future' in result.errors
    assert not Response.objects.exists() and not CaseEvent.objects.filter(details__has_key="asserted_by_partner")


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_a_future_date_on_the_pages_is_a_message_not_a_server_error(client, registry60, partner, officer, who):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:4])
    rows[0]["Статус"], rows[0]["Дата"] = "погиб", "15.05.2099"
    content = as_cp1251_csv(rows)
    client.raise_request_exception = False
    if who == "officer":
        client.force_login(officer)
        response = client.post(reverse("exchange:import"), {"partner": partner.pk,
                                                            "file": SimpleUploadedFile("otvet.csv", content)},
                               follow=True)
    else:
        client.force_login(User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner))
        response = client.post(reverse("exchange:liaison_upload"), {"file": SimpleUploadedFile("otvet.csv", content)},
                               follow=True)
    assert response.status_code == 200
    message = "15.05.2099 is in the future" if who == "officer" else "15.05.2099 — дата в будущем"  # liaisons read Russian
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_the_cli_names_a_future_date(registry60, partner, tmp_path):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:4])
    rows[0]["Дата"] = "15.05.2099"
    path = tmp_path / "otvet.csv"
    path.write_bytes(as_cp1251_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("exchange", "import", "--partner", partner.code, str(path), stdout=io.StringIO(), stderr=err)
    assert 'row 2, column "Дата": 15.05.2099 is in the future' in err.getvalue()


def _stale(rows, **fields):
    """Rows imported before the date check (or whose case changed since): the registry now refuses them."""
    ResponseRow.objects.filter(pk__in=[r.pk for r in rows]).update(**fields)


def test_a_registry_refusal_on_accept_is_a_message_and_writes_nothing(client, registry60, partner, officer):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:8])
    for r in rows:
        r["наш номер"] = ""
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="r.csv")
    row = result.response.response_rows.exclude(case=None).order_by("number").first()
    _stale([row], occurred_on="2099-05-15")
    events = CaseEvent.objects.count()
    with pytest.raises(services.ExchangeError, match=f"row {row.number}: .*2099-05-15"):
        services.decide(row, "accepted", by=officer)
    row.refresh_from_db()
    assert row.decision == "pending" and CaseEvent.objects.count() == events
    client.force_login(officer)
    client.raise_request_exception = False
    page = client.post(reverse("exchange:decide", args=[row.pk]), {"decision": "accepted"}, follow=True)
    assert page.status_code == 200 and "2099-05-15" in page.content.decode()
    assert CaseEvent.objects.count() == events


def test_accept_auto_names_the_refused_rows_and_accepts_none(registry60, partner):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:20])
    for r in rows:
        r["наш номер"] = ""
    services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="auto.csv")
    auto = list(ResponseRow.objects.filter(link=ResponseRow.Link.AUTO).order_by("number"))
    assert len(auto) >= 3
    _stale(auto[1:3], occurred_on="2099-05-15")
    events = CaseEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("exchange", "review", "--accept-auto", stdout=io.StringIO())
    assert f"auto.csv, row {auto[1].number}: " in str(refused.value)
    assert f"auto.csv, row {auto[2].number}: " in str(refused.value)
    assert CaseEvent.objects.count() == events
    assert not ResponseRow.objects.filter(decision="accepted").exists()


# ---------------------------------------------------------------- a merged case's news goes to its survivor


def test_news_about_a_case_merged_since_the_request_goes_to_the_case_that_stands_for_him(registry60, partner, officer):
    from homeward.registry import merging

    cases = sent(registry60, partner)
    absorbed, survivor = cases[0], cases[1]
    merging.merge_cases(survivor, absorbed, officer, "the same man, reported twice")
    rows = response_rows([absorbed])[:1]
    rows[0]["Статус"] = "погиб"
    rows[0]["Дата рождения"] = rows[0]["Дата рождения"][:6] + rows[0]["Дата рождения"][8:]   # dd.mm.yy
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="r.csv", by=officer)
    assert result.counts["by_reference"] == 1, result.errors
    assert CaseEvent.objects.filter(case=survivor, kind=Event.KILLED).exists()
    assert not CaseEvent.objects.filter(case=absorbed, kind=Event.KILLED).exists()
    assert Case.objects.get(pk=absorbed.pk).status == Event.MERGED
    assert ResponseRow.objects.get().date_of_birth == absorbed.person.date_of_birth   # two-digit year read
