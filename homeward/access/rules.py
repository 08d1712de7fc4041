"""Each view declares who may use it; a test walks every URL and fails on a view that declares nothing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from homeward.accounts.models import User

Role = User.Role
PERSON_LEVEL = frozenset({Role.HQ_OFFICER, Role.MISSION_OFFICER, Role.ADMINISTRATOR})
RECORDING = frozenset({Role.HQ_OFFICER, Role.MISSION_OFFICER})
ALL_STAFF = frozenset(Role)


@dataclass(frozen=True)
class AccessRule:
    roles: frozenset
    public: bool = False


def view_access(*, roles=frozenset(), public: bool = False):
    """Declare and enforce who may call a view: anyone (`public`), or signed-in users of `roles`.

    Anonymous users are sent to the login page; a signed-in user of another role gets 403.
    Object-level scoping (404 for cases outside one's scope) is the view's job, through `visible_cases`.
    """
    rule = AccessRule(frozenset(roles), public)
    if not public and not rule.roles:
        raise ValueError("a non-public view must name the roles that may use it")

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if request.user.role not in rule.roles:
                    raise PermissionDenied("your role may not use this page")
            return view(request, *args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate
