"""A discrepancy's notes are a thread: nothing written is replaced, and the partner reads only what is meant for it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from homeward.accounts.models import User
from homeward.appendonly import AppendOnlyError
from homeward.audit.models import AuditEntry
from homeward.exchange import selectors, services
from homeward.exchange.models import Discrepancy, DiscrepancyEntry, ResponseRow
from homeward.registry.models import Case

from .conftest import as_cp1251_csv, response_rows


@pytest.fixture
def liaison(partner):
    return User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner)


@pytest.fixture
def asked(registry60, partner, officer):
    cases = [c for c in registry60[:12] if c.reports.filter(consent_to_share=True).exists()]
    services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk__in=[c.pk for c in cases]),
                            by=officer)
    return cases


@pytest.fixture
def conflict(asked, partner):
    case = asked[0]
    return Discrepancy.objects.create(partner=partner, case=case, kind=Discrepancy.Kind.CONFLICT,
                                      summary="we: discharged; they: в строю", opened_at=case.created_at,
                                      updated_at=case.created_at)


def texts(item):
    return [(e.text, e.for_partner) for e in selectors.thread(item)]


def test_an_officers_note_after_an_answer_keeps_the_answer(conflict, liaison, officer):
    services.update_discrepancy(conflict, state=Discrepancy.State.OPEN, note="mother says he called from Rostov",
                                by=officer)
    services.answer_discrepancy(conflict, answer="Уволен 01.09.2024, приказ 123", by=liaison)
    services.update_discrepancy(conflict, state=Discrepancy.State.OPEN, note="asked the ministry for order 123",
                                by=officer)
    assert texts(conflict) == [("mother says he called from Rostov", False),
                               ("Уволен 01.09.2024, приказ 123", True),
                               ("asked the ministry for order 123", False)]
    first, answer, last = selectors.thread(conflict)
    assert (first.author, first.role, first.partner) == (officer, User.Role.HQ_OFFICER, None)
    assert (answer.author, answer.role, answer.partner) == (liaison, User.Role.HOST_LIAISON, conflict.partner)
    assert first.at <= answer.at <= last.at
    # each note is audited with the change it came with
    changes = [a.changes["after"] for a in AuditEntry.objects.filter(
        target_type="exchange.discrepancy", target_id=str(conflict.pk)).order_by("at", "id")]
    assert [c.get("note") for c in changes] == [t for t, _shared in texts(conflict)]
    assert [c["state"] for c in changes] == ["open", "answered", "open"]


def test_the_liaison_reads_its_answers_and_the_replies_meant_for_it_only(client, conflict, liaison, officer):
    services.update_discrepancy(conflict, state=Discrepancy.State.OPEN, note="mother says he called from Rostov",
                                by=officer)
    services.answer_discrepancy(conflict, answer="Уволен 01.09.2024,\nприказ 123", by=liaison)
    services.update_discrepancy(conflict, state=Discrepancy.State.ASKED_AGAIN, by=officer, to_partner=True,
                                note="Просим прислать копию приказа 123")
    services.update_discrepancy(conflict, state=Discrepancy.State.ASKED_AGAIN, note="internal: order looks forged",
                                by=officer)
    client.force_login(liaison)
    page = client.get(reverse("exchange:liaison_discrepancies"))
    html = page.content.decode()
    assert "Rostov" not in html and "forged" not in html
    assert "Уволен 01.09.2024,<br>приказ 123" in html and "Просим прислать копию приказа 123" in html
    assert "ваш ответ" in html and "ответ посольства" in html   # whose each entry is, in Russian
    (_item, _age, shown), = page.context["items"]
    assert [e.text for e in shown] == ["Уволен 01.09.2024,\nприказ 123", "Просим прислать копию приказа 123"]


def test_officers_see_the_whole_thread_on_reconciliation_and_the_case_page(client, conflict, liaison, officer):
    services.update_discrepancy(conflict, state=Discrepancy.State.OPEN, note="mother says he called from Rostov",
                                by=officer)
    services.answer_discrepancy(conflict, answer="Уволен 01.09.2024, приказ 123", by=liaison)
    services.update_discrepancy(conflict, state=Discrepancy.State.OPEN, by=officer, to_partner=True,
                                note="Просим копию приказа")
    client.force_login(officer)
    for url in (reverse("exchange:reconciliation"), reverse("registry:case_detail", args=[conflict.case.reference])):
        html = client.get(url).content.decode()
        assert "Rostov" in html and "приказ 123" in html and "Просим копию приказа" in html
        assert "internal" in html and "from the partner" in html and "reply to the partner" in html


def test_an_officer_replies_to_the_partner_from_the_page(client, conflict, liaison, officer):
    client.force_login(officer)
    client.post(reverse("exchange:discrepancy", args=[conflict.pk]),
                {"state": "asked_again", "note": "Просим копию приказа", "to_partner": "on"})
    client.post(reverse("exchange:discrepancy", args=[conflict.pk]), {"state": "asked_again", "note": "only ours"})
    assert texts(conflict) == [("Просим копию приказа", True), ("only ours", False)]


def test_a_reply_must_be_able_to_reach_the_partner(asked, partner, officer, registry60):
    never_asked = Discrepancy.objects.create(partner=partner, case=registry60[40], kind=Discrepancy.Kind.CONFLICT,
                                             summary="x", opened_at=registry60[40].created_at,
                                             updated_at=registry60[40].created_at)
    no_case = Discrepancy.objects.create(partner=partner, kind=Discrepancy.Kind.HOST_ONLY, summary="row 3",
                                         opened_at=registry60[40].created_at, updated_at=registry60[40].created_at)
    for item in (never_asked, no_case):
        with pytest.raises(services.ExchangeError, match="does not see this discrepancy"):
            services.update_discrepancy(item, state="open", note="hello", to_partner=True, by=officer)
        assert not item.entries.exists()


def test_resolving_still_needs_a_note_and_the_note_is_kept(conflict, officer):
    with pytest.raises(services.ExchangeError, match="needs a note"):
        services.update_discrepancy(conflict, state=Discrepancy.State.RESOLVED, note="  ", by=officer)
    services.update_discrepancy(conflict, state=Discrepancy.State.RESOLVED, note="order seen; discharged", by=officer)
    conflict.refresh_from_db()
    assert conflict.state == "resolved" and texts(conflict) == [("order seen; discharged", False)]


def test_thread_entries_are_append_only(conflict, officer):
    services.update_discrepancy(conflict, state="open", note="first", by=officer)
    entry = conflict.entries.get()
    entry.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        DiscrepancyEntry.objects.filter(pk=entry.pk).update(text="rewritten")
    with pytest.raises(AppendOnlyError):
        DiscrepancyEntry.objects.all().delete()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_thread_entries(conflict, officer):
    services.update_discrepancy(conflict, state="open", note="first", by=officer)
    entry = conflict.entries.get()
    for statement in ("UPDATE exchange_discrepancyentry SET text = 'x' WHERE id = %s",
                      "DELETE FROM exchange_discrepancyentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    assert DiscrepancyEntry.objects.get(pk=entry.pk).text == "first"


def test_the_services_own_notes_go_to_the_thread(asked, partner, officer):
    rows = response_rows(asked[:4])
    for r in rows:
        r["наш номер"] = ""
    rows[3]["ФИО"] = rows[3]["ФИО"][:-2]          # unsure enough to be reviewed
    rows[3]["Номер паспорта"] = ""
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="a.csv", by=officer)
    row = result.response.response_rows.filter(link__in=["auto", "review"]).order_by("number").last()
    services.decide(row, ResponseRow.Decision.NEED_INFO, by=officer, reason="which village is he from?")
    item = Discrepancy.objects.get(kind=Discrepancy.Kind.NEED_INFO)
    assert texts(item) == [("which village is he from?", False)]
    services.decide(ResponseRow.objects.get(pk=row.pk), ResponseRow.Decision.ACCEPTED, by=officer)
    item.refresh_from_db()
    assert item.state == "resolved" and texts(item) == [("which village is he from?", False),
                                                        ("linked and accepted", False)]
    assert item.entries.last().author == officer
    # the ours-only items: a re-check request notes itself in each thread
    ours_only = Discrepancy.objects.filter(kind=Discrepancy.Kind.OURS_ONLY, partner=partner)
    assert ours_only.exists()
    exported = services.recheck_request(partner=partner, cases=Case.objects.all(), by=officer)
    for item in ours_only:
        assert texts(item) == [(f"re-check asked in request {exported.export.pk}", False)]
    # ... and an answer that names the case later resolves it, saying so
    waiting = ours_only.first()
    rows = response_rows([waiting.case])[:1]
    rows[0]["наш номер"] = waiting.case.reference
    services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="b.csv", by=officer)
    waiting.refresh_from_db()
    assert waiting.state == "resolved" and texts(waiting)[-1] == ("answered in a later response", False)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_old_notes_into_threads(partner):
    from datetime import datetime, timezone

    from django.db.migrations.executor import MigrationExecutor

    before, after = ("exchange", "0005_discrepancy_thread"), ("exchange", "0007_remove_discrepancy_note")
    opened, updated = datetime(2024, 5, 1, 9, tzinfo=timezone.utc), datetime(2024, 6, 1, 9, tzinfo=timezone.utc)
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("exchange", "Discrepancy")
        notes = {
            "ours": "re-check asked in request 4",
            "answered": "mother says Rostov\n[2024-05-10 RU-MOD] Уволен 01.09.2024,\nприказ 123\n"
                        "[2024-05-20 RU-MOD] копия приказа отправлена",
            "answers only": "[2024-05-12 RU-MOD] в строю",
            "another partner's stamp": "[2024-05-12 BY-MOD] не наш",
        }
        pks = {key: old.objects.create(partner_id=partner.pk, kind="conflict", summary=key, note=note,
                                       opened_at=opened, updated_at=updated).pk for key, note in notes.items()}
        old.objects.create(partner_id=partner.pk, kind="conflict", summary="no note", opened_at=opened,
                           updated_at=updated)
        executor.loader.build_graph()
        executor.migrate([after])

        def thread(key):
            return [(e.text, e.for_partner, e.partner_id, e.at.date().isoformat())
                    for e in DiscrepancyEntry.objects.filter(discrepancy_id=pks[key]).order_by("at", "id")]

        assert thread("ours") == [("re-check asked in request 4", False, None, "2024-06-01")]
        assert thread("answered") == [("mother says Rostov", False, None, "2024-05-01"),
                                      ("Уволен 01.09.2024,\nприказ 123", True, partner.pk, "2024-05-10"),
                                      ("копия приказа отправлена", True, partner.pk, "2024-05-20")]
        assert thread("answers only") == [("в строю", True, partner.pk, "2024-05-12")]
        assert thread("another partner's stamp") == [("[2024-05-12 BY-MOD] не наш", False, None, "2024-06-01")]
        assert DiscrepancyEntry.objects.count() == 6
        # and back: the note as it was read before
        executor.loader.build_graph()
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("exchange", "Discrepancy")
        assert old.objects.get(pk=pks["answered"]).note == notes["answered"]
        assert old.objects.get(pk=pks["answers only"]).note == notes["answers only"]
        executor.loader.build_graph()
        executor.migrate([after])
        assert DiscrepancyEntry.objects.count() == 6   # forward again: nothing moved twice
    finally:
        executor.loader.build_graph()
        executor.migrate([after])
