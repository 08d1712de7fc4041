"""A man the host lists whom we do not know is shown only to the officers of his country.

The host's citizenship column decides; without one we recognise, the country of the officer who
imported the list; on a list nobody of an origin country imported, the one country whose cases were
ever asked of that partner; failing that, administrators only.
"""

import pytest
from django.urls import reverse

from homeward.accounts.models import Office, User
from homeward.audit.models import AuditEntry
from homeward.exchange import selectors, services
from homeward.exchange.models import Discrepancy, Response, ResponseRow
from homeward.registry.models import Case

from .conftest import as_cp1251_csv, response_rows

HEADERS = ["наш номер", "ФИО", "Дата рождения", "Номер паспорта", "Воинская часть", "Статус", "Дата", "Гражданство"]
# Three men the registry does not hold, as the host lists them.
INDIAN = {"ФИО": "БХУПИНДЕР БРАР", "Дата рождения": "01.01.1979", "Номер паспорта": "Z9100001",
          "Гражданство": "Республика Индия"}
NEPALI = {"ФИО": "ДЖАСВИНДЕР БАДЖВА", "Дата рождения": "02.02.1980", "Номер паспорта": "Z9100002",
          "Гражданство": "НЕПАЛ"}
UNSTATED = {"ФИО": "ТАРСЕМ АУЛАКХ", "Дата рождения": "03.03.1981", "Номер паспорта": "Z9100003",
            "Гражданство": ""}


def host_list(known=(), strangers=(INDIAN, NEPALI, UNSTATED)) -> bytes:
    """A UTF-8 list with a citizenship column: our asked men by reference, then the strangers."""
    rows = []
    for row in known:
        rows.append({**row, "Гражданство": "Индия"})
    for stranger in strangers:
        rows.append({"наш номер": "", "Воинская часть": "в/ч 01234", "Статус": "в строю", "Дата": "15.05.2024",
                     **stranger})
    lines = [";".join(HEADERS)] + [";".join(r.get(h, "") for h in HEADERS) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture
def asked(registry60, partner, officer):
    cases = [c for c in registry60[:8] if c.reports.filter(consent_to_share=True).exists()][:6]
    services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk__in=[c.pk for c in cases]),
                            by=officer)
    return cases


def known_rows(cases):
    rows = response_rows(cases)[:len(cases)]
    for row, case in zip(rows, cases):
        row["наш номер"] = case.reference
    return rows


def imported(partner, content, by, name="otvet.csv") -> Response:
    result = services.import_response(partner=partner, content=content, file_name=name, by=by)
    assert result.errors == []
    return result.response


@pytest.fixture
def nepal(db):
    return User.objects.create_user("nepal", password="x", role=User.Role.HQ_OFFICER, country="NP")


@pytest.fixture
def nepal_mission(db):
    embassy = Office.objects.create(code="np-embassy-moscow", name="Embassy of Nepal, Moscow", country="NP")
    return User.objects.create_user("np-mission", password="x", role=User.Role.MISSION_OFFICER, office=embassy)


@pytest.fixture
def india_mission(db):
    consulate = Office.objects.create(code="in-consulate-spb", name="Consulate of India, St Petersburg", country="IN")
    return User.objects.create_user("in-mission", password="x", role=User.Role.MISSION_OFFICER, office=consulate)


@pytest.fixture
def administrator(db):
    return User.objects.create_user("admin", password="x", role=User.Role.ADMINISTRATOR)


@pytest.fixture
def liaison(partner):
    return User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner)


@pytest.fixture
def answered(asked, partner, officer):
    """The host's answer, imported by India's officer: our six men, and an Indian, a Nepali and a man
    whose citizenship the host does not give."""
    return imported(partner, host_list(known_rows(asked)), officer)


def host_only_names(response, user) -> set[str]:
    return {r.full_name for r in selectors.visible_rows(response.response_rows.all(), user) if r.case_id is None}


