from rest_framework import permissions

from homeward.access.rules import AccessRule


class RoleAccess(permissions.BasePermission):
    """The view's declared roles: `read_roles` for safe methods, `write_roles` for the rest."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method.lower() not in view.http_method_names or not hasattr(view, request.method.lower()):
            return True   # the view answers 405 for a method it does not have, whoever asks
        roles = view.read_roles if request.method in permissions.SAFE_METHODS else view.write_roles
        return user.role in roles


def declare(read_roles=frozenset(), write_roles=frozenset()):
    """Class decorator: the roles of an API view, also read by the generated permission-matrix test."""

    def decorate(cls):
        cls.read_roles = frozenset(read_roles)
        cls.write_roles = frozenset(write_roles)
        cls.access_rule = AccessRule(cls.read_roles | cls.write_roles)
        return cls

    return decorate
