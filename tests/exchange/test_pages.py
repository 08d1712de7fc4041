import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from homeward.accounts.models import User
from homeward.audit.models import AuditEntry
from homeward.exchange import services
from homeward.exchange.models import Discrepancy, RequestExport, ResponseRow, StatusWord
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, CaseEvent

from .conftest import as_cp1251_csv, as_xlsx_with_title, response_rows


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def upload(client, partner, content, name="otvet.csv"):
    return client.post(reverse("exchange:import"), {"partner": partner.pk,
                                                    "file": SimpleUploadedFile(name, content)})


def test_export_from_the_page_downloads_the_list_and_records_it(signed_in, registry60, partner, officer):
    response = signed_in.post(reverse("exchange:export"), {"partner": partner.pk, "ask": "discharge",
                                                           "status": "reported", "file_format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 54
    assert RequestExport.objects.get().created_by == officer


def test_import_review_accept_and_reject_from_the_pages(signed_in, registry60, partner):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    rows = response_rows(list(Case.objects.order_by("reference")[:40]))
    for r in rows:
        r["наш номер"] = ""
    response = upload(signed_in, partner, as_xlsx_with_title(rows), "otvet.xlsx")
    assert response.status_code == 302
    page = signed_in.get(response["Location"])
    assert page.status_code == 200 and "otvet.xlsx" in page.content.decode()
    imported = page.context["response"]
    review = signed_in.get(reverse("exchange:review", args=[imported.pk]))
    html = review.content.decode()
    items = review.context["items"]
    assert items and "review.js" in html and "Their row" in html
    first, second = items[0][0], items[1][0]
    assert first.full_name in html and first.case.reference in html
    # the engine's reasons, in the page's language
    assert "exact (+" in html
    hindi = signed_in.get(reverse("exchange:review", args=[imported.pk]), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "पूरी तरह मेल (+" in hindi and "exact (+" not in hindi
    signed_in.post(reverse("exchange:decide", args=[first.pk]), {"decision": "accepted"})
    first.refresh_from_db()
    assert first.decision == "accepted"
    assert CaseEvent.objects.filter(case=first.case, details__row=first.number, source__startswith="RU-MOD").exists()
    signed_in.post(reverse("exchange:decide", args=[second.pk]), {"decision": "rejected", "reason": ""})
    second.refresh_from_db()
    assert second.decision == "pending"  # a rejection needs a reason
    signed_in.post(reverse("exchange:decide", args=[second.pk]), {"decision": "rejected", "reason": "other village"})
    second.refresh_from_db()
    assert second.decision == "rejected" and second.reason == "other village"
    assert AuditEntry.objects.filter(target_type="exchange.responserow", target_id=str(second.pk)).exists()


def test_a_bad_file_is_refused_with_the_row_named(signed_in, registry60, partner):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    rows = response_rows(list(Case.objects.order_by("reference")[:10]))
    rows[2]["Статус"] = "откомандирован"
    response = upload(signed_in, partner, as_cp1251_csv(rows))
    page = signed_in.get(response["Location"])
    assert 'unknown status word &quot;откомандирован&quot;' in page.content.decode()
    assert not ResponseRow.objects.exists()


def test_administrator_extends_the_vocabulary_and_adds_partners(client, db, registry60, partner):
    admin = User.objects.create_user("admin", role=User.Role.ADMINISTRATOR)
    client.force_login(admin)
    client.post(reverse("exchange:partners"), {"action": "word", "word": "Откомандирован", "event": "identified",
                                               "partner": partner.pk, "note": "seconded"})
    assert StatusWord.objects.get(word="откомандирован").partner == partner
    client.post(reverse("exchange:partners"), {"action": "partner", "code": "BY-MOD", "name": "Ministry of Defence",
                                               "country": "BY", "language": "ru"})
    client.post(reverse("exchange:partners"), {"action": "thresholds", "partner": "BY-MOD", "auto": "0.9",
                                               "review": "0.4"})
    page = client.get(reverse("exchange:partners")).content.decode()
    assert "BY-MOD" in page and "0.9" in page and "откомандирован" in page
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    rows = response_rows(list(Case.objects.order_by("reference")[:10]))
    rows[2]["Статус"] = "откомандирован"
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="x.csv")
    assert result.counts["errors"] == 0
    assert "seconded" in ResponseRow.objects.get(number=4).note


@pytest.mark.parametrize("language, title, link_column", [
    ("hi", "साझेदार एजेंसियों के साथ आदान-प्रदान", "कैसे जुड़ा"),
    ("ne", "साझेदार निकायहरूसँग आदानप्रदान", "कसरी जोडियो"),
    ("ru", "Обмен с ведомствами-партнёрами", "Связь")])
def test_exchange_pages_in_each_language(signed_in, registry60, partner, language, title, link_column):
    overview = signed_in.get(reverse("exchange:overview"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in overview and f"<h1>{title}</h1>" in overview
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    rows = response_rows(list(Case.objects.order_by("reference")[:5]))
    response = upload(signed_in, partner, as_xlsx_with_title(rows), "otvet.xlsx")
    page = signed_in.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # "Link" is a web address on the statements page ("Ссылка"); here it is how a row was linked to a case.
    assert f"<th>{link_column}</th>" in page


def test_partners_page_in_russian_names_agencies_not_people(client, db, partner):
    client.force_login(User.objects.create_user("admin", role=User.Role.ADMINISTRATOR))
    page = client.get(reverse("exchange:partners"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<th>Название</th>" in page and "<th>Имя</th>" not in page


def test_officers_only(client, db, partner):
    for role in (User.Role.ANALYST, User.Role.HOST_LIAISON):
        client.force_login(User.objects.create_user(role, role=role, partner=partner))
        assert client.get(reverse("exchange:overview")).status_code == 403
        assert client.get(reverse("exchange:reconciliation")).status_code == 403
    client.force_login(User.objects.create_user("hq2", role=User.Role.HQ_OFFICER, country="IN"))
    assert client.get(reverse("exchange:partners")).status_code == 403


def test_reconciliation_case_panel_and_recheck_list(signed_in, registry60, partner):
    cases = [c for c in Case.objects.order_by("reference") if c.reports.filter(consent_to_share=True).exists()]
    services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk__in=[c.pk for c in cases[:12]]))
    rows = response_rows(cases[:6])
    for r, case in zip(rows[:6], cases):
        r["наш номер"] = case.reference
    rows[3]["Статус"] = "уволен"
    services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="a.csv")
    page = signed_in.get(reverse("exchange:reconciliation"), {"partner": "RU-MOD"})
    html = page.content.decode()
    assert page.status_code == 200
    ours_only = Discrepancy.objects.filter(kind="ours_only")
    assert ours_only.count() == 6 and all(d.case.reference in html for d in ours_only)
    summary = page.context["summaries"][0]["responses"][0]
    assert summary["matched"] == 6 and summary["ours_only"] == 6 and summary["host_only"] == 1
    # The case page shows the discrepancy, and the skipped steps of a jump (reported -> discharged, never identified).
    case_page = signed_in.get(reverse("registry:case_detail", args=[cases[6].reference])).content.decode()
    assert "ours only" in case_page and "exchange-panel" in case_page
    jumped = signed_in.get(reverse("registry:case_detail", args=[cases[3].reference])).content.decode()
    assert Case.objects.get(pk=cases[3].pk).status == Event.DISCHARGED
    assert "Steps the partner skipped" in jumped and "identified: unknown" in jumped
    # Resolving needs a note; then the re-check list holds only the still-open ones.
    item = ours_only.first()
    signed_in.post(reverse("exchange:discrepancy", args=[item.pk]), {"state": "resolved", "note": ""})
    item.refresh_from_db()
    assert item.state == "open"
    signed_in.post(reverse("exchange:discrepancy", args=[item.pk]), {"state": "resolved", "note": "family says home",
                                                                     "take": "on"})
    item.refresh_from_db()
    assert item.state == "resolved" and item.owner is not None
    response = signed_in.post(reverse("exchange:recheck", args=["RU-MOD"]))
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(sheet) == 2 + 5 and "повторно проверить" in sheet[2][5]
    assert Discrepancy.objects.filter(kind="ours_only", state="asked_again").count() == 5


def test_a_host_only_row_becomes_a_new_case_and_names_are_escaped(signed_in, registry60, partner, officer):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    rows = response_rows(list(Case.objects.order_by("reference")[:9]))
    rows[-1]["ФИО"] = "<script>alert(1)</script> БРАР"
    # Imported by the Indian officer: the row, without a citizenship, is shown to India's officers.
    services.import_response(partner=partner, content=as_xlsx_with_title(rows), file_name="h.xlsx", by=officer)
    item = Discrepancy.objects.get(kind="host_only")
    html = signed_in.get(reverse("exchange:reconciliation")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    response = signed_in.post(reverse("exchange:new_case", args=[item.pk]))
    case = Case.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert case.person.names.get().full_name.endswith("БРАР") and case.military_unit == "в/ч 01234"
    assert case.status == Event.IDENTIFIED and not case.reports.get().consent_to_share
    item.refresh_from_db()
    assert item.state == "resolved" and item.case == case
