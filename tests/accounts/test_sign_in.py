import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import User


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


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
