"""Identity numbers: one normal form per kind, so that the keyed hash finds a number however it was typed."""

import re

from homeward import crypto

from .models import PersonIdentifier

Kind = PersonIdentifier.Kind


def normalise(kind: str, value: str) -> str:
    if kind == Kind.PHONE:
        digits = re.sub(r"\D", "", value)
        # Country codes and trunk zeros vary with who typed the number; the subscriber part does not.
        return digits[-10:]
    return re.sub(r"[\s\-./]", "", value).upper()


def index_of(kind: str, value: str) -> str:
    return crypto.blind_index(kind, normalise(kind, value))


def new_identifier(person, kind: str, value: str, country: str = "") -> PersonIdentifier | None:
    value = " ".join(value.split())
    if not normalise(kind, value):
        return None
    stored = normalise(kind, value) if kind != Kind.PHONE else value
    return PersonIdentifier.objects.create(person=person, kind=kind, ciphertext=crypto.encrypt(stored),
                                           blind_index=index_of(kind, value), country=country)


def persons_with(kind: str, value: str):
    """Ids of the persons holding this number (exact after normalisation)."""
    return PersonIdentifier.objects.filter(kind=kind, blind_index=index_of(kind, value)).values_list("person_id", flat=True)
