"""Every URL × every role, generated from the URLconf and the views' declared rules.

A view added tomorrow is covered without editing this file: anonymous users are turned away, roles
outside the declared ones get 403, declared roles are never refused, and case URLs answer 404 for a
case outside the user's scope.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from homeward.accounts.models import Office, Partner, User
from homeward.registry import services
from tabular import PartialDate

from .test_every_view_declares_access import access_rule

ROLES = list(User.Role)


def routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and str(entry.pattern):  # the API's catch-all has no pattern
            yield prefix + str(entry.pattern), entry


ROUTES = sorted(routes(), key=lambda r: r[0])


def fill(route: str, pattern: URLPattern, reference: str) -> str:
    """A concrete path: the case reference where one is asked for, 1 for other numbers, x for text."""
    path = route
    for name, converter in pattern.pattern.converters.items():
        value = reference if name == "reference" else ("1" if isinstance(converter, IntConverter) else "x")
        path = path.replace(f"<{type(converter).__name__.replace('Converter', '').lower()}:{name}>", value)
        path = path.replace(f"<{name}>", value)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def world(db):
    office = Office.objects.create(code="in-moscow", name="Embassy of India, Moscow", country="IN")
    other_office = Office.objects.create(code="np-moscow", name="Embassy of Nepal, Moscow", country="NP")
    partner = Partner.objects.create(code="RU-MOD", name="Ministry of Defence", country="RU")
    users = {
        User.Role.HQ_OFFICER: User.objects.create_user("hq", role=User.Role.HQ_OFFICER, country="IN", office=office),
        User.Role.MISSION_OFFICER: User.objects.create_user("mission", role=User.Role.MISSION_OFFICER, country="IN",
                                                            office=office),
        User.Role.HOST_LIAISON: User.objects.create_user("liaison", role=User.Role.HOST_LIAISON, partner=partner),
        User.Role.ANALYST: User.objects.create_user("analyst", role=User.Role.ANALYST),
        User.Role.ADMINISTRATOR: User.objects.create_user("admin", role=User.Role.ADMINISTRATOR, is_staff=True),
    }

    def case(name, origin, case_office):
        return services.create_case(
            person=services.PersonInput(names=[services.NameInput(full_name=name)], passport_number="K1234567"),
            origin_country=origin, host_country="RU", reported_on=PartialDate(2024, 3, 1), office=case_office)

    return {"users": users, "in_scope": case("Ravi Kumar", "IN", office),
            "out_of_scope": case("Bikash Gurung", "NP", other_office)}


def request(client, path, api, method="get"):
    if api:
        return getattr(client, method)(path, {}, content_type="application/json")
    return getattr(client, method)(path)


@pytest.mark.parametrize("route, pattern", ROUTES, ids=[r for r, _ in ROUTES])
def test_route_enforces_its_declared_roles(client, world, route, pattern):
    rule = access_rule(pattern.callback)
    path = fill(route, pattern, world["in_scope"].reference)
    api = route.startswith("api/")
    if rule.public:
        assert request(client, path, api).status_code < 500
        return
    anonymous = request(client, path, api)
    assert anonymous.status_code in ((401,) if api else (302,)), path
    view_class = getattr(pattern.callback, "view_class", None)
    for role in ROLES:
        client.force_login(world["users"][role])
        if view_class is not None and hasattr(view_class, "read_roles"):
            for method, roles in (("get", view_class.read_roles), ("post", view_class.write_roles)):
                if not hasattr(view_class, method):
                    continue
                status = request(client, path, api, method).status_code
                assert (status == 403) == (role not in roles), f"{method.upper()} {path} as {role}: {status}"
        else:
            status = request(client, path, api).status_code
            assert (status == 403) == (role not in rule.roles), f"GET {path} as {role}: {status}"
            assert status < 500


CASE_ROUTES = [(r, p) for r, p in ROUTES if "reference" in p.pattern.converters]


@pytest.mark.parametrize("route, pattern", CASE_ROUTES, ids=[r for r, _ in CASE_ROUTES])
def test_case_routes_answer_404_outside_the_users_scope(client, world, route, pattern):
    rule = access_rule(pattern.callback)
    api = route.startswith("api/")
    path = fill(route, pattern, world["out_of_scope"].reference)
    for role in rule.roles - {User.Role.ADMINISTRATOR}:  # administrators see every case
        client.force_login(world["users"][role])
        outside = request(client, path, api)
        if outside.status_code == 405:  # a POST-only view
            outside = request(client, path, api, "post")
        assert outside.status_code == 404, f"{route} as {role}: {outside.status_code}"
