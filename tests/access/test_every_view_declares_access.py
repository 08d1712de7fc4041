"""Walks every URL of the project: a view without a declared access rule fails here, so none is forgotten."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin guards itself: staff accounts only
            yield from all_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def access_rule(view):
    """Function views carry the rule themselves; class-based (API) views on their class."""
    return getattr(view, "access_rule", None) or getattr(getattr(view, "view_class", None), "access_rule", None)


def test_every_view_declares_who_may_use_it():
    undeclared = [route for route, view in all_patterns() if access_rule(view) is None]
    assert not undeclared, f"views without @view_access: {undeclared}"


def test_the_admin_site_is_for_staff_only_and_signs_in_like_every_page(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/admin/")
