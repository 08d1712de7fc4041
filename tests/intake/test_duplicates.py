import pytest
from django.urls import reverse

from homeward.accounts.models import User
from homeward.audit.models import AuditEntry
from homeward.intake import duplicates, services
from homeward.intake.models import ReviewItem
from homeward.registry import merging
from homeward.registry.models import Case, Report
from tabular import PartialDate

from .conftest import FAMILY


@pytest.fixture
def registered(make_case):
    return make_case("Harpreet Singh", extra_names=["СИНГХ ХАРПРИТ"], date_of_birth=PartialDate(1998, 3, 14),
                     home_state="Punjab", passport_number="Z1234567")


def ask(client, **params):
    return client.get(reverse("intake:candidates"), params).json()["candidates"]


def test_candidates_while_typing_name_and_date_of_birth(signed_in, registered, make_case):
    make_case("Ravi Kumar")
    found = ask(signed_in, full_name="Harprit Singh", date_of_birth="14.03.1998")
    assert found[0]["reference"] == registered.reference
    assert found[0]["probability"] > 0.9
    assert set(found[0]["explanation"]) >= {"name", "date_of_birth"}
    assert "СИНГХ ХАРПРИТ" in found[0]["names"]
    assert AuditEntry.objects.filter(action="search", target_id=str(registered.pk)).exists()


def test_candidates_in_another_script(signed_in, registered):
    assert ask(signed_in, full_name="हरप्रीत सिंह", date_of_birth="1998")[0]["reference"] == registered.reference


def test_candidates_stay_within_the_officers_scope(signed_in, make_case):
    make_case("Bikash Gurung", origin="NP", date_of_birth=PartialDate(1995, 1, 2))
    assert ask(signed_in, full_name="Bikash Gurung", date_of_birth="02.01.1995") == []


def test_short_input_asks_nothing(signed_in, registered):
    assert ask(signed_in, full_name="Ha") == []


def test_the_endpoint_is_for_recording_officers(client, db):
    client.force_login(User.objects.create_user("analyst", role=User.Role.ANALYST))
    assert client.get(reverse("intake:candidates"), {"full_name": "Harpreet"}).status_code == 403


