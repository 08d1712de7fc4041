import pytest
from django.db import transaction

from homeward.accounts.models import User
from homeward.demo.scenario import seed_demo
from homeward.reporting import selectors


@pytest.fixture(autouse=True)
def fresh_cache():
    # Test databases reuse event ids after a rollback, so cached figures must not outlive a test.
    selectors.clear_cache()
    yield
    selectors.clear_cache()


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo seeded once per module (it takes seconds), inside a transaction undone after the module.

    Each test's own transaction nests inside it, as with Django's setUpTestData; modules that use
    this fixture should use it in every test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data, db):
    return User.objects.get(username="officer")


@pytest.fixture
def analyst(db):
    return User.objects.create_user("analyst-1", role=User.Role.ANALYST)