def item_names(user) -> set[str]:
    return {i.row.full_name for i in selectors.open_discrepancies(None, user) if i.kind == Discrepancy.Kind.HOST_ONLY}


def item_of(stranger) -> Discrepancy:
    return Discrepancy.objects.get(kind=Discrepancy.Kind.HOST_ONLY, row__full_name=stranger["ФИО"])


# ---------------------------------------------------------------- what each officer sees


def test_a_nepali_officer_does_not_see_an_indian_host_only_row_and_an_indian_one_does(client, answered, officer,
                                                                                      nepal):
    assert answered.response_rows.filter(link=ResponseRow.Link.HOST_ONLY).count() == 3
    for user, shown, hidden in [(officer, {INDIAN["ФИО"], UNSTATED["ФИО"]}, {NEPALI["ФИО"]}),
                                (nepal, {NEPALI["ФИО"]}, {INDIAN["ФИО"], UNSTATED["ФИО"]})]:
        assert host_only_names(answered, user) == shown
        assert item_names(user) == shown
        client.force_login(user)
        for page in (client.get(reverse("exchange:response", args=[answered.pk])),
                     client.get(reverse("exchange:reconciliation"))):
            html = page.content.decode()
            assert page.status_code == 200
            assert all(name in html for name in shown) and not any(name in html for name in hidden)
    # Nor may he act on the Indian: the item answers 404 as a case out of his scope does.
    client.force_login(nepal)
    indian = item_of(INDIAN)
    assert client.post(reverse("exchange:new_case", args=[indian.pk])).status_code == 404
    assert client.post(reverse("exchange:discrepancy", args=[indian.pk]),
                       {"state": "resolved", "note": "not ours"}).status_code == 404
    indian.refresh_from_db()
    assert indian.state == Discrepancy.State.OPEN and indian.case is None and not indian.entries.exists()


def test_the_response_page_says_how_many_host_only_rows_it_does_not_show(client, answered, officer, nepal):
    client.force_login(nepal)
    page = client.get(reverse("exchange:response", args=[answered.pk]))
    assert page.context["unseen_host_only"] == 2
    assert "2 host-only rows of this list are not shown to you" in page.content.decode()
    client.force_login(officer)
    page = client.get(reverse("exchange:response", args=[answered.pk]))
    assert page.context["unseen_host_only"] == 1 and "1 host-only row of this list is not shown" in \
        page.content.decode()


def test_a_mission_officer_sees_the_host_only_men_of_the_country_his_office_serves(answered, india_mission,
                                                                                     nepal_mission):
    assert host_only_names(answered, india_mission) == item_names(india_mission) == {INDIAN["ФИО"], UNSTATED["ФИО"]}
    assert host_only_names(answered, nepal_mission) == item_names(nepal_mission) == {NEPALI["ФИО"]}


def test_the_administrator_sees_all(client, answered, administrator, partner):
    everyone = {INDIAN["ФИО"], NEPALI["ФИО"], UNSTATED["ФИО"]}
    nobodys = imported(partner, host_list(strangers=[{**UNSTATED, "ФИО": "САТНАМ БАЙНС"}]), None, "cli.csv")
    assert host_only_names(answered, administrator) == everyone
    assert host_only_names(nobodys, administrator) == {"САТНАМ БАЙНС"}
    assert item_names(administrator) == everyone | {"САТНАМ БАЙНС"}
    client.force_login(administrator)
    html = client.get(reverse("exchange:reconciliation")).content.decode()
    assert all(name in html for name in everyone | {"САТНАМ БАЙНС"})


def test_no_other_role_sees_a_host_only_man(answered, liaison, db):
    analyst = User.objects.create_user("analyst", role=User.Role.ANALYST, country="IN")
    stray = User.objects.create_user("stray", role=User.Role.HQ_OFFICER)  # no country set
    for user in (liaison, analyst, stray):
        assert host_only_names(answered, user) == set() and item_names(user) == set()


