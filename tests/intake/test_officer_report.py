"""An officer's report form: only cases the officer may see are opened, and a chosen case is kept."""

import pytest
from django.urls import reverse

from homeward.accounts.models import Office, User
from homeward.audit.models import AuditEntry
from homeward.intake import services
from homeward.registry.models import Case, Report
from tabular import PartialDate

from .conftest import FAMILY

OFFICER_FIELDS = {"source_type": "ngo", "channel": "email", "received_on": "2024-05-01"}


@pytest.fixture
def nepal_office(db):
    return Office.objects.create(code="np-embassy-moscow", name="Embassy of Nepal, Moscow", country="NP")


@pytest.fixture
def mission(db, office):
    return User.objects.create_user("mission", password="x", role=User.Role.MISSION_OFFICER, office=office)


def post(client, **changes):
    return client.post(reverse("intake:new_case"), FAMILY | OFFICER_FIELDS | changes)


def test_office_choices_are_the_offices_one_may_file_into(client, officer, mission, office, nepal_office):
    other_indian = Office.objects.create(code="in-consulate-spb", name="Consulate of India, St Petersburg",
                                         country="IN")
    client.force_login(officer)
    offices = client.get(reverse("intake:new_case")).context["form"].fields["office"].queryset
    assert set(offices) == {office, other_indian}
    client.force_login(mission)
    offices = client.get(reverse("intake:new_case")).context["form"].fields["office"].queryset
    assert list(offices) == [office]


def test_a_mission_officer_cannot_file_into_another_office(client, mission, nepal_office):
    client.force_login(mission)
    response = post(client, office=nepal_office.pk)
    assert response.status_code == 200
    assert "You may not file cases into that office." in response.content.decode()
    assert Case.objects.count() == 0


def test_an_hq_officer_cannot_open_a_case_of_another_country(client, officer):
    client.force_login(officer)
    response = post(client, origin_country="NP", office="")
    assert response.status_code == 200
    assert "You may only open cases of India." in response.content.decode()
    assert Case.objects.count() == 0


def test_a_case_one_could_not_see_is_never_opened(client, db):
    # A mission officer without an office sees only the cases granted to him: a new case would be lost to him.
    drifter = User.objects.create_user("drifter", password="x", role=User.Role.MISSION_OFFICER)
    client.force_login(drifter)
    response = post(client, office="")
    assert response.status_code == 200
    assert "outside the cases you may see" in response.content.decode()
    assert Case.objects.count() == 0 and Report.objects.count() == 0
    assert not AuditEntry.objects.filter(target_type="registry.case").exists()


def test_the_service_refuses_a_case_outside_the_officers_scope(mission, nepal_office):
    from .test_duplicates import _entry
    entry = _entry()
    entry.office = nepal_office
    with pytest.raises(services.IntakeError, match="outside the cases you may see"):
        services.open_case(entry, by=mission)
    assert Case.objects.count() == 0


@pytest.fixture
def registered(make_case):
    return make_case("Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14), home_state="Punjab")


def test_the_chosen_case_is_kept_when_the_form_comes_back(client, officer, registered):
    client.force_login(officer)
    response = post(client, attach_to=registered.reference, received_on="2099-12-01")
    html = response.content.decode()
    assert "That date is in the future." in html
    assert f'name="attach_to" id="attach_to" value="{registered.reference}"' in html
    assert '<p id="attach-note">' in html and f'<strong id="attach-ref">{registered.reference}</strong>' in html
    # Corrected, the report goes to the chosen case: no duplicate case.
    response = post(client, attach_to=registered.reference)
    assert response.status_code == 302 and Case.objects.count() == 1
    assert registered.reports.filter(source_type="ngo").exists()


def test_a_case_one_may_not_see_is_neither_kept_nor_silently_replaced(client, officer, make_case):
    nepali = make_case("Bikash Gurung", origin="NP")
    client.force_login(officer)
    html = post(client, attach_to=nepali.reference, received_on="2099-12-01").content.decode()
    assert nepali.reference not in html.replace(f"No case {nepali.reference}", "")
    assert '<p id="attach-note" hidden>' in html
    response = post(client, attach_to=nepali.reference)
    assert response.status_code == 200 and f"No case {nepali.reference} that you may see." in response.content.decode()
    assert Case.objects.count() == 1
