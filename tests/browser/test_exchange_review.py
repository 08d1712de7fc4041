"""A reviewer clears the review queue with the keyboard: accept one row, reject the next with a reason."""

from __future__ import annotations

import re

import pytest

from homeward.accounts.models import Office, Partner, User
from homeward.exchange import services
from homeward.exchange.models import ResponseRow
from homeward.registry import services as registry
from homeward.registry.models import Case, CaseEvent
from tabular import PartialDate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
NAMES = ["Harpreet Singh", "Ravi Kumar", "Sunil Verma", "Manoj Yadav", "Amit Sharma"]
CYRILLIC = ["ХАРПРИТ СИНХ", "РАВИ КУМААР", "СУНИЛ ВЕРМА", "МАНОДЖ ЯДАВ", "АМИТ ШАРМА"]


@pytest.fixture
def queue(db):
    office = Office.objects.create(code="in-moscow", name="Embassy of India, Moscow", country="IN")
    User.objects.create_user("reviewer", password=PASSWORD, role=User.Role.MISSION_OFFICER, country="IN", office=office)
    partner = Partner.objects.create(code="RU-MOD", name="Ministry of Defence", country="RU")
    for n, name in enumerate(NAMES):
        registry.create_case(
            person=registry.PersonInput(names=[registry.NameInput(full_name=name)],
                                        date_of_birth=PartialDate(1990 + n, 3, 10 + n)),
            origin_country="IN", host_country="RU", reported_on=PartialDate(2024, 3, 1), office=office,
            report=registry.ReportInput(source_type="family", received_on=PartialDate(2024, 3, 1).first_day,
                                        consent_to_share=True))
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    # Their list gives names only (no dates, no passports): the engine is unsure, so every row is reviewed.
    lines = ["ФИО;Статус;Воинская часть"] + [f"{name};в строю;в/ч 1234{n}" for n, name in enumerate(CYRILLIC)]
    services.set_thresholds(partner, auto=0.999999, review=0.01)
    result = services.import_response(partner=partner, content="\n".join(lines).encode("cp1251"), file_name="otvet.csv")
    assert result.counts["review"] >= 2, result.counts
    return result.response


def test_review_queue_by_keyboard(page, queue):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/$|/$"))
    page.goto(f"/exchange/responses/{queue.pk}/review/")
    items = page.locator(".review-item")
    before = items.count()
    first = int(items.nth(0).get_attribute("id").split("-")[1])
    second = int(items.nth(1).get_attribute("id").split("-")[1])
    assert "current" in items.nth(0).get_attribute("class")
    with page.expect_navigation():
        page.keyboard.press("a")  # accept the first row
    assert page.locator(".message.success").count() == 1
    assert ResponseRow.objects.get(pk=first).decision == "accepted"
    assert CaseEvent.objects.filter(details__row=ResponseRow.objects.get(pk=first).number).exists()
    assert page.locator(".review-item").count() == before - 1
    page.keyboard.press("r")  # focus the reason of the (now first) row
    page.keyboard.type("different father's name")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    row = ResponseRow.objects.get(pk=second)
    assert row.decision == "rejected" and row.reason == "different father's name"
    page.keyboard.press("j")
    assert "current" in page.locator(".review-item").nth(1).get_attribute("class")
    assert not page.server_errors, page.server_errors
