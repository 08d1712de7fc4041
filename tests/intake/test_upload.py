import io

import openpyxl
import pytest
from django.urls import reverse

from homeward.intake import uploads
from homeward.intake.models import ReviewItem, Upload
from homeward.registry.models import Case, ImportBatch, Person, Report
from tabular import PartialDate

HEADER = "full_name,date_of_birth,home_state,passport_number,reported_on\n"


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return (header + "".join(r + "\n" for r in rows)).encode(encoding)


def upload(client, content: bytes, name="register.csv", origin="IN"):
    return client.post(reverse("intake:upload"), {"file": _file(content, name),
                                                  "origin_country": origin, "host_country": "RU"}, follow=True)


def _file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, content)


def commit(client, response, **extra):
    stored = response.context["upload"]
    return client.post(reverse("intake:upload_commit", args=[stored.pk]), extra, follow=True)


@pytest.fixture
def registered(make_case):
    return make_case("Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14), home_state="Punjab",
                     passport_number="Z1234567")


def outcomes(response):
    return {row["row"]: row for row in uploads.outcomes(response.context["upload"])}


def test_preview_shows_every_rows_outcome_and_writes_nothing(signed_in, registered):
    before = (Case.objects.count(), Report.objects.count())
    response = upload(signed_in, csv_bytes(
        "Ravi Kumar,1990,Haryana,,01.05.2024",
        "Harpreet Singh,14.03.1998,Punjab,Z1234567,02.05.2024",
        "Harpreet Singh,02.07.1998,,,03.05.2024",
        "Mohan Lal,31.02.2024,Bihar,,03.05.2024",
    ))
    assert response.status_code == 200
    rows = outcomes(response)
    assert rows[2]["outcome"] == "new"
    assert rows[3]["outcome"] == "attach" and rows[3]["case"] == registered.reference and rows[3]["probability"] >= 0.9
    assert rows[4]["outcome"] == "review" and rows[4]["case"] == registered.reference
    assert rows[5]["outcome"] == "error"
    assert rows[5]["errors"][0][0] == "date_of_birth" and "February 2024 has 29 days" in rows[5]["errors"][0][1]
    html = response.content.decode()
    assert "February 2024 has 29 days" in html and "row" in html.lower()
    assert (Case.objects.count(), Report.objects.count()) == before


def test_commit_is_refused_while_rows_have_errors_unless_they_are_left_out(signed_in, registered):
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,01.05.2024", "Mohan Lal,31.02.2024,Bihar,,"))
    refused = commit(signed_in, response)
    assert "fix them, or choose to leave them out" in refused.content.decode()
    assert Case.objects.count() == 1 and not ImportBatch.objects.exists()
    commit(signed_in, response, leave_out_rejected="1")
    assert Case.objects.count() == 2
    assert ImportBatch.objects.get().created == 1


def test_commit_writes_new_attached_and_review_rows_and_re_upload_changes_nothing(signed_in, registered):
    content = csv_bytes(
        "Ravi Kumar,1990,Haryana,,01.05.2024",
        "Harpreet Singh,14.03.1998,Punjab,Z1234567,02.05.2024",
        "СИНГХ ХАРПРИТ,02.07.1998,,,03.05.2024",
    )
    response = upload(signed_in, content)
    rows = outcomes(response)
    assert [rows[n]["outcome"] for n in (2, 3, 4)] == ["new", "attach", "review"]
    done = commit(signed_in, response)
    assert "Imported" in done.content.decode()
    assert Case.objects.count() == 3
    assert registered.reports.filter(source_type="register").count() == 1
    assert ReviewItem.objects.get().candidate == registered
    assert Case.objects.get(person__names__full_name="Ravi Kumar").reports.get().import_batch is not None
    snapshot = (Case.objects.count(), Report.objects.count(), Person.objects.count())
    again = upload(signed_in, content)
    assert "already imported" in again.content.decode()
    commit(signed_in, again)
    assert (Case.objects.count(), Report.objects.count(), Person.objects.count()) == snapshot


