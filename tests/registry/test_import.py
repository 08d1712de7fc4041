import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from homeward.registry import importing
from homeward.registry.models import Case, CaseEvent, ImportBatch

CASES_CSV = """reference,full_name,date_of_birth,home_state,passport_number,phone,origin,host,reported_on,recorded_at
IN-2023-00001,Harpreet Singh,14.03.1998,Punjab,K1234567,+91 98140 00001,IN,RU,2023-11-02,2023-11-03
IN-2023-00002,Ravi Kumar,1995,Haryana,,,IN,RU,11/2023,2023-12-01
NP-2024-00001,Bikash Gurung,1999-07,Gandaki,,,NP,RU,5/1/2024,2024-01-06T12:00
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_cases_import_creates_cases_with_their_reported_event(db, tmp_path):
    result = importing.import_cases(write(tmp_path, "register.csv", CASES_CSV))
    assert result.ok and result.created == 3, result.errors
    case = Case.objects.get(reference="IN-2023-00001")
    assert case.person.date_of_birth == "1998-03-14"
    assert case.events.get().occurred_on == "2023-11-02"
    assert Case.objects.get(reference="IN-2023-00002").events.get().occurred_on == "2023-11"
    assert Case.objects.get(reference="NP-2024-00001").events.get().occurred_on == "2024-01-05"


def test_the_same_file_twice_creates_nothing_and_says_so(db, tmp_path):
    path = write(tmp_path, "register.csv", CASES_CSV)
    importing.import_cases(path)
    again = importing.import_cases(path)
    assert again.already_imported is not None
    assert "already imported" in again.summary()
    assert Case.objects.count() == 3 and ImportBatch.objects.count() == 1


def test_cases_already_registered_are_skipped_in_a_new_file(db, tmp_path):
    importing.import_cases(write(tmp_path, "a.csv", CASES_CSV))
    more = CASES_CSV + "IN-2023-00003,Amit Yadav,,Bihar,,,IN,RU,2023-12-01,\n"
    result = importing.import_cases(write(tmp_path, "b.csv", more))
    assert (result.created, result.skipped) == (1, 3)


def test_russian_headers_in_windows_1251_with_semicolons(db, tmp_path):
    text = ("ФИО;Дата рождения;Номер паспорта;Регион;origin;host;reported_on\n"
            "СИНГХ ХАРПРИТ;14.03.1998;K1234567;Пенджаб;IN;RU;09.08.2024\n")
    result = importing.import_cases(write(tmp_path, "список.csv", text, "cp1251"))
    assert result.ok, result.errors
    case = Case.objects.get()
    assert case.person.names.get().full_name == "СИНГХ ХАРПРИТ"
    assert case.person.names.get().script == "Cyrillic"
    assert case.reference == "IN-2024-00001"


def test_xlsx_with_given_and_family_names_and_excel_dates(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["given_name", "family_name", "date_of_birth", "origin", "host", "reported_on"])
    sheet.append(["Manpreet", "Kaur", 35869, "IN", "RU", 45513])
    path = tmp_path / "register.xlsx"
    book.save(path)
    result = importing.import_cases(path)
    assert result.ok, result.errors
    case = Case.objects.get()
    assert case.person.names.get().full_name == "Manpreet Kaur"
    assert case.events.get().occurred_on == "2024-08-09"


def test_every_bad_row_is_named_and_nothing_is_written(db, tmp_path):
    text = CASES_CSV + (
        "IN-2023-00001,Duplicate Ref,,,,,IN,RU,2023-11-02,\n"
        ",Bad Date,31.02.1990,,,,IN,RU,2023-11-02,\n"
        ",,,,,,IN,RU,2023-11-02,\n"
        ",No Country,,,,,India,RU,2023-11-02,\n"
        ",No Report Day,,,,,IN,RU,,\n"
    )
    result = importing.import_cases(write(tmp_path, "bad.csv", text))
    messages = [str(e) for e in result.errors]
    assert not result.ok
    assert any(m.startswith('row 5, column "reference"') and "row 2" in m for m in messages)
    assert any(m.startswith('row 6, column "date_of_birth"') and "February 1990 has 28 days" in m for m in messages)
    assert any(m.startswith('row 7, column "full_name"') for m in messages)
    assert any(m.startswith('row 8, column "origin"') for m in messages)
    assert any(m.startswith('row 9, column "reported_on"') and "empty" in m for m in messages)
    assert not Case.objects.exists() and not ImportBatch.objects.exists()


def test_missing_columns_are_reported_with_the_headers_found(db, tmp_path):
    with pytest.raises(importing.TableError, match="reported_on"):
        importing.import_cases(write(tmp_path, "x.csv", "full_name,origin\nRavi,IN\n"))


EVENTS_CSV = """case_ref,event,occurred_on,recorded_at,source,note,correction
IN-2023-00001,identified,2024-01-10,2024-01-12,host ministry,military unit 12345,
IN-2023-00001,discharge_requested,2024-02,2024-03-01,embassy,,no
IN-2023-00002,identified,2024-01-15,2024-01-16,host ministry,,
IN-2023-00002,killed,2024-01-20,2024-01-25,host ministry,,
IN-2023-00002,identified,2024-01-20,2024-06-01,host ministry,alive after all,yes
"""


def test_events_import_with_a_correction(db, tmp_path):
    importing.import_cases(write(tmp_path, "register.csv", CASES_CSV))
    result = importing.import_events(write(tmp_path, "events.csv", EVENTS_CSV))
    assert result.ok and result.created == 5, result.errors
    assert Case.objects.get(reference="IN-2023-00001").status == "discharge_requested"
    assert Case.objects.get(reference="IN-2023-00002").status == "identified"
    correction = CaseEvent.objects.get(is_correction=True)
    assert correction.note == "alive after all"
    assert importing.import_events(write(tmp_path, "events-copy.csv", EVENTS_CSV)).already_imported
    resaved = importing.import_events(write(tmp_path, "events-resaved.csv", EVENTS_CSV.replace("\n", "\r\n")))
    assert (resaved.created, resaved.skipped) == (0, 5)


def test_events_refused_by_the_lifecycle_are_named_by_row(db, tmp_path):
    importing.import_cases(write(tmp_path, "register.csv", CASES_CSV))
    text = ("case_ref,event,occurred_on\n"
            "IN-2023-00001,identified,2024-01-10\n"
            "IN-2023-00001,returned_home,2024-01-11\n"
            "IN-2099-00001,identified,2024-01-10\n"
            "IN-2023-00002,promoted,2024-01-10\n")
    result = importing.import_events(write(tmp_path, "events.csv", text))
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("row 4,") and "no case has reference IN-2099-00001" in m for m in messages)
    assert any(m.startswith("row 5,") and "'promoted' is not an event" in m for m in messages)
    assert CaseEvent.objects.count() == 3  # only the reported events of the cases file

    text = "case_ref,event,occurred_on\nIN-2023-00001,identified,2024-01-10\nIN-2023-00001,returned_home,2024-01-11\n"
    result = importing.import_events(write(tmp_path, "events2.csv", text))
    assert [str(e) for e in result.errors][0].startswith('row 3, column "event"')
    assert CaseEvent.objects.count() == 3


def test_events_before_the_case_was_recorded_are_refused(db, tmp_path):
    importing.import_cases(write(tmp_path, "register.csv", CASES_CSV))
    text = "case_ref,event,occurred_on,recorded_at\nIN-2023-00001,identified,2023-11-02,2023-11-02T08:00\n"
    result = importing.import_events(write(tmp_path, "early.csv", text))
    assert "the case was only recorded on 2023-11-03" in str(result.errors[0])


def test_import_command_reports_and_exits_non_zero_on_errors(db, tmp_path, capsys):
    path = write(tmp_path, "register.csv", CASES_CSV)
    call_command("import", "cases", str(path))
    assert "3 cases created" in capsys.readouterr().out
    call_command("import", "cases", str(path))
    assert "already imported" in capsys.readouterr().out
    bad = write(tmp_path, "bad.csv", "full_name,origin,host,reported_on\nRavi,IN,RU,32.01.2024\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "cases", str(bad))
    assert 'row 2, column "reported_on"' in capsys.readouterr().err


def test_import_command_header_map_and_unreadable_files(db, tmp_path):
    path = write(tmp_path, "odd.csv", "Naam,Country,Host,Reported\nRavi Kumar,IN,RU,2024\n")
    call_command("import", "cases", str(path), "--map", "Naam=full_name", "--map", "Country=origin",
                 "--map", "Host=host", "--map", "Reported=reported_on")
    assert Case.objects.get().person.names.get().full_name == "Ravi Kumar"
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 100)
    with pytest.raises(CommandError):
        call_command("import", "cases", str(junk))
    with pytest.raises(CommandError):
        call_command("import", "cases", str(tmp_path / "absent.csv"))


def test_a_register_keeps_what_it_says_about_recruitment_identity_and_notes(db, tmp_path):
    text = ("Name,Aadhaar,Village,Military unit,Location,Recruiting agent,Agent phone,Promised job,Remarks,origin,host,"
            "reported_on,Father's occupation\n"
            "Ravi Kumar,2345 6789 0123,Rampur,в/ч 12345,Donetsk,Rakesh Gupta,+91 99999 11111,security guard,"
            "brother called,IN,RU,2024-03-01,farmer\n")
    result = importing.import_cases(write(tmp_path, "register.csv", text))
    assert result.ok, result.errors
    case = Case.objects.get()
    assert (case.military_unit, case.last_known_location, case.promised_job) == ("в/ч 12345", "Donetsk", "security guard")
    assert case.person.home_village == "Rampur"
    assert case.person.identifiers.filter(kind="national_id").exists()
    assert case.caseagent_set.get().agent.name == "Rakesh Gupta"
    assert "brother called" in case.reports.get().original_text
    assert "columns not imported: Father's occupation" in result.summary()


def test_a_status_column_in_a_register_of_cases_is_refused_not_dropped(db, tmp_path):
    text = "Name,Status,origin,host,reported_on\nRavi Kumar,killed,IN,RU,2024-03-01\n"
    with pytest.raises(importing.TableError, match=r"does not read the column\(s\) Status.*import events"):
        importing.import_cases(write(tmp_path, "register.csv", text))
    assert not Case.objects.exists()
    mapped = importing.import_cases(write(tmp_path, "register.csv", text), mapping={"Status": "-"})
    assert mapped.ok and Case.objects.count() == 1


def test_dates_after_the_recording_name_their_own_column(db, tmp_path):
    cases = "Name,origin,host,reported_on\nRavi Kumar,IN,RU,2099-05-01\n"
    result = importing.import_cases(write(tmp_path, "register.csv", cases))
    assert [(e.column, e.reason) for e in result.errors] == [("reported_on", "2099-05-01 is in the future")]
    importing.import_cases(write(tmp_path, "ok.csv", "reference,Name,origin,host,reported_on\nIN-2024-00001,Ravi Kumar,IN,RU,2024-03-01\n"))
    events = "case_ref,event,occurred_on,recorded_at\nIN-2024-00001,identified,2024-05-01,2024-04-01\n"
    result = importing.import_events(write(tmp_path, "events.csv", events))
    assert [e.column for e in result.errors] == ["occurred_on"]
    assert "after 2024-04-01" in result.errors[0].reason


def test_an_event_recorded_as_known_today_is_not_in_the_future(db, tmp_path):
    from django.utils import timezone
    today = timezone.now().date().isoformat()
    importing.import_cases(write(tmp_path, "ok.csv", "reference,Name,origin,host,reported_on\nIN-2024-00001,Ravi Kumar,IN,RU,2024-03-01\n"))
    result = importing.import_events(write(tmp_path, "events.csv",
                                           f"case_ref,event,occurred_on,recorded_at\nIN-2024-00001,identified,2024-05-01,{today}\n"))
    assert result.ok, result.errors


def test_the_same_correction_saved_in_another_file_is_not_imported_twice(db, tmp_path):
    importing.import_cases(write(tmp_path, "ok.csv", "reference,Name,origin,host,reported_on\nIN-2024-00001,Ravi Kumar,IN,RU,2024-03-01\n"))
    first = importing.import_events(write(tmp_path, "c.csv", "case_ref,event,occurred_on,correction\nIN-2024-00001,killed,2024-05,yes\n"))
    again = importing.import_events(write(tmp_path, "d.csv", "case_ref;event;occurred_on;correction\nIN-2024-00001;killed;2024-05;yes\n"))
    assert (first.created, again.created, again.skipped) == (1, 0, 1)


def test_a_register_reference_that_is_not_a_number_of_ours_does_not_block_numbering(db, tmp_path):
    from homeward.registry.services import next_reference
    text = "reference,Name,origin,host,reported_on\nIN-2023-00002,A Kumar,IN,RU,2023-03-01\nIN-2023-L17,B Kumar,IN,RU,2023-03-01\nIN-2023-7,C Kumar,IN,RU,2023-03-01\n"
    assert importing.import_cases(write(tmp_path, "r.csv", text)).ok
    assert next_reference("IN", 2023) == "IN-2023-00008"


def test_a_two_digit_birth_year_is_read_but_a_two_digit_event_year_is_not(db, tmp_path):
    text = "Name,Date of birth,origin,host,reported_on\nRavi Kumar,01.03.98,IN,RU,01.03.24\n"
    result = importing.import_cases(write(tmp_path, "register.csv", text))
    assert [e.column for e in result.errors] == ["reported_on"]
    text = "Name,Date of birth,origin,host,reported_on\nRavi Kumar,01.03.98,IN,RU,01.03.2024\n"
    assert importing.import_cases(write(tmp_path, "register2.csv", text)).ok
    assert Case.objects.get().person.date_of_birth == "1998-03-01"
