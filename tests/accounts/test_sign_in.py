import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import User


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def next_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, t0=device.t0 - device.step):06d}"


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2")


def test_wrong_passwords_pause_the_account(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "officer", "password": "wrong password"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_clears_earlier_failures(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client.post(reverse("login"), {"username": "officer", "password": "wrong password"})
    client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    assert client.session["_auth_user_id"] == str(officer.pk)


def sign_in(client, password, address, username="officer"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_from_elsewhere_never_refuse_the_right_one(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for i in range(5):
        sign_in(client, "wrong password", f"203.0.113.{i + 1}")
    for _ in range(3):
        sign_in(client, "wrong password", "203.0.113.99")
    response = sign_in(client, "correct horse battery", "198.51.100.5")
    assert "Too many failed attempts" not in response.content.decode()
    assert client.session["_auth_user_id"] == str(officer.pk)
    # The address that failed three times still waits, and the right password from elsewhere did not free it.
    client.logout()
    response = sign_in(client, "correct horse battery", "203.0.113.99")
    assert "Too many failed attempts" in response.content.decode() and "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_failures_count_at_the_address_it_saw(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    for _ in range(2):
        client.post(reverse("login"), {"username": "officer", "password": "wrong password"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"},
                REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert client.session["_auth_user_id"] == str(officer.pk)
    from homeward.accounts.models import FailedLogin
    assert set(FailedLogin.objects.values_list("client_address", flat=True)) == {"203.0.113.9"}


def test_one_address_failing_on_many_accounts_waits(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    from homeward.accounts import services
    for i in range(2 * services.ADDRESS_LIMIT_FACTOR):
        response = sign_in(client, "wrong password", "203.0.113.7", username=f"someone{i}")
        assert "Too many failed attempts" not in response.content.decode()
    response = sign_in(client, "correct horse battery", "203.0.113.7")
    assert "Too many failed attempts" in response.content.decode() and "_auth_user_id" not in client.session
    sign_in(client, "correct horse battery", "203.0.113.8")
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.fixture
def second_factor_on(settings):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp delays retries after a wrong code; tests retry at once


def test_staff_must_set_up_and_use_a_second_factor(client, officer, second_factor_on):
    client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    response = client.get(reverse("registry:case_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))

    setup = client.get(reverse("second_factor"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post(reverse("second_factor"), {"token": "000000"}).status_code == 200
    confirmed = client.post(reverse("second_factor"), {"token": current_code(device)})
    codes = confirmed.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("registry:case_list")).status_code == 200

    # next sign-in: a recovery code works once
    client.logout()
    client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    assert client.get(reverse("registry:case_list")).status_code == 302
    assert client.post(reverse("second_factor"), {"token": codes[0], "next": "/"}).status_code == 302
    assert client.get(reverse("registry:case_list")).status_code == 200
    client.logout()
    client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    response = client.post(reverse("second_factor"), {"token": codes[0]})
    assert "That code is not right" in response.content.decode()


def test_open_redirects_are_refused(client, officer, second_factor_on):
    client.force_login(officer)
    device = TOTPDevice.objects.create(user=officer, name="a", confirmed=True)
    response = client.post(reverse("second_factor") + "?next=https://evil.example/", {"token": current_code(device)})
    assert response["Location"] == "/"


@pytest.fixture
def enrolled(client, officer, settings):
    """An officer with an authenticator and recovery codes, signed in with the password only."""
    settings.REQUIRE_SECOND_FACTOR = True
    # django-otp's delays after wrong codes stay on, long enough that a slow machine still sees them.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 60
    from homeward.accounts import services
    device = services.pending_totp_device(officer)
    codes = services.confirm_totp(officer, device, current_code(device))
    client.post(reverse("login"), {"username": "officer", "password": "correct horse battery"})
    return device, codes


def verified(client) -> bool:
    return client.get(reverse("registry:case_list")).status_code == 200


@pytest.mark.parametrize("typed", [str.upper, lambda c: f" {c[:5]}-{c[5:]} ".upper(), lambda c: f"{c[:5]} {c[5:]}"])
def test_recovery_codes_are_accepted_in_any_case_with_spaces_or_dashes(client, enrolled, typed):
    _device, codes = enrolled
    response = client.post(reverse("second_factor"), {"token": typed(codes[0]), "next": "/"})
    assert response.status_code == 302 and verified(client)


def test_a_mistyped_authenticator_code_does_not_pause_the_recovery_codes(client, enrolled):
    _device, codes = enrolled
    response = client.post(reverse("second_factor"), {"token": "000000"})
    assert "That code is not right" in response.content.decode()
    response = client.post(reverse("second_factor"), {"token": codes[1], "next": "/"})
    assert response.status_code == 302 and verified(client)


def test_a_paused_second_factor_says_so(client, enrolled):
    device, codes = enrolled
    client.post(reverse("second_factor"), {"token": "0000000000"})  # a wrong recovery code
    html = client.post(reverse("second_factor"), {"token": codes[2]}).content.decode()
    assert re.search(r"Too many wrong codes. Wait (59|60) seconds, then try again.", html)
    assert "not right" not in html
    assert not verified(client)
    # The authenticator is a device of its own: its codes are still checked (the next step's code:
    # the current one confirmed the device and cannot be used twice).
    response = client.post(reverse("second_factor"), {"token": next_code(device), "next": "/"})
    assert response.status_code == 302 and verified(client)