def test_commit_is_atomic(signed_in, registered, monkeypatch):
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,01.05.2024", "Mohan Lal,1985,Bihar,,",
                                           "Harpreet Singh,14.03.1998,Punjab,Z1234567,02.05.2024"))

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    # The last write of a commit fails: everything before it must go too.
    monkeypatch.setattr(uploads.audit, "record", failing)
    with pytest.raises(RuntimeError):
        commit(signed_in, response)
    assert Case.objects.count() == 1 and registered.reports.count() == 0 and not ImportBatch.objects.exists()
    assert Person.objects.count() == 1


def test_rejected_rows_download_as_xlsx_with_an_error_column(signed_in, db):
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,01.05.2024", "Mohan Lal,31.02.2024,Bihar,,",
                                           "=cmd|' /C calc'!A0,1990,Bihar,,"))
    stored = response.context["upload"]
    download = signed_in.get(reverse("intake:upload_rejected", args=[stored.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-1] == "error" and rows[0][0] == "full_name"
    assert rows[1][0] == "Mohan Lal" and "February 2024 has 29 days" in rows[1][-1] and "row 3" in rows[1][-1]
    assert rows[2][0].startswith("'=") and "formula" in rows[2][-1]  # written back defused
    assert len(rows) == 3


def test_hindi_headers_are_recognised(signed_in, db):
    header = "नाम,जन्म तिथि,राज्य,पासपोर्ट संख्या,मोबाइल\n"
    response = upload(signed_in, csv_bytes("हरप्रीत सिंह,14.03.1998,पंजाब,Z7654321,9814000001", header=header))
    assert outcomes(response)[2]["outcome"] == "new"
    commit(signed_in, response)
    person = Person.objects.get()
    assert person.names.get().full_name == "हरप्रीत सिंह" and person.date_of_birth == "1998-03-14"
    assert person.home_state == "पंजाब"


def test_windows_1251_semicolons_and_russian_headers(signed_in, db):
    content = "ФИО;Дата рождения;Номер паспорта\nСИНГХ ХАРПРИТ;14.03.1998;Z1234567\n".encode("cp1251")
    response = upload(signed_in, content)
    assert outcomes(response)[2]["outcome"] == "new"


def test_xlsx_with_a_title_row(signed_in, db):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Список граждан Индии"])
    sheet.append(["ФИО", "Дата рождения", "Штат"])
    sheet.append(["Ravi Kumar", "01.02.1990", "Haryana"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(signed_in, buffer.getvalue(), name="list.xlsx")
    rows = outcomes(response)
    assert rows[3]["outcome"] == "new" and rows[3]["name"] == "Ravi Kumar"


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02\xff\xfe binary junk \x00\x9c" * 50, "neither an XLSX workbook nor CSV text"),
    ("full_name;date\nMüller;1990\n".encode("utf-16-be"), "neither an XLSX workbook nor CSV text"),
    (b"name,full_name,date_of_birth\nRavi,Ravi Kumar,1990\n", "both mean full_name"),
    (b"full_name,date_of_birth\n", "has a header but no rows"),
    (b"colour,size\nred,big\n", "no header row found"),
])
def test_malformed_files_get_a_clear_error_and_write_nothing(signed_in, db, content, message):
    response = upload(signed_in, content)
    assert message in response.content.decode()
    assert Case.objects.count() == 0 and not ImportBatch.objects.exists()
    stored = Upload.objects.last()
    if stored is not None:
        assert commit(signed_in, response).status_code == 200
        assert Case.objects.count() == 0


@pytest.mark.parametrize("row, message", [
    ("=cmd|' /C calc'!A0,1990,Bihar,,", "looks like a spreadsheet formula"),
    ("=HYPERLINK(\"http://evil\"),1990,Bihar,,", "looks like a spreadsheet formula"),
    ("Ravi Kumar,1990,@SUM(A1),,", "looks like a spreadsheet formula"),
    ("<script>alert(1)</script>,1990,Bihar,,", "contains &lt; or &gt;"),
    ("R" * 10_000 + ",1990,Bihar,,", "10000 characters long"),
    ("Ravi Kumar,31.02.2024,Bihar,,", "February 2024 has 29 days"),
    ("Ravi Kumar,1990,Bihar,,2099", "is in the future"),
    (",1990,Bihar,,", "the person has no name"),
])
def test_malformed_rows_get_a_clear_error_and_write_nothing(signed_in, db, row, message):
    response = upload(signed_in, csv_bytes(row))
    html = response.content.decode()
    assert message in html and "<script>alert" not in html
    assert outcomes(response)[2]["outcome"] == "error"
    commit(signed_in, response)
    assert Case.objects.count() == 0 and not ImportBatch.objects.exists()


@pytest.mark.parametrize("row, hindi", [
    ("=cmd|' /C calc'!A0,1990,Bihar,,", "स्प्रेडशीट फ़ॉर्मूला जैसा दिखता है; फ़ॉर्मूला नहीं, मान ही लिखें"),
    ("<b>Ravi</b>,1990,Bihar,,", "इसमें &lt; या &gt; है, जो किसी नाम में नहीं होता"),
    ("R" * 400 + ",1990,Bihar,,", "400 अक्षर लंबा है; अधिकतम 300 अक्षरों की अनुमति है"),
    ("Ravi Kumar,31.02.2024,Bihar,,", "31.02.2024 वास्तविक तारीख़ नहीं है: फ़रवरी 2024 में केवल 29 दिन होते हैं"),
    ("Ravi Kumar,1990,Bihar,,2099", "2099 भविष्य की तारीख़ है"),
    (",1990,Bihar,,", "व्यक्ति का कोई नाम नहीं है"),
])
def test_row_errors_are_given_in_the_page_language(signed_in, db, row, hindi):
    signed_in.cookies["django_language"] = "hi"
    html = upload(signed_in, csv_bytes(row)).content.decode()
    assert hindi in html


@pytest.mark.parametrize("content, hindi", [
    (b"full_name,date_of_birth\n", "में शीर्ष पंक्ति है, पर कोई पंक्ति नहीं"),
    (b"date_of_birth,home_state\n1990,Bihar\n", "में full_name (या given_name और family_name) का कोई कॉलम नहीं है"),
])
def test_file_errors_are_given_in_the_page_language(signed_in, db, content, hindi):
    signed_in.cookies["django_language"] = "hi"
    assert hindi in upload(signed_in, content).content.decode()
    assert Case.objects.count() == 0


@pytest.mark.parametrize("row", [
    "Raj Malhotra,1990,@raj_agent_delhi,,",       # a Telegram handle
    "Sunil Verma,1991,- нет сведений,,",          # a note: nothing known
    "Vikas Rana,1992,-,,",
    "Mohan Lal,1993,+91-98140-00001,,",          # a phone
])
def test_values_that_merely_begin_with_a_sign_are_data(signed_in, db, row):
    assert [o["outcome"] for o in outcomes(upload(signed_in, csv_bytes(row))).values()] == ["new"]


@pytest.mark.parametrize("value", ["=1+1", " =HYPERLINK(\"http://evil\")", "@SUM(A1)", "+cmd|' /C calc'!A0",
                                   "-cmd|' /C calc'!A0", "-2+3", "+A1", "-$B$2", "@Sheet1!C3"])
def test_formulas_are_still_refused(value):
    assert uploads._FORMULA.match(value)


def test_too_large_files_are_refused(signed_in, db, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 100)
    response = upload(signed_in, csv_bytes(*["Ravi Kumar,1990,Haryana,,"] * 10))
    assert "larger than" in response.content.decode() and not Upload.objects.exists()


def test_another_officers_upload_is_not_found(signed_in, db, office):
    from homeward.accounts.models import User
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,01.05.2024"))
    stored = response.context["upload"]
    other = User.objects.create_user("other", password="x" * 12, role=User.Role.HQ_OFFICER, country="IN")
    signed_in.force_login(other)
    assert signed_in.get(reverse("intake:upload_preview", args=[stored.pk])).status_code == 404
    assert signed_in.post(reverse("intake:upload_commit", args=[stored.pk])).status_code == 404


def test_analysts_may_not_upload(client, db):
    from homeward.accounts.models import User
    client.force_login(User.objects.create_user("analyst", role=User.Role.ANALYST))
    assert client.get(reverse("intake:upload")).status_code == 403


def test_forked_matching_workers_give_the_same_preview(signed_in, registered, settings, monkeypatch):
    monkeypatch.setattr(uploads, "CHUNK_ROWS", 2)
    content = csv_bytes("Ravi Kumar,1990,Haryana,,01.05.2024", "Harpreet Singh,14.03.1998,Punjab,Z1234567,",
                        "Mohan Lal,31.02.2024,Bihar,,", "Harpreet Singh,02.07.1998,,,", "Amit Yadav,1991,,,")
    alone = [{k: v for k, v in o.items()} for o in uploads.outcomes(upload(signed_in, content).context["upload"])]
    settings.HOMEWARD_INTAKE_WORKERS = 2
    forked = uploads.outcomes(upload(signed_in, content).context["upload"])
    assert forked == alone and [o["outcome"] for o in forked] == ["new", "attach", "error", "review", "new"]


def test_preview_filters_by_outcome(signed_in, registered):
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,", "Mohan Lal,31.02.2024,Bihar,,",
                                           "Amit Yadav,1991,,,"))
    stored = response.context["upload"]
    page = signed_in.get(reverse("intake:upload_preview", args=[stored.pk]), {"show": "error"})
    assert [row["row"] for row in page.context["rows"]] == [3]
    assert stored.counts == {"new": 2, "attach": 0, "review": 0, "present": 0, "error": 1}