def test_the_index_learns_new_cases_and_forgets_merged_ones(make_case, officer):
    first = make_case("Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14))
    query = duplicates.record_of(full_name="Mohan Lal", date_of_birth="1985-06-01")
    assert duplicates.find(query) == []
    index = duplicates.REGISTRY.current()
    second = make_case("Mohan Lal", date_of_birth=PartialDate(1985, 6, 1))
    assert duplicates.find(query)[0].reference == second.reference
    assert duplicates.REGISTRY.current() is index  # added to, not rebuilt
    merging.merge_cases(first, second, officer, "same")
    assert duplicates.find(query) == []


def test_officer_attaches_a_report_to_an_existing_case(signed_in, registered):
    data = FAMILY | {"full_name": "Harprit Singh", "other_names": "", "source_type": "mp", "channel": "letter",
                     "received_on": "2024-05-01", "origin_country": "IN", "attach_to": registered.reference}
    response = signed_in.post(reverse("intake:new_case"), data)
    assert response.status_code == 302 and registered.reference in response["Location"]
    assert Case.objects.count() == 1
    report = registered.reports.get(source_type="mp")
    assert report.channel == "letter" and report.consent_to_share
    assert "Harprit Singh" in registered.person.names.values_list("full_name", flat=True)


def test_officer_opens_a_new_case_with_officer_fields(signed_in, db, office):
    data = FAMILY | {"source_type": "ngo", "channel": "email", "received_on": "2024-05-01", "office": office.pk,
                     "sex": "M"}
    response = signed_in.post(reverse("intake:new_case"), data)
    case = Case.objects.get()
    assert response["Location"].endswith(f"/cases/{case.reference}/")
    assert case.office == office and case.person.sex == "M"
    assert case.reports.get().source_type == "ngo" and case.reports.get().received_on.isoformat() == "2024-05-01"
    assert case.recruiting_agents.get().agency == "Sky Jobs"


def test_officer_report_on_a_named_case(signed_in, registered):
    url = reverse("intake:add_report", args=[registered.reference])
    assert signed_in.get(url).status_code == 200
    signed_in.post(url, FAMILY | {"source_type": "media", "channel": "other", "received_on": "2024-05-01"})
    assert registered.reports.filter(source_type="media").exists()


def test_officer_report_on_an_out_of_scope_case_is_not_found(signed_in, make_case):
    nepali = make_case("Bikash Gurung", origin="NP")
    assert signed_in.get(reverse("intake:add_report", args=[nepali.reference])).status_code == 404


def test_review_queue_merges_or_keeps_apart(signed_in, registered, client):
    duplicate = services.submit_family_report(
        _entry(), client="10.0.0.5").case
    item = ReviewItem.objects.get()
    page = signed_in.get(reverse("intake:reviews")).content.decode()
    assert duplicate.reference in page and registered.reference in page
    signed_in.post(reverse("intake:decide", args=[item.pk]), {"decision": "same", "note": "same passport"})
    item.refresh_from_db()
    duplicate.refresh_from_db()
    assert item.state == "merged" and duplicate.status == "merged"
    assert merging.absorbed_cases(registered) == [duplicate]


def test_review_different_people(signed_in, registered):
    duplicate = services.submit_family_report(_entry(), client="10.0.0.5").case
    item = ReviewItem.objects.get()
    signed_in.post(reverse("intake:decide", args=[item.pk]), {"decision": "different", "note": ""})
    item.refresh_from_db()
    duplicate.refresh_from_db()
    assert item.state == "distinct" and duplicate.status == "reported"
    with pytest.raises(services.IntakeError):
        services.decide_review(item, same_person=True, by=None, note="")


def _entry():
    from homeward.intake.forms import FamilyReportForm
    form = FamilyReportForm(FAMILY | {"other_names": ""})
    assert form.is_valid(), form.errors
    from datetime import date
    return form.entry(source_type=Report.SourceType.FAMILY, channel=Report.Channel.WEB_FORM, received_on=date.today())


@pytest.mark.parametrize("language, source, officer_menu", [
    ("hi", "स्रोत", "संभावित दोहरे केस"), ("ne", "स्रोत", "सम्भावित दोहोरिएका मुद्दा"),
    ("ru", "Источник", "Возможные дубликаты")])
def test_duplicate_queue_in_each_language_heads_the_source_column_as_a_source(signed_in, language, source,
                                                                             officer_menu):
    # "From" is a date filter's start elsewhere ("से", "С"); here it is where the possible duplicate came from.
    html = signed_in.get(reverse("intake:reviews"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in html and f"<th>{source}</th>" in html and officer_menu in html


def test_a_family_report_is_checked_only_against_cases_of_its_own_country(officer, make_case):
    make_case("Harpreet Singh", origin="NP", date_of_birth=PartialDate(1998, 3, 14), home_state="Punjab",
              passport_number="Z1234567")
    services.submit_family_report(_entry(), client="10.0.0.5")
    assert not ReviewItem.objects.exists()  # it would pair cases of two countries: no officer could see it


def test_a_family_report_s_duplicate_of_its_own_country_is_queued_where_an_officer_sees_it(officer, make_case):
    from homeward.access import visible_cases
    from homeward.intake import selectors
    make_case("Harpreet Singh", origin="NP", date_of_birth=PartialDate(1998, 3, 14), home_state="Punjab",
              passport_number="Z1234567")
    indian = make_case("Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14), home_state="Punjab",
                       passport_number="Z1234567")
    duplicate = services.submit_family_report(_entry(), client="10.0.0.6").case
    item = ReviewItem.objects.get()
    assert item.case == duplicate and item.candidate == indian
    assert list(selectors.open_reviews(visible_cases(officer))) == [item]


def test_the_queue_gives_the_engine_s_reasons_in_the_page_language(signed_in, registered):
    services.submit_family_report(_entry(), client="10.0.0.5")
    assert ReviewItem.objects.exists()
    html = signed_in.get(reverse("intake:reviews"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "дата рождения: точное совпадение (+" in html and "date_of_birth: exact" not in html
    english = signed_in.get(reverse("intake:reviews"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "date of birth: exact (+" in english


def test_candidates_while_typing_come_with_reasons_in_the_page_language(signed_in, registered):
    found = signed_in.get(reverse("intake:candidates"), {"full_name": "Harprit Singh", "date_of_birth": "14.03.1998"},
                          HTTP_ACCEPT_LANGUAGE="hi").json()["candidates"]
    assert "जन्म तिथि: पूरी तरह मेल (+" in " ".join(found[0]["why"])
    assert set(found[0]["explanation"]) >= {"name", "date_of_birth"}   # the engine's own words stay too