# ---------------------------------------------------------------- without a citizenship we recognise


@pytest.mark.parametrize("importer, seen_by", [
    ("officer", {"officer", "india_mission", "administrator"}),
    ("nepal", {"nepal", "nepal_mission", "administrator"}),
    ("nepal_mission", {"nepal", "nepal_mission", "administrator"}),
    # no officer imported it (the host's own upload, the command line, an administrator): the partner
    # was only ever asked about Indian cases, so the man is most likely Indian
    ("liaison", {"officer", "india_mission", "administrator"}),
    (None, {"officer", "india_mission", "administrator"}),
    ("administrator", {"officer", "india_mission", "administrator"}),
])
def test_blank_citizenship_follows_the_importers_country(request, asked, partner, importer, seen_by):
    users = {name: request.getfixturevalue(name) for name in
             ("officer", "nepal", "india_mission", "nepal_mission", "liaison", "administrator")}
    unknown = {**UNSTATED, "Гражданство": "ФРГ"}   # written, but no origin country we recognise
    response = imported(partner, host_list(strangers=[UNSTATED, unknown]), users[importer] if importer else None)
    assert list(response.response_rows.values_list("citizenship", "citizenship_text")) == [("", ""), ("", "ФРГ")]
    for name, user in users.items():
        expected = {UNSTATED["ФИО"]} if name in seen_by else set()
        assert host_only_names(response, user) == expected, name
        assert item_names(user) == expected, name


@pytest.mark.parametrize("importer", ["liaison", None, "administrator"])
def test_blank_citizenship_on_a_list_no_officer_imported_is_for_administrators_when_two_countries_asked(
        request, asked, partner, importer, nepal):
    """Once the partner has been asked about Nepali cases too, nothing says whose national he is."""
    from homeward.registry import services as registry
    from tabular import PartialDate
    from .conftest import at, day
    nepali = registry.create_case(
        person=registry.PersonInput(names=[registry.NameInput(full_name="Sunita Tamang")],
                                    date_of_birth=PartialDate(1990, 4, 5)),
        origin_country="NP", host_country="RU", reported_on=day("2024-03-01"), recorded_at=at("2024-03-02T10:00"),
        report=registry.ReportInput(source_type="family", received_on=day("2024-03-01").first_day,
                                    reporter_name="Her mother", contact="+977 9800000000", consent_to_share=True))
    services.export_request(partner=partner, ask="identify", cases=Case.objects.filter(pk=nepali.pk), by=nepal)
    users = {name: request.getfixturevalue(name) for name in
             ("officer", "nepal", "india_mission", "nepal_mission", "liaison", "administrator")}
    response = imported(partner, host_list(strangers=[UNSTATED]), users[importer] if importer else None)
    for name, user in users.items():
        expected = {UNSTATED["ФИО"]} if name == "administrator" else set()
        assert host_only_names(response, user) == expected, name


def test_the_command_line_imports_on_behalf_of_an_officer(asked, partner, officer, nepal, liaison, tmp_path):
    """`--by` is the import page's importer: recorded, and deciding whom a blank citizenship is shown to."""
    import io

    from django.core.management import CommandError, call_command
    path = tmp_path / "otvet.csv"
    path.write_bytes(host_list(strangers=[UNSTATED]))
    for username, message in [("nobody", "no active user 'nobody'"), ("liaison", "'liaison' is not an officer")]:
        with pytest.raises(CommandError, match=message):
            call_command("exchange", "import", "--partner", "RU-MOD", str(path), "--by", username, stdout=io.StringIO())
    assert not Response.objects.exists()
    call_command("exchange", "import", "--partner", "RU-MOD", str(path), "--by", "nepal", stdout=io.StringIO())
    response = Response.objects.get()
    assert response.imported_by == nepal
    assert host_only_names(response, nepal) == {UNSTATED["ФИО"]} and host_only_names(response, officer) == set()