@pytest.mark.parametrize("page, shown", [("99999999999999999999", 1), ("9" * 5000, 1), ("3", 1), ("0", 1),
                                         ("-4", 1), ("abc", 1), ("²", 1), ("1", 1)])
def test_preview_pages_out_of_range_show_the_nearest_page(signed_in, db, page, shown):
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,", "Amit Yadav,1991,,,"))
    stored = response.context["upload"]
    response = signed_in.get(reverse("intake:upload_preview", args=[stored.pk]), {"page": page})
    assert response.status_code == 200 and response.context["page"] == shown
    assert [row["row"] for row in response.context["rows"]] == [2, 3] and not response.context["has_next"]
    # Filtered to an outcome no row has: one empty page.
    response = signed_in.get(reverse("intake:upload_preview", args=[stored.pk]), {"page": page, "show": "error"})
    assert response.status_code == 200 and response.context["page"] == 1 and response.context["rows"] == []


def test_preview_last_page_of_several(signed_in, db):
    rows = [f"Person Number{chr(97 + i % 26)}{chr(97 + i // 26)},1990,Haryana,," for i in range(450)]
    response = upload(signed_in, csv_bytes(*rows))
    stored = response.context["upload"]
    response = signed_in.get(reverse("intake:upload_preview", args=[stored.pk]), {"page": "99999999999999999999"})
    assert response.context["page"] == 3 and len(response.context["rows"]) == 50 and not response.context["has_next"]

