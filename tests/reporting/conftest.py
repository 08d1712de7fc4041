import pytest

from homeward.accounts.models import User
from homeward.reporting import selectors


@pytest.fixture(autouse=True)
def fresh_cache():
    # Test databases reuse event ids after a rollback, so cached figures must not outlive a test.
    selectors.clear_cache()
    yield
    selectors.clear_cache()


@pytest.fixture
def demo(demo_data, db):
    return User.objects.get(username="officer")


@pytest.fixture
def analyst(db):
    return User.objects.create_user("analyst-1", role=User.Role.ANALYST)
