import codecs
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from homeward.exchange import services
from homeward.exchange.models import Discrepancy, RequestExport, Response, ResponseRow
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, CaseEvent
from tabular import open_table

from .conftest import as_cp1251_csv, as_xlsx_with_title, response_rows


def test_request_list_for_200_cases_sends_only_consented_and_only_the_listed_fields(registry200, partner, officer):
    exported = services.export_request(partner=partner, ask="identify", cases=Case.objects.all(), by=officer)
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["наш номер", "ФИО (латиница)"] and rows[1][:2] == ["our reference", "Full name (Latin)"]
    assert "транскрипция" in rows[0][2]
    data = rows[2:]
    without_consent = {c.reference for c in registry200 if not c.reports.filter(consent_to_share=True).exists()}
    assert len(without_consent) == 20 and len(data) == 180
    assert not {r[0] for r in data} & without_consent
    first = Case.objects.get(reference=data[0][0])
    dob = first.person.date_of_birth
    assert data[0][3] == f"{dob[8:10]}.{dob[5:7]}.{dob[:4]}"
    assert data[0][4] == first.person.identifiers.get(kind="passport").value
    assert data[0][2] and all("А" <= ch.upper() <= "Я" or not ch.isalpha() for ch in data[0][2])
    text = repr(rows)
    assert "Mother of" not in text and "+91" not in text and len(rows[0]) == 6  # data minimisation
    export = RequestExport.objects.get()
    assert export.cases.count() == 180 and export.created_by == officer
    import hashlib
    assert export.file_sha256 == hashlib.sha256(exported.content).hexdigest()
    assert CaseEvent.objects.filter(kind=Event.REQUEST_SENT, source="RU-MOD").count() == 180
    assert Case.objects.filter(status=Event.REPORTED).count() == 200  # a request changes no status


def test_a_case_without_consent_is_never_exported(registry60, partner):
    lone = [c for c in registry60 if not c.reports.filter(consent_to_share=True).exists()][0]
    with pytest.raises(services.ExchangeError, match="consent"):
        services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk=lone.pk))
    assert not RequestExport.objects.exists() and not CaseEvent.objects.filter(kind=Event.REQUEST_SENT).exists()


@pytest.mark.parametrize("encoding, starts", [("utf-8", codecs.BOM_UTF8 + "наш номер;".encode()),
                                               ("cp1251", "наш номер;".encode("cp1251"))])
def test_csv_request_lists_in_both_encodings(registry60, partner, encoding, starts):
    """As a Russian-locale Excel opens them by double-click: ';' between cells, UTF-8 only with a BOM."""
    exported = services.export_request(partner=partner, ask="discharge", cases=Case.objects.all(), fmt="csv",
                                       encoding=encoding)
    assert exported.content.startswith(starts)
    text = exported.content.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    lines = text.splitlines()
    assert lines[0].startswith("наш номер;ФИО (латиница);") and lines[1].startswith("our reference;")
    assert "уволить с военной службы / discharge" in lines[2] and len(lines) == 2 + 54
    with open_table(exported.content) as table:  # and our own reader takes it back
        assert table.delimiter == ";" and "reference" in table.fields


def sent(cases, partner):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    return [c for c in cases if c.reports.filter(consent_to_share=True).exists()]


@pytest.mark.parametrize("make_file, name", [(as_cp1251_csv, "otvet.csv"), (as_xlsx_with_title, "otvet.xlsx")])
def test_response_is_linked_by_reference_engine_or_host_only(registry200, partner, officer, make_file, name,
                                                            monkeypatch):
    if name.endswith(".xlsx"):
        monkeypatch.setattr(services, "PARALLEL_FROM", 10)  # the forked path that large lists take
    cases = sent(registry200, partner)
    rows = response_rows(cases[:100])
    result = services.import_response(partner=partner, content=make_file(rows), file_name=name, by=officer)
    counts = result.counts
    assert counts["errors"] == 0 and sum(counts.values()) == 111
    assert counts["by_reference"] == 25 and counts["host_only"] >= 11
    assert counts["auto"] + counts["review"] >= 70
    linked = ResponseRow.objects.exclude(case=None)
    wrong = [r for r in linked if r.case.person.names.first().full_name.upper() not in
             {c.person.names.first().full_name.upper() for c in cases[:100] if c.pk == r.case_id}]
    assert not wrong  # no row is linked to the wrong person
    # Rows with our reference apply at once as the partner's assertions, with unit and their date.
    event = CaseEvent.objects.get(case=cases[0], details__response=result.response.pk)
    assert event.kind == Event.IDENTIFIED and event.occurred_on == "2024-05-15" and event.details["unit"] == "в/ч 30000"
    assert event.details["asserted_by_partner"] == "RU-MOD" and event.recorded_at == result.response.imported_at
    # Ours-only: the 80 cases we asked for that the answer does not mention.
    assert Discrepancy.objects.filter(kind=Discrepancy.Kind.OURS_ONLY).count() == 80
    assert Discrepancy.objects.filter(kind=Discrepancy.Kind.HOST_ONLY).count() == counts["host_only"]


