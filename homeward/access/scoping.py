"""Which cases a user may see. Pages, commands and exports all scope through `visible_cases`."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from homeward.accounts.models import User

from .models import Case

PERSON_LEVEL_ROLES = {User.Role.HQ_OFFICER, User.Role.MISSION_OFFICER, User.Role.ADMINISTRATOR}
RECORDING_ROLES = {User.Role.HQ_OFFICER, User.Role.MISSION_OFFICER}


def visible_cases(user) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not user.is_authenticated or user.role not in PERSON_LEVEL_ROLES:
        return cases.none()
    if user.role == User.Role.HQ_OFFICER:
        return cases.filter(origin_country=user.country) if user.country else cases.none()
    if user.role == User.Role.MISSION_OFFICER:
        return cases.filter(office=user.office) if user.office_id else cases.none()
    return cases


def require_person_level(user) -> None:
    if user.role not in PERSON_LEVEL_ROLES:
        raise PermissionDenied("this role sees aggregate figures only")


def require_recording(user) -> None:
    if user.role not in RECORDING_ROLES:
        raise PermissionDenied("only consular officers record events")


def figures_origin(user) -> str | None:
    """The origin country a user's figures are limited to, or None for all origins."""
    if user.role in {User.Role.HQ_OFFICER, User.Role.MISSION_OFFICER} and user.country:
        return user.country
    return None
