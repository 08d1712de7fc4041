"""The shapes response lists come in: names in parts, our own request list sent back, columns that need
mapping, and the small things a clerk leaves (an empty status)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from homeward.exchange import services
from homeward.exchange.models import Response, ResponseRow
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case
from matching import to_cyrillic
from tabular import PartialDate

from .conftest import as_cp1251_csv, response_rows


@pytest.fixture
def asked(registry60, partner):
    services.export_request(partner=partner, ask="identify", cases=Case.objects.all())
    return [c for c in registry60 if c.reports.filter(consent_to_share=True).exists()]


def parts(case):
    given, family = to_cyrillic(case.person.names.first().full_name).upper().split()
    dob = PartialDate.from_iso(case.person.date_of_birth)
    return family, given, f"{dob.day:02d}.{dob.month:02d}.{dob.year}", case.person.identifiers.get(kind="passport").value


def xlsx(sheet_rows, merges=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in sheet_rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_name_in_three_columns_under_a_merged_fio(asked, partner):
    """Фамилия, Имя, Отчество under one merged ФИО, as the Ministry's forms have them."""
    content = xlsx([["Ответ Минобороны"], [],
                    ["№ п/п", "ФИО", None, None, "Дата рождения", "Номер паспорта", "Статус"],
                    [None, "Фамилия", "Имя", "Отчество", None, None, None]]
                   + [[n + 1, *parts(c)[:2], "", *parts(c)[2:], "в строю"] for n, c in enumerate(asked[:5])],
                   merges=["A3:A4", "B3:D3", "E3:E4", "F3:F4", "G3:G4"])
    result = services.import_response(partner=partner, content=content, file_name="otvet.xlsx")
    assert result.errors == [] and result.counts["auto"] == 5
    family, given = parts(asked[0])[:2]
    row = ResponseRow.objects.get(number=5)
    assert row.full_name == f"{given} {family}" and row.case == asked[0]


def test_name_in_separate_columns_of_a_csv(asked, partner):
    lines = ["Фамилия;Имя;Отчество;Дата рождения;Статус"] + [
        f"{family};{given};-;{dob};погиб" for family, given, dob, _pp in map(parts, asked[:3])]
    content = ("\r\n".join(lines) + "\r\n").encode("cp1251")
    result = services.import_response(partner=partner, content=content, file_name="otvet.csv")
    assert result.errors == [] and result.counts["host_only"] == 0
    assert {r.case_id for r in ResponseRow.objects.all()} == {c.pk for c in asked[:3]}


def test_a_row_without_any_name_part_is_named(asked, partner):
    content = "Фамилия;Имя;Статус\r\nСИНГХ;ХАРПРИТ;в строю\r\n;;в строю\r\n".encode("cp1251")
    result = services.import_response(partner=partner, content=content, file_name="otvet.csv")
    assert result.errors == ['row 3, column "Фамилия": the name is empty']


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_our_own_request_list_sent_back_with_a_status_column(asked, partner, fmt):
    exported = services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(
        pk__in=[c.pk for c in asked[:6]]), fmt=fmt)
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(exported.content))
        sheet = workbook.active
        sheet.cell(1, 7, "Статус")
        sheet.cell(2, 7, "Status")
        for r in range(3, sheet.max_row + 1):
            sheet.cell(r, 7, "погиб" if r == 3 else "в строю")
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        lines = exported.content.decode("utf-8-sig").splitlines()
        content = "\r\n".join([lines[0] + ";Статус", lines[1] + ";Status"]
                              + [line + (";погиб" if n == 0 else ";в строю") for n, line in enumerate(lines[2:])])
        content = content.encode("utf-8-sig")
    result = services.import_response(partner=partner, content=content, file_name=f"returned.{fmt}")
    assert result.errors == [] and result.counts["by_reference"] == 6
    first = min(asked[:6], key=lambda c: c.reference)
    assert Case.objects.get(pk=first.pk).status == Event.KILLED
    assert ResponseRow.objects.get(case=first).full_name == first.person.names.first().full_name


HINT = "№ п/п;Военнослужащий;Дата рождения (дд.мм.гггг);Статус\r\n1;{name};{dob};в строю\r\n"


def test_an_unknown_name_column_is_refused_with_the_mapping_to_give(asked, partner):
    family, given, dob, _pp = parts(asked[0])
    content = HINT.format(name=f"{family} {given}", dob=dob).encode("cp1251")
    result = services.import_response(partner=partner, content=content, file_name="otvet.csv")
    assert result.response is None and len(result.errors) == 1
    assert "no column for the name" in result.errors[0] and '"Военнослужащий"' in result.errors[0]
    assert 'map it ("Header=field")' in result.errors[0]
    mapped = services.import_response(partner=partner, content=content, file_name="otvet.csv",
                                      mapping={"Военнослужащий": "full_name", "Дата рождения (дд.мм.гггг)": "date_of_birth"})
    assert mapped.errors == [] and ResponseRow.objects.get().case == asked[0]