def test_the_same_file_twice_changes_nothing(registry60, partner):
    content = as_cp1251_csv(response_rows(sent(registry60, partner)[:40]))
    first = services.import_response(partner=partner, content=content, file_name="a.csv")
    before = (CaseEvent.objects.count(), ResponseRow.objects.count(), Discrepancy.objects.count())
    again = services.import_response(partner=partner, content=content, file_name="renamed.csv")
    assert again.already_imported and again.counts == first.counts
    assert (CaseEvent.objects.count(), ResponseRow.objects.count(), Discrepancy.objects.count()) == before


def test_bad_rows_are_named_and_nothing_is_written(registry60, partner):
    rows = response_rows(sent(registry60, partner)[:30])
    rows[4]["Статус"] = "в командировке"
    rows[7]["Дата рождения"] = "31.02.1990"
    rows[9]["наш номер"] = "IN-2099-99999"
    events = CaseEvent.objects.count()
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="bad.csv")
    assert result.counts["errors"] == 3 and result.response is None
    joined = "\n".join(result.errors)
    assert 'row 6, column "Статус": unknown status word "в командировке"' in joined
    assert 'row 9, column "Дата рождения"' in joined and "row 11: reference IN-2099-99999" in joined
    assert not Response.objects.exists() and not ResponseRow.objects.exists() and CaseEvent.objects.count() == events


def test_a_partner_may_skip_steps_and_conflicts_become_discrepancies(registry60, partner):
    cases = sent(registry60, partner)
    from homeward.registry import services as registry
    from ..conftest import day
    registry.record_event(case=cases[1], kind=Event.IDENTIFIED, occurred_on=day("2024-04-01"))
    registry.record_event(case=cases[1], kind=Event.DISCHARGED, occurred_on=day("2024-04-20"))
    rows = response_rows(cases[:6])
    for r, case in zip(rows, cases[:6]):
        r["наш номер"] = case.reference
    rows[1]["Статус"] = "в строю"  # we say discharged, they say in service
    rows[4]["Статус"] = "уволен"  # a case we know only as reported comes back discharged
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="c.csv")
    assert result.counts["by_reference"] == 6
    assert Case.objects.get(pk=cases[4].pk).status == Event.DISCHARGED
    conflict = Discrepancy.objects.get(kind=Discrepancy.Kind.CONFLICT)
    assert conflict.case == cases[1] and "we say discharged" in conflict.summary
    from homeward.exchange import selectors
    skipped = selectors.skipped_steps(Case.objects.get(pk=cases[4].pk))
    assert len(skipped) == 1 and skipped[0].unknown == [Event.IDENTIFIED] and skipped[0].event.kind == "discharged"


def test_review_decisions_and_accept_auto(registry60, partner, officer):
    cases = sent(registry60, partner)
    rows = response_rows(cases[:50])
    for r in rows:
        r["наш номер"] = ""
    services.import_response(partner=partner, content=as_xlsx_with_title(rows), file_name="r.xlsx")
    auto = ResponseRow.objects.filter(link="auto").count()
    out = io.StringIO()
    call_command("exchange", "review", "--accept-auto", stdout=out)
    assert f"accepted {auto} " in out.getvalue()
    assert ResponseRow.objects.filter(link="auto", decision="accepted").count() == auto
    assert CaseEvent.objects.filter(details__asserted_by_partner="RU-MOD").count() == auto
    review = ResponseRow.objects.filter(link="review", decision="pending")
    if review.exists():
        row = review.first()
        with pytest.raises(services.ExchangeError, match="reason"):
            services.decide(row, "rejected", by=officer)
        services.decide(row, "rejected", by=officer, reason="different father's name")
        assert Discrepancy.objects.filter(row=row, kind="host_only").exists()


def test_cli_partner_export_import_json(registry60, tmp_path, db):
    call_command("partner", "add", "RU-MOD", "--name", "Ministry of Defence", "--country", "RU", "--language", "ru",
                 stdout=io.StringIO())
    request = tmp_path / "request.xlsx"
    out = io.StringIO()
    call_command("exchange", "export", "--partner", "RU-MOD", "--ask", "identify", "-o", str(request), stdout=out)
    assert "wrote 54 cases" in out.getvalue() and request.exists()
    with open_table(request) as table:
        assert "reference" in table.fields
    response = tmp_path / "response.csv"
    response.write_bytes(as_cp1251_csv(response_rows(list(Case.objects.order_by("reference")[:20]))))
    out = io.StringIO()
    call_command("exchange", "import", "--partner", "RU-MOD", str(response), "--format", "json", stdout=out)
    counts = json.loads(out.getvalue())
    assert set(counts) == {"by_reference", "auto", "review", "host_only", "errors"} and counts["by_reference"] == 5
