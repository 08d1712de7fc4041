from django.db import connection
from django.urls import reverse

from homeward import crypto
from homeward.audit.models import AuditEntry
from homeward.registry import identifiers
from homeward.registry.models import PersonIdentifier


def test_the_database_holds_no_plaintext_passport_numbers(make_case):
    make_case(passport_number="K 1234567", phone="+91 98140 00001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_personidentifier")
        raw = repr(cursor.fetchall())
    assert "1234567" not in raw and "98140" not in raw
    passport = PersonIdentifier.objects.get(kind="passport")
    assert passport.value == "K1234567" and passport.display == "••••4567"


def test_numbers_are_found_by_their_keyed_hash_however_typed(make_case):
    case = make_case(passport_number="k1234567", phone="+91 98140 00001")
    assert list(identifiers.persons_with("passport", "K-123 4567")) == [case.person_id]
    assert list(identifiers.persons_with("phone", "098140 00001")) == [case.person_id]
    assert not list(identifiers.persons_with("passport", "K1234568"))


def test_rotation_keeps_values_readable(make_case, monkeypatch):
    from cryptography.fernet import Fernet

    make_case(passport_number="K1234567")
    old_key = crypto._development_key("field-encryption").decode()
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("HOMEWARD_FIELD_KEYS", f"{new_key},{old_key}")
    crypto.reset_keys()
    try:
        from django.core.management import call_command
        call_command("rotate_field_keys")
        monkeypatch.setenv("HOMEWARD_FIELD_KEYS", new_key)
        crypto.reset_keys()
        assert PersonIdentifier.objects.get(kind="passport").value == "K1234567"
    finally:
        monkeypatch.delenv("HOMEWARD_FIELD_KEYS")
        crypto.reset_keys()


def test_case_page_masks_and_reveal_is_audited(client, officer, make_case):
    case = make_case(passport_number="K1234567")
    client.force_login(officer)
    html = client.get(reverse("registry:case_detail", args=[case.reference])).content.decode()
    assert "K1234567" not in html and "••••4567" in html
    passport = PersonIdentifier.objects.get(kind="passport")
    response = client.post(reverse("registry:reveal_identifier", args=[case.reference, passport.pk]))
    assert "K1234567" in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", target_id=str(passport.pk), user=officer).exists()
    assert client.get(reverse("registry:reveal_identifier", args=[case.reference, passport.pk])).status_code == 405
