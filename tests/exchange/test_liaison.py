"""The host agency's liaison: only the cases it was asked about, only the columns it was sent."""

import pytest
from django.urls import reverse

from homeward.accounts.models import User
from homeward.audit.models import AuditEntry
from homeward.exchange import services
from homeward.exchange.models import Discrepancy

from .conftest import as_cp1251_csv, response_rows


@pytest.fixture
def liaison(partner):
    return User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner)


@pytest.fixture
def sent(registry60, partner, officer):
    from homeward.registry.models import Case

    asked = Case.objects.filter(pk__in=[c.pk for c in registry60[:20]])
    services.export_request(partner=partner, ask="identify", cases=asked, by=officer)
    return [c for c in registry60[:20] if c.reports.filter(consent_to_share=True).exists()]


def test_liaison_sees_only_the_cases_and_columns_that_were_sent(client, liaison, sent, registry60):
    client.force_login(liaison)
    response = client.get(reverse("exchange:liaison_cases"))
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="ru"' in html and "Запросы посольства" in html
    shown = [item["case"].reference for item in response.context["sent"]]
    assert shown == sorted(c.reference for c in sent)
    assert registry60[30].reference not in html           # never asked about
    assert "+91 97" not in html and "Mother of" not in html  # reporter contact and name were never sent
    assert AuditEntry.objects.filter(user=liaison, action="view", target_id=str(sent[0].pk)).exists()
    assert client.get(reverse("registry:case_detail", args=[sent[0].reference])).status_code == 403
    assert client.get(reverse("exchange:overview")).status_code == 403


def test_liaison_uploads_an_answer_linked_only_within_what_was_asked(client, liaison, partner, sent):
    client.force_login(liaison)
    content = as_cp1251_csv(response_rows(sent))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ответ.csv", content, content_type="text/csv")
    response = client.post(reverse("exchange:liaison_upload"), {"file": upload}, follow=True)
    assert "Посольство их рассмотрит" in response.content.decode()  # the liaison works in Russian
    imported = partner.responses.get()
    assert imported.imported_by == liaison
    linked = {row.case_id for row in imported.response_rows.exclude(case=None)}
    assert linked <= {c.pk for c in sent}


def test_liaison_answers_a_discrepancy_and_an_officer_still_resolves_it(client, liaison, partner, sent):
    item = Discrepancy.objects.create(partner=partner, case=sent[0], kind=Discrepancy.Kind.CONFLICT,
                                      summary="we: discharged; they: в строю", opened_at=sent[0].created_at,
                                      updated_at=sent[0].created_at)
    client.force_login(liaison)
    page = client.get(reverse("exchange:liaison_discrepancies"))
    assert [i.pk for i, _age, _answers in page.context["items"]] == [item.pk]
    client.post(reverse("exchange:liaison_answer", args=[item.pk]), {"answer": "Уволен 01.09.2024, приказ 123"})
    item.refresh_from_db()
    answer = item.entries.get()
    assert item.state == Discrepancy.State.ANSWERED and "приказ 123" in answer.text
    assert (answer.partner, answer.author, answer.for_partner) == (partner, liaison, True)


def test_liaison_home_lands_on_the_requests(client, liaison):
    client.force_login(liaison)
    response = client.get(reverse("registry:home"))
    assert response.status_code == 302 and response["Location"] == reverse("exchange:liaison_cases")


def test_a_retracted_request_no_longer_shows_the_case_to_the_liaison(liaison, partner, sent, officer):
    from homeward.access import visible_cases
    from homeward.registry import services as registry
    from homeward.registry.lifecycle import Event
    from homeward.registry.models import CaseEvent

    request = CaseEvent.objects.get(case=sent[0], kind=Event.REQUEST_SENT, source=partner.code)
    registry.retract_event(event=request, note="the list never went out: wrong partner", recorded_by=officer)
    visible = set(visible_cases(liaison))
    assert sent[0] not in visible and sent[1] in visible
    shown = [item["case"] for item in services.sent_to_partner(partner, visible_cases(liaison))]
    assert sent[0] not in shown and sent[1] in shown


def test_a_settled_question_takes_no_more_answers(client, liaison, partner, sent, officer):
    item = Discrepancy.objects.create(partner=partner, case=sent[0], kind=Discrepancy.Kind.CONFLICT,
                                      summary="we: discharged; they: в строю", opened_at=sent[0].created_at,
                                      updated_at=sent[0].created_at)
    services.update_discrepancy(item, state=Discrepancy.State.RESOLVED, note="order 123 seen; discharged", by=officer)
    with pytest.raises(services.ExchangeError, match="already settled"):
        services.answer_discrepancy(item, answer="в строю", by=liaison)
    client.force_login(liaison)
    page = client.post(reverse("exchange:liaison_answer", args=[item.pk]), {"answer": "в строю"}, follow=True)
    assert "этот вопрос уже закрыт" in page.content.decode()  # the liaison reads Russian
    item.refresh_from_db()
    assert item.state == Discrepancy.State.RESOLVED
    assert [e.text for e in item.entries.all()] == ["order 123 seen; discharged"]


def test_the_liaison_sees_its_own_answers_not_the_officers_notes(client, liaison, partner, sent, officer):
    item = Discrepancy.objects.create(partner=partner, case=sent[0], kind=Discrepancy.Kind.CONFLICT,
                                      summary="we: discharged; they: в строю", opened_at=sent[0].created_at,
                                      updated_at=sent[0].created_at)
    services.update_discrepancy(item, state=Discrepancy.State.OPEN, note="mother says he called from Rostov on 3 May",
                                by=officer)
    client.force_login(liaison)
    page = client.get(reverse("exchange:liaison_discrepancies")).content.decode()
    assert "Rostov" not in page
    services.answer_discrepancy(item, answer="Уволен 01.09.2024,\nприказ 123", by=liaison)
    page = client.get(reverse("exchange:liaison_discrepancies")).content.decode()
    assert "Rostov" not in page and "Уволен 01.09.2024" in page and "приказ 123" in page
    assert [e.text for e in item.entries.all()] == ["mother says he called from Rostov on 3 May",
                                                    "Уволен 01.09.2024,\nприказ 123"]  # the officers still have their note


def test_the_liaison_sees_the_row_as_it_was_sent_not_our_record_as_it_is_now(liaison, partner, sent, officer):
    from homeward import crypto
    from homeward.access import visible_cases
    from homeward.exchange.models import RequestExport
    from homeward.registry.identifiers import index_of

    def row_of(case):
        return next(item["values"] for item in services.sent_to_partner(partner, visible_cases(liaison))
                    if item["case"] == case)

    case = sent[0]
    before = row_of(case)
    passport = case.person.identifiers.get(kind="passport")   # our record learns a new passport number
    type(passport).objects.filter(pk=passport.pk).update(ciphertext=crypto.encrypt("Z9999999"),
                                                         blind_index=index_of("passport", "Z9999999"))
    assert row_of(case) == before and "Z9999999" not in row_of(case)
    assert case.reference not in RequestExport.objects.get().sent_rows_ciphertext   # kept encrypted
