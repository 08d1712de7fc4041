"""Intake in a real browser: a family's report and status page; an officer's upload, preview and commit."""

from __future__ import annotations

import pytest

from homeward.accounts.models import Office, User
from homeward.intake import duplicates
from homeward.registry import services
from homeward.registry.models import Case
from tabular import PartialDate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.HOMEWARD_NOTIFIER = "homeward.intake.notify.FileNotifier"
    duplicates.REGISTRY.reset()
    yield
    duplicates.REGISTRY.reset()


def test_family_reports_and_then_sees_the_status(page):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/intake/report/")
    page.fill("#id_full_name", "Harpreet Singh")
    page.fill("#id_other_names", "हरप्रीत सिंह")
    page.fill("#id_date_of_birth", "1998")
    page.select_option("#id_origin_country", "IN")
    page.fill("#id_home_state", "Punjab")
    page.fill("#id_agent_name", "Rakesh")
    page.fill("#id_promised", "helper job")
    page.fill("#id_reporter_name", "Kuldeep Kaur")
    page.fill("#id_relation", "mother")
    page.fill("#id_reporter_phone", "+91 98140 00002")
    page.check("#id_consent_to_share")
    page.click("#family-report button[type=submit]")
    reference = page.inner_text("#reference").strip()
    passcode = page.inner_text("#passcode").strip()
    case = Case.objects.get(reference=reference)
    assert case.reports.get().consent_to_share

    page.click("text=See the status of your case")
    page.fill("#id_reference", reference)
    page.fill("#id_passcode", "WRONG-WRONG-XX")
    page.click("#status-lookup button[type=submit]")
    assert page.locator("text=do not match").is_visible()
    page.fill("#id_reference", reference)
    page.fill("#id_passcode", passcode)
    page.click("#status-lookup button[type=submit]")
    assert "We have received your report" in page.inner_text("#family-status")
    assert page.inner_text("#last-update") == case.events.get().recorded_at.date().isoformat()
    page.fill("#id_text", "He called again on 2 October.")
    page.fill("#more-information #id_reporter_name", "Kuldeep Kaur")
    page.fill("#more-information #id_relation", "mother")
    page.click("#more-information button[type=submit]")
    assert page.locator("text=Your information has been added").is_visible()
    assert case.reports.count() == 2
    assert page.server_errors == []


def test_officer_uploads_previews_and_commits(page, tmp_path):
    office = Office.objects.create(code="in-delhi", name="MEA, New Delhi", country="IN")
    User.objects.create_user("hq", password=PASSWORD, role=User.Role.HQ_OFFICER, country="IN", office=office)
    existing = services.create_case(
        person=services.PersonInput(names=[services.NameInput(full_name="Harpreet Singh")],
                                    date_of_birth=PartialDate(1998, 3, 14), passport_number="Z1234567"),
        origin_country="IN", host_country="RU", reported_on=PartialDate(2024, 3, 1), office=office)
    register = tmp_path / "register.csv"
    register.write_text("ФИО;Дата рождения;Номер паспорта\nRavi Kumar;01.02.1990;\n"
                        "Harpreet Singh;14.03.1998;Z1234567\nMohan Lal;31.02.2024;\n", encoding="utf-8")
    page.goto("/accounts/login/")
    page.fill("#id_username", "hq")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/intake/upload/")
    page.set_input_files("#id_file", str(register))
    page.click("#upload-form button[type=submit]")
    assert "3 rows" in page.inner_text("#summary")
    table = page.inner_text("#outcomes")
    assert "new case" in table and "attach to existing case" in table and existing.reference in table
    assert "February 2024 has 29 days" in table
    assert Case.objects.count() == 1  # nothing written by the preview
    page.click("#commit-form button[type=submit]")
    assert page.locator("text=fix them, or choose to leave them out").is_visible()
    page.check("input[name=leave_out_rejected]")
    page.click("#commit-form button[type=submit]")
    assert page.locator("#committed").is_visible()
    assert Case.objects.count() == 2 and existing.reports.count() == 1
    with page.expect_download() as download:
        page.click("#rejected-link")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert page.server_errors == []


def test_officer_sees_possible_existing_cases_while_typing(page):
    office = Office.objects.create(code="in-delhi", name="MEA, New Delhi", country="IN")
    User.objects.create_user("hq", password=PASSWORD, role=User.Role.HQ_OFFICER, country="IN", office=office)
    existing = services.create_case(
        person=services.PersonInput(names=[services.NameInput(full_name="Harpreet Singh")],
                                    date_of_birth=PartialDate(1998, 3, 14)),
        origin_country="IN", host_country="RU", reported_on=PartialDate(2024, 3, 1), office=office)
    page.goto("/accounts/login/")
    page.fill("#id_username", "hq")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/intake/new/")
    page.fill("#id_full_name", "Harprit Singh")
    page.fill("#id_date_of_birth", "14.03.1998")
    candidate = page.locator("#candidates .candidate").first
    candidate.wait_for()
    assert existing.reference in candidate.inner_text() and "date of birth: exact (+" in candidate.inner_text()
    candidate.locator("button").click()
    assert page.input_value("#attach_to") == existing.reference
    page.fill("#id_reporter_name", "Office of an MP")
    page.click("#officer-report button[type=submit]")
    page.wait_for_url(f"**/cases/{existing.reference}/")
    assert existing.reports.count() == 1 and Case.objects.count() == 1
    assert page.server_errors == []
