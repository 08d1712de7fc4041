"""Changes of who may see what, made in the Django admin, are on the audit trail like any other change."""

import pytest
from django.urls import reverse

from homeward.accounts.models import Office, Partner, User
from homeward.audit.models import AuditEntry


@pytest.fixture
def root(db):
    return User.objects.create_user("root", password="correct horse battery", role=User.Role.ADMINISTRATOR,
                                    is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def user_form(user, **changes):
    data = {"username": user.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
            "date_joined_0": "2024-01-01", "date_joined_1": "10:00:00", "role": user.role,
            "office": user.office_id or "", "country": user.country, "partner": user.partner_id or ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_role_and_office_change_in_the_admin_is_audited_with_before_and_after(admin_client, root, office):
    consulate = Office.objects.create(code="in-consulate-kazan", name="Consulate of India, Kazan", country="IN")
    mission = User.objects.create_user("mission", role=User.Role.MISSION_OFFICER, office=office, country="IN")
    response = admin_client.post(reverse("admin:accounts_user_change", args=[mission.pk]),
                                 user_form(mission, role=User.Role.HQ_OFFICER, office=consulate.pk, country="NP"))
    assert response.status_code == 302, response.content.decode()[:2000]
    mission.refresh_from_db()
    assert (mission.role, mission.office, mission.country) == (User.Role.HQ_OFFICER, consulate, "NP")
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(mission.pk), action="change")
    assert entry.user == root and entry.detail == "admin"
    assert entry.changes["before"] == {"country": "IN", "office": "in-embassy-moscow", "role": "mission_officer"}
    assert entry.changes["after"] == {"country": "NP", "office": "in-consulate-kazan", "role": "hq_officer"}


def test_making_someone_a_superuser_is_audited_and_saving_unchanged_writes_nothing(admin_client, root):
    analyst = User.objects.create_user("analyst", role=User.Role.ANALYST)
    url = reverse("admin:accounts_user_change", args=[analyst.pk])
    assert admin_client.post(url, user_form(analyst)).status_code == 302
    assert not AuditEntry.objects.filter(target_type="accounts.user", target_id=str(analyst.pk)).exists()
    assert admin_client.post(url, user_form(analyst, is_staff="on", is_superuser="on")).status_code == 302
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(analyst.pk))
    assert entry.changes == {"before": {"is_staff": False, "is_superuser": False},
                             "after": {"is_staff": True, "is_superuser": True}}


def test_a_user_added_in_the_admin_is_audited(admin_client, root):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "newcomer", "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
        "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(newcomer.pk), action="create")
    assert entry.changes["after"]["role"] == User.Role.HQ_OFFICER and entry.user == root


def test_a_password_set_in_the_admin_is_audited_without_the_password(admin_client, root):
    other = User.objects.create_user("other", password="first passphrase 123", role=User.Role.ANALYST)
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[other.pk]), {
        "password1": "second passphrase 456", "password2": "second passphrase 456", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(other.pk))
    assert entry.changes["after"] == {"password": "changed"} and "456" not in str(entry.changes)


def test_office_and_partner_changes_and_deletions_in_the_admin_are_audited(admin_client, root):
    office = Office.objects.create(code="np-consulate", name="Consulate", country="NP")
    response = admin_client.post(reverse("admin:accounts_office_change", args=[office.pk]),
                                 {"code": "np-consulate", "name": "Consulate", "country": "IN"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(target_type="accounts.office", target_id=str(office.pk))
    assert entry.changes == {"before": {"country": "NP"}, "after": {"country": "IN"}}
    response = admin_client.post(reverse("admin:accounts_partner_add"),
                                 {"code": "UA-MOD", "name": "Ministry", "country": "UA", "language": "uk"})
    assert response.status_code == 302
    partner = Partner.objects.get(code="UA-MOD")
    assert AuditEntry.objects.filter(target_type="accounts.partner", target_id=str(partner.pk), action="create").exists()
    response = admin_client.post(reverse("admin:accounts_office_delete", args=[office.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Office.objects.filter(pk=office.pk).exists()
    deleted = AuditEntry.objects.get(target_type="accounts.office", target_id=str(office.pk), detail="admin: deleted")
    assert deleted.user == root and deleted.changes["before"]["code"] == "np-consulate"
