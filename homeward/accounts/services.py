"""Sign-in rules: throttled passwords and the second factor."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.audit import services as audit

from .models import FailedLogin

RECOVERY_CODES = 10
RECOVERY_CODE_LENGTH = 10  # secrets.token_hex(5)


# Wrong passwords are counted per account from one address, and per address for all accounts (a wider
# limit: many colleagues may sign in from one office's address). Failures on an account from other
# addresses never pause it: otherwise anyone could keep an officer out by typing her name with wrong
# passwords; the second factor is what protects the account.
ADDRESS_LIMIT_FACTOR = 4


def _recent_failures():
    return FailedLogin.objects.filter(at__gte=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS))


def _same_address(client_address: str | None) -> Q:
    return Q(client_address=client_address) if client_address else Q(client_address__isnull=True)


def login_paused(username: str, client_address: str | None) -> bool:
    """Whether sign-in for this name from this address waits (too many recent wrong passwords from it)."""
    from_here = _recent_failures().filter(_same_address(client_address))
    if from_here.filter(username__iexact=username).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return from_here.count() >= settings.LOGIN_FAILURE_LIMIT * ADDRESS_LIMIT_FACTOR


def record_failed_login(username: str, client_address: str | None) -> None:
    FailedLogin.objects.create(username=username[:150], client_address=client_address)
    audit.record(None, audit.Action.LOGIN, target_type="accounts.user", label=username[:150],
                 detail=f"failed password from {client_address or 'unknown address'}")


def forget_failed_logins(username: str, client_address: str | None) -> None:
    """After the right password: this address's failures on this account stop counting (not others')."""
    FailedLogin.objects.filter(_same_address(client_address), username__iexact=username).delete()


def pending_totp_device(user) -> TOTPDevice:
    """The authenticator being set up: reused until confirmed, so a reload shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def confirm_totp(user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code; returns fresh recovery codes, shown once."""
    if device.user_id != user.pk or not device.verify_token(_normal_code(token)):
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [secrets.token_hex(RECOVERY_CODE_LENGTH // 2) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    audit.record_change(user, user, after={"second_factor": "authenticator confirmed, recovery codes issued"})
    return codes


class SecondFactorPaused(Exception):
    """Too many wrong codes of this kind in a row: none is checked until `until` (aware UTC)."""

    def __init__(self, until):
        super().__init__(f"second factor paused until {until:%Y-%m-%d %H:%M:%S} UTC")
        self.until = until


def _normal_code(token: str) -> str:
    """A code as typed, without spaces or dashes, in lower case (recovery codes are lowercase hex)."""
    return re.sub(r"[\s\-]", "", token).lower()


def _is_recovery_code(code: str) -> bool:
    return len(code) == RECOVERY_CODE_LENGTH and all(c in "0123456789abcdef" for c in code)


@transaction.atomic
def verify_second_factor(user, token: str):
    """The device that accepts `token` (an authenticator code or an unused recovery code), or None.

    A code is tried only on the kind of device it can belong to (ten hex characters: a recovery code;
    anything else: the authenticator), so a mistyped authenticator code does not pause the recovery
    codes, nor the other way round. Raises SecondFactorPaused while that kind of device waits after
    wrong codes (django-otp's doubling delays)."""
    code = _normal_code(token)
    model = StaticDevice if _is_recovery_code(code) else TOTPDevice
    checked, waits = False, []
    # Locked, so that simultaneous guesses are all counted and a recovery code is used only once.
    for device in model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
        allowed, why = device.verify_is_allowed()
        if not allowed:
            waits.append((why or {}).get("locked_until") or timezone.now())
            continue
        if device.verify_token(code):
            return device
        checked = True
    if waits and not checked:
        raise SecondFactorPaused(min(waits))
    return None