# ----------------------------------------------------------------------------- recruiting agents

AGENT_HEADER = "full_name,date_of_birth,home_state,passport_number,agent,agent phone,agency,agent city,promised job\n"


def test_agent_columns_are_read_shown_and_linked_in_the_commit(signed_in, registered, client):
    from homeward.intake.services import Entry, link_agent
    from homeward.registry.agents import AgentInput
    from homeward.registry.models import CaseAgent, RecruitingAgent
    from homeward.audit.models import AuditEntry
    # An agent a family named through the form already: the same phone is the same agent.
    on_record = link_agent(registered, AgentInput(name="Rakesh", phone="+91 99999 11111"), report=None)
    response = upload(signed_in, csv_bytes(
        "Ravi Kumar,1990,Haryana,,Rakesh Travels,099999 11111,,Delhi,helper job",
        "Harpreet Singh,14.03.1998,Punjab,Z1234567,Sunil,,Sky Jobs,Jalandhar,",
        "Mohan Lal,1985,Bihar,,sunil,,SKY JOBS,jalandhar,",
        "Amit Yadav,1991,Bihar,,,,,,",
        header=AGENT_HEADER))
    rows = outcomes(response)
    assert rows[2]["agent"] == "Rakesh Travels · 099999 11111 · Delhi"
    assert rows[3]["outcome"] == "attach" and rows[3]["agent"] == "Sunil · Sky Jobs · Jalandhar"
    assert "agent" not in rows[5]
    assert "Sunil · Sky Jobs · Jalandhar" in response.content.decode()
    commit(signed_in, response)
    ravi = Case.objects.get(person__names__full_name="Ravi Kumar")
    assert list(ravi.recruiting_agents.all()) == [on_record]
    assert CaseAgent.objects.get(case=ravi).promised == "helper job"
    assert ravi.recruiting_agent_as_told == "Rakesh Travels · 099999 11111 · Delhi"
    sunil = registered.recruiting_agents.exclude(pk=on_record.pk).get()  # linked to the case the row attached to
    assert CaseAgent.objects.get(case=registered, agent=sunil).report.import_batch is not None
    mohan = Case.objects.get(person__names__full_name="Mohan Lal")
    assert list(mohan.recruiting_agents.all()) == [sunil]
    assert RecruitingAgent.objects.count() == 2
    assert AuditEntry.objects.filter(target_type="registry.recruitingagent", target_id=str(sunil.pk)).exists()