def test_the_import_page_takes_a_mapping(client, officer, asked, partner):
    family, given, dob, _pp = parts(asked[0])
    content = HINT.format(name=f"{family} {given}", dob=dob).encode("cp1251")
    client.force_login(officer)
    page = client.get(reverse("exchange:overview")).content.decode()
    assert 'name="mapping"' in page
    bad = client.post(reverse("exchange:import"), {"partner": partner.pk, "mapping": "Военнослужащий=fullname",
                                                   "file": SimpleUploadedFile("otvet.csv", content)}, follow=True)
    assert 'did you mean &quot;full_name&quot;' in bad.content.decode() and not Response.objects.exists()
    good = client.post(reverse("exchange:import"), {
        "partner": partner.pk, "mapping": "Военнослужащий = full_name\r\n\r\nДата рождения (дд.мм.гггг)=date_of_birth",
        "file": SimpleUploadedFile("otvet.csv", content)})
    assert good.status_code == 302 and ResponseRow.objects.get().case == asked[0]


def test_the_command_takes_map(asked, partner, tmp_path):
    family, given, dob, _pp = parts(asked[0])
    path = tmp_path / "otvet.csv"
    path.write_bytes(HINT.format(name=f"{family} {given}", dob=dob).encode("cp1251"))
    with pytest.raises(CommandError, match="bad --map value"):
        call_command("exchange", "import", "--partner", "RU-MOD", str(path), "--map", "Военнослужащий",
                     stdout=io.StringIO())
    out = io.StringIO()
    call_command("exchange", "import", "--partner", "RU-MOD", str(path), "--map", "Военнослужащий=full_name",
                 "--map", "Дата рождения (дд.мм.гггг)=date_of_birth", stdout=out)
    assert "errors: 0" in out.getvalue() and ResponseRow.objects.get().case == asked[0]


def test_an_empty_status_says_so(asked, partner):
    rows = response_rows(asked[:4])
    rows[1]["Статус"] = "  "
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="otvet.csv")
    assert result.errors == ['row 3, column "Статус": the status is empty']


def test_our_list_sent_back_with_only_the_cyrillic_name(asked, partner):
    """The partner kept our Cyrillic transcription and dropped the Latin column: the name is read from it."""
    exported = services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(
        pk__in=[c.pk for c in asked[:4]]))
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.active
    sheet.delete_cols(2)
    sheet.cell(1, 6, "Статус")
    sheet.cell(2, 6, "Status")
    for r in range(3, sheet.max_row + 1):
        sheet.cell(r, 6, "в строю")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = services.import_response(partner=partner, content=buffer.getvalue(), file_name="returned.xlsx")
    assert result.errors == [] and result.counts["by_reference"] == 4
    first = min(asked[:4], key=lambda c: c.reference)
    assert ResponseRow.objects.get(case=first).full_name == to_cyrillic(first.person.names.first().full_name)


@pytest.mark.parametrize("header, limit", [("наш номер", 32), ("ФИО", 300), ("Воинская часть", 100)])
def test_an_overlong_cell_is_the_rows_error_and_nothing_is_written(asked, partner, header, limit):
    """PostgreSQL would refuse the value and lose the file with a database error; SQLite would keep it."""
    rows = response_rows(asked[:4])
    rows[2][header] = "Ж" * (limit + 1)
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="otvet.csv")
    assert result.response is None
    assert result.errors == [f'row 4, column "{header}": longer than {limit} characters']
    assert not Response.objects.exists() and not ResponseRow.objects.exists()


def test_a_cell_at_the_limit_is_kept_whole(asked, partner):
    rows = response_rows(asked[:4])
    rows[2]["Воинская часть"] = "Ж" * 100
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="otvet.csv")
    assert result.errors == []
    assert ResponseRow.objects.get(number=4).military_unit == "Ж" * 100


def test_an_overlong_name_from_its_parts_names_the_first_part(asked, partner):
    content = f"Фамилия;Имя;Статус\r\nСИНГХ;ХАРПРИТ;в строю\r\n{'Ж' * 200};{'Ж' * 200};в строю\r\n".encode("cp1251")
    result = services.import_response(partner=partner, content=content, file_name="otvet.csv")
    assert result.errors == ['row 3, column "Фамилия": longer than 300 characters']
