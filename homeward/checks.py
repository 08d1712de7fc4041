"""`homeward check --deploy` refuses a production configuration that would weaken the protections."""

import os

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

MIN_BLIND_INDEX_KEY = 32


@register(Tags.security, deploy=True)
def production_protections(app_configs, **kwargs):
    problems = []
    if not settings.PRODUCTION:
        problems.append(Error("HOMEWARD_PRODUCTION is not set", hint="set HOMEWARD_PRODUCTION=1 on a served instance",
                              id="homeward.E001"))
    for name in ("HOMEWARD_FIELD_KEYS", "HOMEWARD_BLIND_INDEX_KEY"):
        if not os.environ.get(name):
            problems.append(Error(f"{name} is not set", hint="see README, 'Running in production'",
                                  id="homeward.E002"))
    for key in filter(None, (k.strip() for k in os.environ.get("HOMEWARD_FIELD_KEYS", "").split(","))):
        try:
            Fernet(key)
        except ValueError:
            problems.append(Error("HOMEWARD_FIELD_KEYS holds a value that is not a Fernet key",
                                  hint="generate one as README, 'Running in production' shows", id="homeward.E004"))
    if 0 < len(os.environ.get("HOMEWARD_BLIND_INDEX_KEY", "")) < MIN_BLIND_INDEX_KEY:
        problems.append(Error(f"HOMEWARD_BLIND_INDEX_KEY is shorter than {MIN_BLIND_INDEX_KEY} characters",
                              hint="use a long random secret", id="homeward.E005"))
    problems += _demo_accounts()
    if not settings.REQUIRE_SECOND_FACTOR:
        problems.append(Error("staff accounts do not require a second factor",
                              hint="unset HOMEWARD_REQUIRE_SECOND_FACTOR=0", id="homeward.E003"))
    return problems


def _demo_accounts() -> list[Error]:
    """The demo users with the demo password, whose password is printed in the README."""
    from homeward.accounts.models import User
    from homeward.demo.scenario import DEMO_PASSWORD, DEMO_USERS

    try:
        found = [u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS], is_active=True)
                 if u.check_password(DEMO_PASSWORD)]
    except DatabaseError:   # no database yet: nothing to find
        return []
    return [Error(f"the demo account {u.username!r} is active with the demo password, which is public",
                  hint="deactivate it or set another password", id="homeward.E006") for u in found]
