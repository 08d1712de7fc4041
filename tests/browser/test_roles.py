"""Each role in a real browser: what it can see, and what it cannot."""

from __future__ import annotations

import pytest

from homeward.accounts.models import Office, Partner, User
from homeward.registry import services
from homeward.registry.lifecycle import Event
from tabular import PartialDate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def world(db):
    moscow = Office.objects.create(code="in-moscow", name="Embassy of India, Moscow", country="IN")
    delhi = Office.objects.create(code="in-delhi", name="MEA, New Delhi", country="IN")
    partner = Partner.objects.create(code="RU-MOD", name="Министерство обороны", country="RU", language="ru")

    def case(name, office, passport):
        return services.create_case(
            person=services.PersonInput(names=[services.NameInput(full_name=name)], passport_number=passport),
            origin_country="IN", host_country="RU", reported_on=PartialDate(2024, 3, 1), office=office)

    at_moscow = case("Ravi Kumar", moscow, "K1234567")
    at_delhi = case("Amit Yadav", delhi, "L7654321")
    services.record_event(case=at_moscow, kind=Event.REQUEST_SENT, occurred_on=PartialDate(2024, 3, 5),
                          source=partner.code)
    for username, role, extra in (
        ("hq", User.Role.HQ_OFFICER, {"country": "IN", "office": delhi}),
        ("mission", User.Role.MISSION_OFFICER, {"country": "IN", "office": moscow}),
        ("liaison", User.Role.HOST_LIAISON, {"partner": partner}),
        ("analyst", User.Role.ANALYST, {}),
        ("admin", User.Role.ADMINISTRATOR, {"is_staff": True}),
    ):
        User.objects.create_user(username, password=PASSWORD, role=role, **extra)
    return {"moscow": at_moscow, "delhi": at_delhi}


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def status_of(page, path):
    return page.goto(path).status


def test_hq_officer_sees_every_case_of_the_country_masked(page, world):
    sign_in(page, "hq")
    page.goto("/cases/")
    assert page.locator("table.cases tbody tr").count() == 2
    page.click(f"text={world['moscow'].reference}")
    assert page.locator("text=••••4567").is_visible()
    assert "K1234567" not in page.content()
    assert page.locator("text=Who looked at this case").is_visible()
    assert not page.server_errors


def test_mission_officer_sees_only_the_office_cases(page, world):
    sign_in(page, "mission")
    page.goto("/cases/")
    assert page.locator("table.cases tbody tr").count() == 1
    assert world["delhi"].reference not in page.content()
    assert status_of(page, f"/cases/{world['delhi'].reference}/") == 404
    assert page.locator("text=Who looked at this case").count() == 0


def test_analyst_sees_suppressed_figures_and_no_person(page, world):
    sign_in(page, "analyst")
    assert page.url.endswith("/figures/")  # where an analyst lands after signing in
    page.goto("/figures/?on=2024-06-01")
    assert "&lt;5" in page.content() or "<5" in page.inner_text("#figures")
    assert "Ravi" not in page.content()
    assert status_of(page, "/cases/") == 403
    assert status_of(page, f"/cases/{world['moscow'].reference}/") == 403


def test_host_liaison_works_in_russian_and_sees_no_registry(page, world):
    sign_in(page, "liaison")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert status_of(page, "/cases/") == 403
    assert status_of(page, "/figures/") == 403
    assert status_of(page, "/audit/") == 403


def test_administrator_reads_the_audit_log(page, world):
    sign_in(page, "hq")
    page.goto(f"/cases/{world['moscow'].reference}/")
    page.context.clear_cookies()
    sign_in(page, "admin")
    page.goto("/audit/?user=hq&action=view")
    assert page.locator("table.audit tbody tr").count() >= 1
    assert world["moscow"].reference in page.inner_text("table.audit")
    assert not page.server_errors
