import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from homeward.accounts.models import User
from homeward.api.tokens import issue_token
from homeward.audit.models import AuditEntry
from homeward.registry.models import Case


@pytest.fixture
def api(officer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(officer, 'tests')}")
    return client


@pytest.fixture
def cases(make_case):
    return [make_case("Harpreet Singh", extra_names=["СИНГХ ХАРПРИТ"], passport_number="K1234567"),
            make_case("Bikash Gurung", origin="NP")]


def test_lists_are_scoped_paginated_and_audited(api, cases):
    response = api.get("/api/v1/cases/", {"q": "Харп"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["reference"] == cases[0].reference
    assert set(body) == {"count", "next", "previous", "results"}
    assert AuditEntry.objects.filter(action="search", target_id=str(cases[0].pk)).exists()


def test_case_detail_masks_identity_numbers(api, cases):
    body = api.get(f"/api/v1/cases/{cases[0].reference}/").json()
    assert body["person"]["identifiers"][0]["masked"] == "••••4567"
    assert "K1234567" not in str(body)


def test_out_of_scope_is_404_in_the_common_error_shape(api, cases):
    response = api.get(f"/api/v1/cases/{cases[1].reference}/")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"status", "code", "message", "fields"}


def test_appending_events_goes_through_the_lifecycle(api, cases):
    url = f"/api/v1/cases/{cases[0].reference}/events/"
    created = api.post(url, {"kind": "identified", "occurred_on": "10.04.2024", "source": "host ministry"}, format="json")
    assert created.status_code == 201 and created.json()["occurred_on"] == "2024-04-10"
    refused = api.post(url, {"kind": "returned_home", "occurred_on": "2024-04-11"}, format="json")
    assert refused.status_code == 400
    assert "cannot become returned_home" in refused.json()["error"]["message"]
    bad_date = api.post(url, {"kind": "killed", "occurred_on": "31.02.2024"}, format="json")
    assert "February 2024 has 29 days" in str(bad_date.json()["error"]["fields"]["occurred_on"])
    correction = api.post(url, {"kind": "killed", "occurred_on": "2024-04", "is_correction": True, "note": "host letter"},
                          format="json")
    assert correction.status_code == 201
    assert Case.objects.get(pk=cases[0].pk).status == "killed"
    # "killed in April" counts from the last day the record holds in April (identified on the 10th)
    assert [e["kind"] for e in api.get(url).json()] == ["reported", "identified", "killed"]


def test_reports_can_be_added(api, cases):
    url = f"/api/v1/cases/{cases[0].reference}/reports/"
    response = api.post(url, {"source_type": "mp", "received_on": "2024-05-01", "reporter_name": "Office of an MP",
                              "original_text": "Letter", "consent_to_share": True}, format="json")
    assert response.status_code == 201
    assert api.get(url).json()[0]["consent_to_share"] is True


def test_figures(api, cases):
    body = api.get("/api/v1/figures/", {"on": "2024-06-01"}).json()
    assert (body["known"], body["remaining"], body["origin"]) == (1, 1, "IN")


def test_keys_and_roles(cases, db):
    anonymous = APIClient()
    response = anonymous.get("/api/v1/cases/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer hw_not_a_key")
    assert anonymous.get("/api/v1/cases/").status_code == 401
    analyst = User.objects.create_user("analyst", role=User.Role.ANALYST)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(analyst, 'dashboards')}")
    assert client.get("/api/v1/cases/").status_code == 403
    figures = client.get("/api/v1/figures/", {"on": "2024-06-01"}).json()
    assert figures["known"] == "<5"
    assert all(v == "<5" for row in figures["by_home_state"].values() for v in row.values())


def test_the_openapi_schema_is_served(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert b"/api/v1/cases/{reference}/events/" in response.content


def test_api_token_command_prints_a_key_once(officer, capsys):
    call_command("api_token", "officer", "--name", "partner system")
    key = capsys.readouterr().out.strip()
    assert key.startswith("hw_")
    assert officer.api_tokens.get().key_hash != key


def test_a_partner_system_posts_its_response_list(db, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from homeward.accounts.models import Partner
    from homeward.registry import services
    from tabular import PartialDate

    partner = Partner.objects.create(code="RU-MOD", name="Ministry of Defence", country="RU")
    liaison = User.objects.create_user("ru-system", role=User.Role.HOST_LIAISON, partner=partner)
    case = services.create_case(
        person=services.PersonInput(names=[services.NameInput(full_name="Ravi Kumar")]), origin_country="IN",
        host_country="RU", reported_on=PartialDate(2024, 3, 1), report=services.ReportInput(
            source_type="family", received_on=PartialDate(2024, 3, 1).first_day, consent_to_share=True))
    from homeward.exchange import services as exchange
    from homeward.registry.models import Case
    exchange.export_request(partner=partner, ask="identify", cases=Case.objects.all(), by=officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(liaison, 'ministry system')}")
    content = f"№;ФИО;Дата рождения;Статус;наш номер\n1;КУМАР РАВИ;;в строю;{case.reference}\n".encode("cp1251")
    response = client.post("/api/v1/exchange/responses/", {"file": SimpleUploadedFile("ответ.csv", content)},
                           format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["counts"] == {"by_reference": 1, "auto": 0, "review": 0, "host_only": 0, "errors": 0}
    again = client.post("/api/v1/exchange/responses/", {"file": SimpleUploadedFile("ответ.csv", content)},
                        format="multipart")
    assert again.status_code == 200 and again.json()["already_imported"] is True
    other = client.post("/api/v1/exchange/responses/", {"file": SimpleUploadedFile("x.csv", content),
                                                         "partner": "UA-MOD"}, format="multipart")
    assert other.status_code == 403
    assert APIClient().post("/api/v1/exchange/responses/", {}, format="multipart").status_code == 401


def test_a_report_received_in_the_future_is_refused_as_on_the_officer_form(api, cases):
    url = f"/api/v1/cases/{cases[0].reference}/reports/"
    response = api.post(url, {"source_type": "family", "received_on": "2099-01-01"}, format="json")
    assert response.status_code == 400
    assert "2099-01-01 is after the report was recorded" in response.json()["error"]["message"]
    assert not cases[0].reports.exists()


def test_a_method_an_endpoint_does_not_have_is_405_not_a_role_problem(api, cases):
    response = api.delete(f"/api/v1/cases/{cases[0].reference}/")
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405
