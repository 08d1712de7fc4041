import pytest
from django.urls import reverse

from homeward.accounts.models import User
from homeward.registry.models import Case

from ..conftest import at, day


@pytest.fixture
def cases(make_case):
    return [
        make_case("Harpreet Singh", extra_names=["СИНГХ ХАРПРИТ", "हरप्रीत सिंह"], home_state="Punjab"),
        make_case("Ravi Kumar", extra_names=["КУМАР РАВИ"], home_state="Haryana"),
        make_case("Bikash Gurung", origin="NP", home_state="Gandaki"),
    ]


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_pages_need_a_login(client, db):
    response = client.get(reverse("registry:case_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_page_works(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    assert response.status_code == 302


@pytest.mark.parametrize("query, expected", [
    ("Харп", ["Harpreet Singh"]),
    ("हरप्रीत", ["Harpreet Singh"]),
    ("harpreet", ["Harpreet Singh"]),
    ("кумар", ["Ravi Kumar"]),
    ("IN-2024-00002", ["Ravi Kumar"]),
    ("", ["Harpreet Singh", "Ravi Kumar"]),
])
def test_case_list_searches_names_in_any_script_and_references(signed_in, cases, query, expected):
    response = signed_in.get(reverse("registry:case_list"), {"q": query})
    assert response.status_code == 200
    shown = [c.person.names.first().full_name for c in response.context["page"]]
    assert shown == expected  # the Nepali case is outside an Indian HQ officer's scope


def test_case_list_filters_by_status_and_state(signed_in, cases):
    response = signed_in.get(reverse("registry:case_list"), {"state": "Haryana", "status": "reported"})
    assert [c.reference for c in response.context["page"]] == [cases[1].reference]


def test_case_page_shows_person_reports_and_timeline(signed_in, cases):
    response = signed_in.get(reverse("registry:case_detail", args=[cases[0].reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "СИНГХ ХАРПРИТ" in html and "हरप्रीत सिंह" in html and "Punjab" in html
    offered = [value for value, _ in response.context["event_form"].fields["kind"].choices]
    assert "identified" in offered and "returned_home" not in offered


def test_out_of_scope_case_is_not_found(signed_in, cases):
    assert signed_in.get(reverse("registry:case_detail", args=[cases[2].reference])).status_code == 404


def test_adding_an_event_through_the_form(signed_in, cases):
    url = reverse("registry:add_event", args=[cases[0].reference])
    response = signed_in.post(url, {"kind": "identified", "occurred_on": "10.04.2024", "source": "host ministry"},
                              follow=True)
    assert "Recorded" in response.content.decode()
    case = Case.objects.get(pk=cases[0].pk)
    assert case.status == "identified"
    assert case.events.latest("id").occurred_on == "2024-04-10"


@pytest.mark.parametrize("data, message", [
    ({"kind": "returned_home", "occurred_on": "2024-04-10"}, "Select a valid choice"),
    ({"kind": "identified", "occurred_on": "31.02.2024"}, "February 2024 has 29 days"),
    ({"kind": "identified", "occurred_on": "2099-01-01"}, "in the future"),
])
def test_bad_events_are_refused_with_a_message(signed_in, cases, data, message):
    url = reverse("registry:add_event", args=[cases[0].reference])
    response = signed_in.post(url, data, follow=True)
    assert message in response.content.decode()
    assert Case.objects.get(pk=cases[0].pk).events.count() == 1


def test_a_correction_through_the_form(signed_in, cases):
    url = reverse("registry:add_event", args=[cases[0].reference])
    signed_in.post(url, {"correction-kind": "killed", "correction-occurred_on": "2024-03",
                         "correction-note": "host letter"})
    assert Case.objects.get(pk=cases[0].pk).status == "killed"


def test_names_are_escaped(signed_in, make_case):
    case = make_case("<script>alert(1)</script> Singh")
    html = signed_in.get(reverse("registry:case_detail", args=[case.reference])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_figures_page_compares_then_and_now(signed_in, cases):
    from homeward.registry import services
    services.record_event(case=cases[0], kind="identified", occurred_on=day("2024-04-01"), recorded_at=at("2024-04-02"))
    services.record_correction(case=cases[0], kind="killed", occurred_on=day("2024-04-01"), note="late news")
    response = signed_in.get(reverse("registry:figures"), {"on": "2024-05-01", "known_at": "2024-05-01"})
    assert response.status_code == 200
    assert response.context["then_counts"]["killed"] == 0
    assert response.context["now_counts"]["killed"] == 1
    assert [c.reference for c in response.context["changes"]] == [cases[0].reference]
    assert set(response.context["by_origin"]) == {"IN"}  # scoped to the officer's country


def test_analysts_see_figures_but_no_person(client, cases):
    analyst = User.objects.create_user("analyst", password="x" * 12, role=User.Role.ANALYST)
    client.force_login(analyst)
    assert client.get(reverse("registry:case_list")).status_code == 403
    assert client.get(reverse("registry:case_detail", args=[cases[0].reference])).status_code == 403
    response = client.get(reverse("registry:figures"), {"on": "2024-05-01", "known_at": "2024-03-01"})
    assert response.status_code == 200
    # three cases: a small cell, shown to an analyst only as "<5"
    assert response.context["now_counts"]["known"] == "<5"
    assert response.context["changes"] == [] and response.context["change_reasons"] == {"learned later": "<5"}
    assert cases[0].reference not in response.content.decode()
