import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from homeward.appendonly import AppendOnlyError
from homeward.audit.models import AuditEntry
from homeward.registry import services

from ..conftest import day


def test_reading_a_case_page_is_audited_with_the_request_id(client, officer, make_case, settings):
    settings.TRUSTED_PROXIES = 1   # the proxy in front gives each request its id
    case = make_case()
    client.force_login(officer)
    response = client.get(reverse("registry:case_detail", args=[case.reference]), HTTP_X_REQUEST_ID="req-123")
    entry = AuditEntry.objects.filter(action="view").get()
    assert (entry.user, entry.target_type, entry.target_id, entry.request_id) == (officer, "registry.case", str(case.pk), "req-123")
    assert response["X-Request-Id"] == "req-123"


def test_a_visitor_cannot_choose_the_request_id_of_audit_entries(client, officer, make_case):
    case = make_case()
    client.force_login(officer)
    response = client.get(reverse("registry:case_detail", args=[case.reference]), HTTP_X_REQUEST_ID="req-123")
    entry = AuditEntry.objects.filter(action="view").get()
    assert entry.request_id != "req-123" and response["X-Request-Id"] == entry.request_id


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "203.0.113.9", "10.0.0.1"),                 # no proxy: X-Forwarded-For is the visitor's to invent
    (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the address our proxy saw, not what the visitor wrote
    (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),
    (2, "10.0.0.7", "10.0.0.1"),                    # fewer hops than proxies: not through them
])
def test_the_client_address_behind_trusted_proxies(rf, settings, proxies, forwarded, expected):
    from homeward.access.client import client_address

    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == expected


def test_search_results_showing_persons_are_audited(client, officer, make_case):
    make_case("Harpreet Singh")
    make_case("Ravi Kumar")
    client.force_login(officer)
    client.get(reverse("registry:case_list"), {"q": "singh"})
    assert AuditEntry.objects.filter(action="search").count() == 1


def test_changes_are_audited_with_their_values(officer, make_case):
    case = make_case()
    services.record_event(case=case, kind="identified", occurred_on=day("2024-04-01"), recorded_by=officer)
    entry = AuditEntry.objects.filter(target_type="registry.caseevent", user=officer).get()
    assert entry.changes["after"]["kind"] == "identified"
    assert AuditEntry.objects.filter(target_type="registry.case", action="create").exists()


def test_audit_entries_cannot_be_changed_through_the_orm(officer, make_case):
    make_case()
    entry = AuditEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_audit_entries(make_case):
    make_case()
    entry = AuditEntry.objects.first()
    for statement in ("UPDATE audit_auditentry SET detail = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])


def test_administrators_search_and_export_the_log(client, officer, make_case, db):
    from homeward.accounts.models import User

    case = make_case()
    client.force_login(officer)
    client.get(reverse("registry:case_detail", args=[case.reference]))
    admin = User.objects.create_user("admin", role=User.Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(reverse("audit:log"), {"user": "officer", "action": "view"})
    assert page.status_code == 200 and [e.target_id for e in page.context["page"]] == [str(case.pk)]
    export = client.get(reverse("audit:log"), {"user": "officer", "format": "csv"})
    text = export.content.decode()
    assert text.splitlines()[0].startswith("at,user,request_id,action")
    assert AuditEntry.objects.filter(action="export", user=admin).exists()
    client.force_login(officer)
    assert client.get(reverse("audit:log")).status_code == 403


def test_hq_officers_see_who_looked_at_a_case(client, officer, make_case):
    from homeward.accounts.models import User

    case = make_case()
    colleague = User.objects.create_user("colleague", role=User.Role.HQ_OFFICER, country="IN")
    client.force_login(colleague)
    client.get(reverse("registry:case_detail", args=[case.reference]))
    client.force_login(officer)
    html = client.get(reverse("registry:case_detail", args=[case.reference])).content.decode()
    assert "Who looked at this case" in html and "colleague" in html
