"""Which objects a user may see. One scoping function per model, used everywhere that model is read."""

from django.db.models import QuerySet

from homeward.accounts.models import User
from homeward.registry.models import Case

from .rules import PERSON_LEVEL


def visible_cases(user) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not user.is_authenticated or user.role not in PERSON_LEVEL:
        return cases.none()
    if user.role == User.Role.HQ_OFFICER:
        return cases.filter(origin_country=user.country) if user.country else cases.none()
    if user.role == User.Role.MISSION_OFFICER:
        return cases.filter(office=user.office) if user.office_id else cases.none()
    return cases


def figures_origin(user) -> str | None:
    """The origin country a user's figures are limited to, or None for all origins."""
    if user.role in {User.Role.HQ_OFFICER, User.Role.MISSION_OFFICER} and user.country:
        return user.country
    return None
