from datetime import datetime, timezone

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from homeward.accounts.models import Office, User
from homeward.registry import services
from tabular import PartialDate


def at(text: str) -> datetime:
    """An aware UTC datetime from 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def day(text: str) -> PartialDate:
    return PartialDate.from_iso(text)


@pytest.fixture(autouse=True)
def default_language():
    """A request in another language must not leave the next test speaking it (Django keeps it per thread)."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo seeded once per module (it takes seconds), inside a transaction undone after the module.

    Each test's own transaction nests inside it, as with Django's setUpTestData; modules that use
    this fixture should use it in every test (a test after the first one would see the demo anyway).
    """
    from homeward.demo.scenario import seed_demo
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def office(db):
    return Office.objects.create(code="in-embassy-moscow", name="Embassy of India, Moscow", country="IN")


@pytest.fixture
def officer(db, office):
    return User.objects.create_user("officer", password="correct horse battery", role=User.Role.HQ_OFFICER,
                                    country="IN", office=office)


@pytest.fixture
def make_case(db, office):
    def make(name="Harpreet Singh", reported="2024-03-01", recorded="2024-03-02T10:00", *, origin="IN",
             extra_names=(), **person_fields):
        person = services.PersonInput(
            names=[services.NameInput(full_name=name)] + [services.NameInput(full_name=n) for n in extra_names],
            **person_fields,
        )
        return services.create_case(person=person, origin_country=origin, host_country="RU",
                                    reported_on=day(reported), recorded_at=at(recorded), office=office)
    return make
