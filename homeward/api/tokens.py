"""Issuing and checking API keys."""

import hashlib
import secrets

from django.utils import timezone

from homeward.audit import services as audit

from .models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user, name: str, *, issued_by=None) -> str:
    key = "hw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=_hash(key))
    audit.record_change(issued_by, token, action=audit.Action.CREATE, after={"user": user.get_username(), "name": name})
    return key


def user_for_key(key: str):
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def revoke_token(token: ApiToken, *, revoked_by=None) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record_change(revoked_by, token, after={"revoked": True})
