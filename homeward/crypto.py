"""Encryption at rest for identity numbers, and the keyed hash (blind index) that keeps them searchable.

Keys come from the environment. HOMEWARD_FIELD_KEYS is a comma-separated list of Fernet keys, newest
first: values are encrypted with the first and decrypted with any, which is what makes rotation
possible (see README, "Rotating the field keys"). HOMEWARD_BLIND_INDEX_KEY keys the HMAC; changing it
means rebuilding every index, so it is rotated only with `homeward rotate_field_keys --reindex`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _development_key(purpose: str) -> bytes:
    # Outside production a key derived from the (development) secret key lets the demo and tests run
    # with no setup; production refuses to start without real keys.
    digest = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    configured = [k.strip() for k in os.environ.get("HOMEWARD_FIELD_KEYS", "").split(",") if k.strip()]
    if not configured:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("HOMEWARD_FIELD_KEYS must be set in production")
        configured = [_development_key("field-encryption").decode()]
    return MultiFernet([Fernet(k.encode()) for k in configured])


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    configured = os.environ.get("HOMEWARD_BLIND_INDEX_KEY", "")
    if not configured:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("HOMEWARD_BLIND_INDEX_KEY must be set in production")
        return _development_key("blind-index")
    return configured.encode()


def reset_keys() -> None:
    """Forget cached keys (after the environment changed, e.g. in a rotation or a test)."""
    _fernet.cache_clear()
    _index_key.cache_clear()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("an identity number cannot be decrypted with the configured HOMEWARD_FIELD_KEYS") from None


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode()


def blind_index(kind: str, normalised: str) -> str:
    return hmac.new(_index_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    return "••••" + value[-4:] if len(value) > 4 else "••••"
