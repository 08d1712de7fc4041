"""`homeward check --deploy` refuses a production configuration that would weaken the protections."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register


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
    if not settings.REQUIRE_SECOND_FACTOR:
        problems.append(Error("staff accounts do not require a second factor",
                              hint="unset HOMEWARD_REQUIRE_SECOND_FACTOR=0", id="homeward.E003"))
    return problems