def test_a_rejected_link_stays_with_the_officers_who_see_its_case(asked, partner, officer, nepal, liaison, client):
    """The host-only item a rejection opens is about no case; the officer who rejected the link still sees
    it, even on a list the liaison uploaded without citizenship. The liaison never sees it."""
    rows = response_rows(asked)[:len(asked)]
    for row in rows:
        row["наш номер"] = ""
    response = imported(partner, as_cp1251_csv(rows), liaison)
    row = response.response_rows.get(number=2)
    assert row.link in (ResponseRow.Link.AUTO, ResponseRow.Link.REVIEW) and row.citizenship == ""
    services.decide(row, ResponseRow.Decision.REJECTED, by=officer, reason="his brother")
    item = Discrepancy.objects.get(kind=Discrepancy.Kind.HOST_ONLY, row=row)
    assert item.case is None
    assert item in selectors.open_discrepancies(None, officer)
    assert item not in selectors.open_discrepancies(None, nepal)
    client.force_login(liaison)
    page = client.get(reverse("exchange:liaison_discrepancies"))
    assert item.pk not in [i.pk for i, _age, _shared in page.context["items"]]


# ---------------------------------------------------------------- the column itself


@pytest.mark.parametrize("text, code", [
    ("Индия", "IN"), ("ИНДИЯ", "IN"), ("Республика Индия", "IN"), ("  республика   индия ", "IN"),
    ("гражданин Республики Индия", "IN"), ("India", "IN"), ("Republic of India", "IN"), ("IN", "IN"),
    ("in", "IN"), ("IND", "IN"), ("भारत", "IN"), ("Индия (IND)", "IN"), ("Индия / РФ", "IN"),
    ("Непал", "NP"), ("Nepal", "NP"), ("नेपाल", "NP"), ("Федеративная Демократическая Республика Непал", "NP"),
    ("Шри-Ланка", "LK"), ("Шри Ланка", "LK"), ("Sri Lanka", "LK"), ("श्रीलंका", "LK"),
    ("Бангладеш", "BD"), ("People's Republic of Bangladesh", "BD"), ("Пакистан", "PK"), ("PK", "PK"),
    ("Бутан", "BT"), ("Bhutan", "BT"), ("Мьянма", "MM"), ("Burma", "MM"), ("Republic of the Union of Myanmar", "MM"),
    ("", ""), ("   ", ""), ("неизвестно", ""), ("РФ", ""), ("Россия", ""), ("Индия, Непал", ""), ("Индонезия", ""),
    ("Republic", ""),
])
def test_the_citizenship_names_an_origin_country_or_nothing(text, code):
    from homeward.exchange.citizenship import citizenship_code

    assert citizenship_code(text) == code


def test_every_spelling_names_one_country():
    from homeward.exchange.citizenship import COUNTRY_NAMES, _key

    seen = {}
    for code, names in COUNTRY_NAMES.items():
        for name in names:
            assert seen.setdefault(_key(name), code) == code, name


def test_the_row_keeps_the_citizenship_as_written_and_officers_read_it(client, answered, officer):
    row = answered.response_rows.get(full_name=INDIAN["ФИО"])
    assert (row.citizenship, row.citizenship_text) == ("IN", "Республика Индия")
    assert answered.response_rows.get(full_name=NEPALI["ФИО"]).citizenship == "NP"
    assert {r.citizenship for r in answered.response_rows.exclude(case=None)} == {"IN"}
    client.force_login(officer)
    assert "Республика Индия" in client.get(reverse("exchange:response", args=[answered.pk])).content.decode()
    html = client.get(reverse("exchange:reconciliation")).content.decode()
    assert "Their citizenship: Республика Индия" in html
    # The men the host lists are read by whoever sees them there.
    assert AuditEntry.objects.filter(user=officer, action="view", target_type="exchange.responserow",
                                     target_id=str(row.pk)).count() == 2