@pytest.mark.parametrize("header", [
    "ФИО,Дата рождения,Вербовщик,Телефон агента,Агентство\n",
    "ФИО,Дата рождения,Агент,Телефон агента,Агентство\n",
    "नाम,जन्म तिथि,एजेंट,एजेंट का फ़ोन,एजेंसी\n",
])
def test_agent_headers_in_russian_and_hindi(signed_in, db, header):
    from homeward.registry.models import RecruitingAgent
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Ракеш,+91 99999 11111,Sky Jobs", header=header))
    assert outcomes(response)[2]["agent"] == "Ракеш · +91 99999 11111 · Sky Jobs"
    commit(signed_in, response)
    agent = RecruitingAgent.objects.get()
    assert (agent.name, agent.phone, agent.agency) == ("Ракеш", "+91 99999 11111", "Sky Jobs")
    assert list(agent.cases.values_list("person__names__full_name", flat=True)) == ["Ravi Kumar"]


def test_a_failed_commit_leaves_no_agent_behind(signed_in, db, monkeypatch):
    from homeward.registry.models import CaseAgent, RecruitingAgent
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,Rakesh,9999911111,,,", header=AGENT_HEADER))
    monkeypatch.setattr(uploads.audit, "record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        commit(signed_in, response)
    assert not RecruitingAgent.objects.exists() and not CaseAgent.objects.exists() and not Case.objects.exists()


def test_markup_in_an_agent_column_is_an_error(signed_in, db):
    response = upload(signed_in, csv_bytes("Ravi Kumar,1990,Haryana,,<b>Rakesh</b>,,,,", header=AGENT_HEADER))
    assert outcomes(response)[2]["outcome"] == "error"
    assert outcomes(response)[2]["errors"][0][0] == "agent"


# ----------------------------------------------------------------------------- one man twice in one file

def test_a_man_twice_in_one_file_becomes_one_case_with_two_reports(signed_in, db):
    content = csv_bytes(
        "Ravi Kumar,12.05.1990,Haryana,P1234567,01.05.2024",
        "Mohan Lal,1985,Bihar,,01.05.2024",
        "रवि कुमार,12.05.1990,Haryana,P1234567,02.05.2024",   # the same man in Devanagari
        "Рави Кумар,12.05.1990,Haryana,,03.05.2024",          # and in Cyrillic, without his passport
        "Mohan Lal,1987,Punjab,,03.05.2024",                   # a namesake: another man
    )
    response = upload(signed_in, content)
    rows = outcomes(response)
    assert [rows[n]["outcome"] for n in (2, 3)] == ["new", "new"]
    assert rows[4]["outcome"] == "attach" and rows[4]["same_as_row"] == 2 and rows[4]["opened_by_row"] == 2
    assert rows[4]["probability"] >= 0.9 and "passport_number" in rows[4]["explanation"]
    assert rows[5]["outcome"] == "attach" and rows[5]["opened_by_row"] == 2 and rows[5]["probability"] >= 0.9
    assert rows[6]["outcome"] == "new"
    assert "the same man as row 2" in response.content.decode()
    commit(signed_in, response)
    assert Case.objects.count() == 3
    ravi = Case.objects.get(person__names__full_name="Ravi Kumar")
    assert ravi.reports.count() == 3
    assert set(ravi.person.names.values_list("full_name", flat=True)) == {"Ravi Kumar", "रवि कुमार", "Рави Кумар"}
    assert Case.objects.filter(person__names__full_name="Mohan Lal").count() == 2


def test_a_probable_repeat_within_the_file_is_queued_for_review(signed_in, db):
    response = upload(signed_in, csv_bytes("Sunil Verma,1992,,,", "Amit Yadav,,,,", "Sunil Varma,,,,"))
    rows = outcomes(response)
    assert rows[4]["outcome"] == "review" and rows[4]["same_as_row"] == 2 and rows[4]["opened_by_row"] == 2
    assert 0.5 <= rows[4]["probability"] < 0.9
    assert "the same man as row 2" in response.content.decode()
    commit(signed_in, response)
    assert Case.objects.count() == 3
    item = ReviewItem.objects.get()
    assert item.candidate == Case.objects.get(person__names__full_name="Sunil Verma")
    assert item.case == Case.objects.get(person__names__full_name="Sunil Varma")
    assert item.origin == "upload register.csv"


def test_a_repeat_of_a_row_that_attaches_goes_to_the_registered_case(signed_in, registered):
    response = upload(signed_in, csv_bytes(
        "Harpreet Singh,14.03.1998,Punjab,Z1234567,02.05.2024",
        "हरप्रीत सिंह,14.03.1998,Punjab,,03.05.2024",
        "СИНГХ ХАРПРИТ,14.03.1998,,,03.05.2024"))
    rows = outcomes(response)
    assert all(rows[n]["outcome"] == "attach" and rows[n]["case"] == registered.reference for n in (2, 3, 4))
    commit(signed_in, response)
    assert Case.objects.count() == 1 and registered.reports.count() == 3


def _demo_names(part):
    import csv
    from pathlib import Path
    import homeward
    with (Path(homeward.__file__).parent / "demo/names.csv").open(encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle) if row["country"] == "IN" and row["part"] == part]


def test_forked_workers_find_the_same_repeats(signed_in, db, settings):
    given, family = _demo_names("given")[:50], _demo_names("family")[:50]
    people = [(f"{given[n % 50]} {family[n // 50]}", f"{n % 28 + 1:02d}.{n % 12 + 1:02d}.{1970 + n % 30}")
              for n in range(2500)]
    rows = [f"{name},{dob},Haryana,,01.05.2024" for name, dob in people]
    rows += [f"{people[7][0].upper()},{people[7][1]},Haryana,,02.05.2024", f"{people[9][0]},{people[9][1]},,,"]
    content = csv_bytes(*rows)
    alone = uploads.outcomes(upload(signed_in, content).context["upload"])
    settings.HOMEWARD_INTAKE_WORKERS = 2
    forked = uploads.outcomes(upload(signed_in, content).context["upload"])
    assert forked == alone
    assert alone[-2]["same_as_row"] == 9 and alone[-2]["outcome"] == "attach"
    assert alone[-1]["same_as_row"] == 11
    assert sum("same_as_row" in o for o in alone) < 50  # namesakes born on other days are other men
