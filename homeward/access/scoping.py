"""Which objects a user may see. One scoping function per model, used everywhere that model is read."""

from django.db.models import Q, QuerySet

from homeward.accounts.models import Partner, User
from homeward.registry.lifecycle import WITHDRAWING, Event
from homeward.registry.models import Case, CaseEvent

from .rules import PERSON_LEVEL


def visible_cases(user) -> QuerySet[Case]:
    """Cases whose person-level data the user may see; everything else answers 404."""
    cases = Case.objects.all()
    if not user.is_authenticated or user.role not in PERSON_LEVEL | {User.Role.HOST_LIAISON}:
        return cases.none()
    if user.role == User.Role.HQ_OFFICER:
        return cases.filter(origin_country=user.country) if user.country else cases.none()
    if user.role == User.Role.MISSION_OFFICER:
        return cases.filter(Q(office=user.office_id) | Q(grants__user=user)).distinct() if user.office_id \
            else cases.filter(grants__user=user)
    if user.role == User.Role.HOST_LIAISON:
        return cases_sent_to_partner(user.partner) if user.partner_id else cases.none()
    return cases


def cases_sent_to_partner(partner) -> QuerySet[Case]:
    """Cases that were named in a request list to this partner (the only ones its liaison may see).

    A request event that was retracted (recorded in error: the list never went) grants nothing."""
    sent = CaseEvent.objects.filter(kind=Event.REQUEST_SENT, source=partner.code).exclude(
        amendments__kind__in=[e.value for e in WITHDRAWING]).values("case_id")
    return Case.objects.filter(pk__in=sent)


def figures_origin(user) -> str | None:
    """The origin country a user's figures are limited to, or None for all origins."""
    if user.role in {User.Role.HQ_OFFICER, User.Role.MISSION_OFFICER} and user.country:
        return user.country
    return None


def exchange_origin(user) -> str | None:
    """The origin country whose nationals the host lists, unknown to us, the user may see: None for
    every origin (administrators), "" for none.

    A man the host lists that matches none of our cases is nobody's case yet, so `visible_cases` cannot
    scope him; he is shown to the officers of the country whose national he probably is (see
    `exchange.selectors.host_listed`). An HQ officer serves his country; a mission officer the origin
    country his office serves. The liaison and the analyst see no such man.
    """
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.role == User.Role.ADMINISTRATOR:
        return None
    if user.role == User.Role.HQ_OFFICER:
        return user.country or ""
    if user.role == User.Role.MISSION_OFFICER:
        return user.office.country if user.office_id else ""
    return ""


def partners_asked_only_for(origin: str) -> list[int]:
    """Partners every request list to which named only cases of `origin` (ids): the men such a partner
    lists unprompted are most likely that country's nationals."""
    if not origin:
        return []
    sent = CaseEvent.objects.filter(kind=Event.REQUEST_SENT).exclude(
        amendments__kind__in=[e.value for e in WITHDRAWING]).values_list("source", "case__origin_country").distinct()
    origins: dict[str, set[str]] = {}
    for code, country in sent:
        origins.setdefault(code, set()).add(country)
    codes = [code for code, countries in origins.items() if countries == {origin}]
    return list(Partner.objects.filter(code__in=codes).values_list("pk", flat=True))


def users_of_origin(origin: str | None) -> QuerySet[User]:
    """The users whose `exchange_origin` is `origin` (a two-letter code), or, for None, is any origin
    country: the same rule, as a query."""
    if origin is None:
        return User.objects.filter(Q(role=User.Role.HQ_OFFICER) & ~Q(country="")
                                   | Q(role=User.Role.MISSION_OFFICER, office__isnull=False))
    if not origin:
        return User.objects.none()
    return User.objects.filter(Q(role=User.Role.HQ_OFFICER, country=origin)
                               | Q(role=User.Role.MISSION_OFFICER, office__country=origin))