def test_the_likely_duplicate_page_shows_their_citizenship(client, registry60, partner, officer):
    """The man of a case never asked of the partner comes back host-only: the page shows what the host says."""
    known = registry60[30]
    rows = response_rows([known])[:1]
    rows[0].update({"наш номер": "", "Гражданство": "India"})
    response = imported(partner, host_list(strangers=rows), officer)
    item = Discrepancy.objects.get(kind=Discrepancy.Kind.HOST_ONLY, response=response)
    client.force_login(officer)
    page = client.post(reverse("exchange:new_case", args=[item.pk]))
    assert page.status_code == 200 and known.reference in page.content.decode()
    assert "Their citizenship: India" in page.content.decode()


def test_a_file_without_a_citizenship_column_still_imports(asked, partner, officer, nepal):
    rows = response_rows(asked)
    result = services.import_response(partner=partner, content=as_cp1251_csv(rows), file_name="old.csv", by=officer)
    assert result.errors == [] and result.counts["host_only"] >= 1
    assert set(result.response.response_rows.values_list("citizenship", "citizenship_text")) == {("", "")}
    assert host_only_names(result.response, officer) and not host_only_names(result.response, nepal)


def test_an_overlong_citizenship_is_named_and_nothing_is_written(asked, partner, officer):
    content = host_list(known_rows(asked), strangers=[INDIAN, {**NEPALI, "Гражданство": "Н" * 201}])
    result = services.import_response(partner=partner, content=content, file_name="long.csv", by=officer)
    row = len(asked) + 3   # the header, our men, the Indian
    assert result.response is None
    assert result.errors == [f'row {row}, column "Гражданство": longer than 200 characters']
    assert not Response.objects.exists() and not ResponseRow.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_leaves_existing_rows_blank(partner):
    from datetime import datetime, timezone

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = ("exchange", "0007_remove_discrepancy_note"), ("exchange", "0008_response_row_citizenship")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        apps = executor.loader.project_state([before]).apps
        old_response = apps.get_model("exchange", "Response").objects.create(
            partner_id=partner.pk, file_name="old.csv", file_sha256="0" * 64,
            imported_at=datetime(2024, 5, 1, tzinfo=timezone.utc), rows=1)
        apps.get_model("exchange", "ResponseRow").objects.create(
            response_id=old_response.pk, number=2, full_name="ИВАН", status_word="в строю", event="identified",
            link="host_only")
        executor.loader.build_graph()
        executor.migrate([after])
        assert list(ResponseRow.objects.values_list("citizenship", "citizenship_text")) == [("", "")]
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("exchange"))


def test_the_scope_of_each_role(officer, nepal, nepal_mission, india_mission, administrator, liaison):
    from django.contrib.auth.models import AnonymousUser

    from homeward.access.scoping import exchange_origin, users_of_origin

    assert [exchange_origin(u) for u in (officer, nepal, nepal_mission, india_mission, administrator, liaison,
                                         AnonymousUser())] == ["IN", "NP", "NP", "IN", None, "", ""]
    assert set(users_of_origin("NP")) == {nepal, nepal_mission}
    assert set(users_of_origin("IN")) == {officer, india_mission} and not users_of_origin("").exists()


@pytest.mark.parametrize("language, column, unseen", [
    ("hi", "उनकी सूची में नागरिकता", "इस सूची की 2 पंक्तियाँ"),
    ("ne", "उनीहरूको सूचीमा नागरिकता", "यस सूचीका 2 पङ्क्तिहरू"),
    ("ru", "Гражданство по их данным", "2 строки этого списка"),
])
def test_the_new_words_in_each_language(client, answered, nepal, language, column, unseen):
    client.force_login(nepal)
    page = client.get(reverse("exchange:response", args=[answered.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert f'lang="{language}"' in html and f"<th>{column}</th>" in html and unseen in html
